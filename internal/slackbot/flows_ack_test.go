package slackbot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"

	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/testutil"
)

// ackOf decodes the slash command's immediate answer: an ephemeral message's text.
func ackOf(t *testing.T, body string) string {
	t.Helper()
	var ack struct {
		Type string `json:"response_type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal([]byte(body), &ack); err != nil || ack.Type != "ephemeral" || ack.Text == "" {
		t.Fatalf("the command's answer %q (%v): want an ephemeral message", body, err)
	}
	return ack.Text
}

// /om with text is answered at once, before the job files the request: in the person's
// language once Slack matched them, in French before (they may yet be refused), with the title
// the request will have, escaped for mrkdwn; /om alone answers nothing (the modal opens).
func TestFlowsCommandAck(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		// Anaïs reads English, but nobody matched her Slack user yet.
		got := ackOf(t, e.command(t, "U0ANAIS001", "Le badge &amp; la clé du 4e ne marchent plus. Depuis lundi."))
		if want := "C'est noté : je regarde votre demande « Le badge &amp; la clé du 4e ne marchent plus. »… Je vous réponds ici dans un instant."; got != want {
			t.Fatalf("first ack:\n got %q\nwant %q", got, want)
		}
		e.settle(t)
		n := e.latest(t)
		if r := e.request(t, n); r.Title != "Le badge & la clé du 4e ne marchent plus." || r.RequesterID != e.anais.ID {
			t.Fatalf("request filed: %+v", r)
		}

		// Now matched: in English, and the confirmation with the number follows, as promised.
		got = ackOf(t, e.command(t, "U0ANAIS001", "Coffee machine leaking\nOn the 3rd floor."))
		if !strings.HasPrefix(got, "Got it: I'm filing your request “Coffee machine leaking”…") ||
			!strings.Contains(got, "direct message") {
			t.Fatalf("ack of a known English reader: %q", got)
		}
		e.settle(t)
		if e.latest(t) != n+1 {
			t.Fatalf("the second command filed #%d, want #%d", e.latest(t), n+1)
		}
		e.waitCall(t, "chat.postEphemeral", "text", fmt.Sprintf("#%d", n+1))

		// The ack reads no Slack: it comes while Slack is down (the job will retry).
		e.fake.Fail("users.info", -1, 500, 0)
		got = ackOf(t, e.command(t, "U0HELENE01", "Plus de papier à la reprographie"))
		if !strings.Contains(got, "« Plus de papier à la reprographie »") {
			t.Fatalf("ack with Slack down: %q", got)
		}
		e.fake.Heal("")

		if body := e.command(t, "U0ZOE00001", "  "); body != "" {
			t.Fatalf("/om alone answered %q, want nothing (the modal opens)", body)
		}
	})
}

// Through Socket Mode, the command's ack carries the same ephemeral answer.
func TestFlowsCommandAckSocket(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d, func(c *config.Slack) { c.AppToken = "xapp-1-test" })
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); e.app.RunSocket(ctx) }()
		defer wg.Wait()
		defer stop()
		eventually(t, "the socket to connect", func() bool { return e.fake.Connected() == 1 })

		// Hélène is matched already (her language is French).
		if _, err := e.app.personFor(context.Background(), "U0HELENE01"); err != nil {
			t.Fatal(err)
		}
		cmd := `{"command":"/om","text":"Plus de café","user_id":"U0HELENE01","channel_id":"C0GENERAL1","trigger_id":"13345224609.1.socket"}`
		id, err := e.fake.Push("slash_commands", []byte(cmd), 0)
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, "the ack of "+id, func() bool { _, ok := e.fake.Acked(id); return ok })
		ack, _ := e.fake.Acked(id)
		got := ackOf(t, string(ack.Payload))
		if !strings.HasPrefix(got, "C'est noté : je crée votre demande « Plus de café »…") {
			t.Fatalf("the socket's ack: %q", got)
		}
		e.settle(t)
		if r := e.request(t, e.latest(t)); r.Title != "Plus de café" || r.RequesterID != e.helene.ID {
			t.Fatalf("request filed through the socket: %+v", r)
		}
	})
}

// The ack's read runs under the delivery's context: a delivery already gone (Slack hung up)
// reads nothing and answers the French fallback rather than waiting.
func TestFlowsCommandAckContext(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		ctx := context.Background()
		if _, err := e.app.personFor(ctx, "U0ANAIS001"); err != nil {
			t.Fatal(err)
		}
		cmd := slack.SlashCommand{Command: "/om", Text: "Coffee machine leaking", UserID: "U0ANAIS001"}
		if got := e.app.commandAck(ctx, cmd); !strings.HasPrefix(got, "Got it") {
			t.Fatalf("ack under a live context: %q", got)
		}
		gone, cancel := context.WithCancel(ctx)
		cancel()
		if got := e.app.commandAck(gone, cmd); !strings.HasPrefix(got, "C'est noté : je regarde") {
			t.Fatalf("ack under a context gone: %q", got)
		}
	})
}
