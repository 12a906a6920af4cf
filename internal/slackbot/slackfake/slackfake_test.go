package slackfake_test

import (
	"context"
	"errors"
	"testing"

	"github.com/slack-go/slack"

	"majordome/internal/slackbot/slackfake"
)

func TestFakeAnswersLikeSlack(t *testing.T) {
	f := slackfake.New(t)
	f.AddUser(slackfake.User{ID: "U0ZOE00001", Email: "zoe@exemple.fr", Name: "Zoé Thomas"})
	api := slack.New("xoxb-test", slack.OptionAPIURL(f.URL))
	ctx := context.Background()

	auth, err := api.AuthTestContext(ctx)
	if err != nil || auth.UserID != slackfake.BotUserID {
		t.Fatalf("auth.test = %+v, %v", auth, err)
	}
	u, err := api.GetUserByEmailContext(ctx, "ZOE@exemple.fr")
	if err != nil || u.ID != "U0ZOE00001" || u.Profile.Email != "zoe@exemple.fr" {
		t.Fatalf("users.lookupByEmail = %+v, %v", u, err)
	}
	ch, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U0ZOE00001"}})
	if err != nil || ch.ID == "" {
		t.Fatalf("conversations.open = %+v, %v", ch, err)
	}
	md := slack.SlackMetadata{EventType: "majordome_message", EventPayload: map[string]any{"ref": "r1"}}
	c, ts, err := api.PostMessageContext(ctx, ch.ID, slack.MsgOptionText("Bonjour", false), slack.MsgOptionMetadata(md))
	if err != nil || c != ch.ID || ts == "" {
		t.Fatalf("chat.postMessage = %q %q %v", c, ts, err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, c, ts, slack.MsgOptionText("Bonsoir", false)); err != nil {
		t.Fatal(err)
	}
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: c, IncludeAllMetadata: true})
	if err != nil || len(h.Messages) != 1 || h.Messages[0].Text != "Bonsoir" || h.Messages[0].Metadata.EventPayload["ref"] != "r1" {
		t.Fatalf("conversations.history = %+v, %v", h, err)
	}
	if got := f.Posted()["r1"]; got != 1 {
		t.Errorf("posted r1 %d times, want 1", got)
	}

	f.RateLimit("chat.postMessage", 1, 7)
	_, _, err = api.PostMessageContext(ctx, c, slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter.Seconds() != 7 {
		t.Fatalf("rate limited: %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, c, slack.MsgOptionText("x", false)); err != nil {
		t.Fatalf("after the 429: %v", err)
	}
	if n := f.Count("chat.postMessage"); n != 3 {
		t.Errorf("recorded %d chat.postMessage, want 3", n)
	}
	if _, err := slack.New("xoxb-x", slack.OptionAPIURL(f.URL)).GetUserInfoContext(ctx, "U0NOBODY01"); err == nil {
		t.Error("users.info of an unknown user: no error")
	}
}
