package slackfake_test

import (
	"context"
	"errors"
	"testing"

	"github.com/slack-go/slack"

	"majordome/internal/slackbot/slackfake"

	"majordome/internal/testutil"
)

// TestHoldKeepsTheAnswerUntilRelease: a held chat.postMessage posts at once and answers only on
// Release; a held call whose client gives up ends; other methods answer meanwhile.
func TestHoldKeepsTheAnswerUntilRelease(t *testing.T) {
	f := slackfake.New(t)
	f.AddUser(slackfake.User{ID: "U0ZOE00001", Email: "zoe@exemple.fr", Name: "Zoé Thomas"})
	api := slack.New("xoxb-test", slack.OptionAPIURL(f.URL))
	md := slack.SlackMetadata{EventType: "majordome_message", EventPayload: map[string]any{"ref": "r1"}}
	f.Hold("chat.postMessage")

	done := make(chan error, 1)
	go func() {
		_, _, err := api.PostMessageContext(context.Background(), "D0ZOE00001", slack.MsgOptionText("Bonjour", false), slack.MsgOptionMetadata(md))
		done <- err
	}()
	waitUntil(t, "the post to hold", func() bool { return f.Holding() == 1 })
	if n := f.Posted()["r1"]; n != 1 {
		t.Fatalf("held post: posted %d times, want once before the answer", n)
	}
	if _, err := api.GetUserInfoContext(context.Background(), "U0ZOE00001"); err != nil {
		t.Fatalf("users.info while a post holds: %v", err)
	}
	select {
	case err := <-done:
		t.Fatalf("the held post answered before Release: %v", err)
	default:
	}
	f.Release()
	if err := <-done; err != nil {
		t.Fatalf("after Release: %v", err)
	}
	if n := f.Holding(); n != 0 {
		t.Errorf("%d calls still held after Release", n)
	}

	// A client that goes away ends its held call.
	f.Hold("")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		_, err := api.AuthTestContext(ctx)
		done <- err
	}()
	waitUntil(t, "auth.test to hold", func() bool { return f.Holding() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled call: %v", err)
	}
	waitUntil(t, "the abandoned call to end", func() bool { return f.Holding() == 0 })
	f.Release()
}

// waitUntil waits until cond holds (testutil.Eventually).
var waitUntil = testutil.Eventually
