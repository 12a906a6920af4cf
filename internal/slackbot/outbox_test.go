package slackbot

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"majordome/internal/db"
	"majordome/internal/jobs"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

const zoe = "U0ZOE00001"

func (p *platform) postTx(t *testing.T, m Message) {
	t.Helper()
	p.tx(t, func(tx *sql.Tx) error { return p.post(context.Background(), tx, m) })
}

func (p *platform) at(t *testing.T, ref string) (string, string) {
	t.Helper()
	ch, ts, ok, err := p.messageAt(context.Background(), ref)
	if err != nil || !ok {
		t.Fatalf("messageAt(%q) = %v, %v", ref, ok, err)
	}
	return ch, ts
}

func TestOutboxPostsOnceThenUpdates(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		p := newPlatform(t, d, nil)
		p.fake.AddUser(slackfake.User{ID: zoe, Email: "zoe@exemple.fr", Name: "Zoé Thomas"})
		blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "*#1042* Photocopieuse", false, false), nil, nil)}
		p.postTx(t, Message{Ref: "request:1042:dm", User: zoe, Text: "Demande #1042", Blocks: blocks})
		// Nothing leaves before the job runs: the caller's transaction decides.
		if n := p.fake.Count(""); n != 0 {
			t.Fatalf("%d calls before the job ran", n)
		}
		p.workOK(t, JobPost)
		posts := p.fake.Calls("chat.postMessage")
		if len(posts) != 1 || posts[0].Params["channel"] != "D0ZOE00001" || posts[0].Params["text"] != "Demande #1042" {
			t.Fatalf("chat.postMessage calls: %+v", posts)
		}
		if posts[0].Token != testBotToken || posts[0].Params["blocks"] == "" {
			t.Errorf("call without token or blocks: %+v", posts[0])
		}
		ch, ts := p.at(t, "request:1042:dm")
		if ref, ok, err := p.refAt(context.Background(), ch, ts); err != nil || !ok || ref != "request:1042:dm" {
			t.Errorf("refAt = %q %v %v", ref, ok, err)
		}

		// A running job found again (a crash after the record, before the queue knew): nothing sent.
		p.tx(t, func(tx *sql.Tx) error { return p.wake(context.Background(), tx, "request:1042:dm") })
		p.workOK(t, JobPost)
		if n := p.fake.Count("chat.postMessage") + p.fake.Count("chat.update"); n != 1 {
			t.Fatalf("a done ref was sent again (%d calls)", n)
		}

		// New content under the same ref: chat.update of the same message.
		p.postTx(t, Message{Ref: "request:1042:dm", User: zoe, Text: "Demande #1042 — résolue", Blocks: blocks})
		p.workOK(t, JobPost)
		ups := p.fake.Calls("chat.update")
		if len(ups) != 1 || ups[0].Params["ts"] != ts || ups[0].Params["channel"] != ch {
			t.Fatalf("chat.update calls: %+v", ups)
		}
		// The same content again: nothing queued, nothing sent.
		p.postTx(t, Message{Ref: "request:1042:dm", User: zoe, Text: "Demande #1042 — résolue", Blocks: blocks})
		if n := len(p.pending(t, JobPost)); n != 0 {
			t.Fatalf("the same content queued %d jobs", n)
		}
		if got := p.fake.Posted()["request:1042:dm"]; got != 1 {
			t.Errorf("posted %d times", got)
		}
		if m := p.fake.Messages()[0]; m.Text != "Demande #1042 — résolue" || m.Updates != 1 {
			t.Errorf("Slack shows %+v", m)
		}

		// Fire-and-forget and ephemeral messages.
		p.postTx(t, Message{Channel: "C0OFFICE01", Text: "Bonjour l'équipe"})
		p.postTx(t, Message{Channel: "C0OFFICE01", User: zoe, Text: "Rien que pour vous", Ephemeral: true})
		p.workOK(t, JobPost)
		if n := p.fake.Count("chat.postEphemeral"); n != 1 {
			t.Errorf("%d chat.postEphemeral", n)
		}
		if n := p.fake.Count("chat.postMessage"); n != 2 {
			t.Errorf("%d chat.postMessage, want 2", n)
		}
	})
}

func TestOutboxThreadWaitsForItsParent(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		p := newPlatform(t, d, nil)
		p.postTx(t, Message{Ref: "reply:1", Channel: "C0OFFICE01", ThreadRef: "parent", Text: "Première réponse"})
		p.workOK(t, JobPost)
		if n := p.fake.Count(""); n != 0 {
			t.Fatalf("a reply was sent before its parent (%d calls)", n)
		}
		p.postTx(t, Message{Ref: "parent", Channel: "C0OFFICE01", Text: "Demande #7"})
		p.workOK(t, JobPost) // posts the parent, which wakes the reply
		p.workOK(t, JobPost)
		posts := p.fake.Calls("chat.postMessage")
		if len(posts) != 2 {
			t.Fatalf("%d posts, want the parent and the reply", len(posts))
		}
		_, parentTS := p.at(t, "parent")
		if posts[1].Params["thread_ts"] != parentTS || posts[1].Params["text"] != "Première réponse" {
			t.Errorf("the reply was posted as %+v, want in the thread of %s", posts[1].Params, parentTS)
		}
	})
}

func TestOutboxRetryAfterAndRateLimits(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		p := newPlatform(t, d, nil)
		p.fake.RateLimit("chat.postMessage", 1, 7)
		p.postTx(t, Message{Ref: "a", Channel: "C0OFFICE01", Text: "Un"})
		errs := p.work(t, JobPost)
		var ra *jobs.RetryAfterError
		if len(errs) != 1 || !errors.As(errs[0], &ra) || ra.Delay != 7*time.Second {
			t.Fatalf("a 429 gave %v, want a retry after 7s", errs)
		}
		// Every instance now waits out the 7 s, whatever it sends to that channel.
		p.postTx(t, Message{Ref: "a2", Channel: "C0OFFICE01", Text: "Un bis"})
		errs = p.work(t, JobPost)
		if len(errs) != 1 || !errors.As(errs[0], &ra) || ra.Delay != 7*time.Second {
			t.Fatalf("a post during the wait gave %v, want a retry after 7s", errs)
		}
		p.clock.advance(7 * time.Second)
		p.tx(t, func(tx *sql.Tx) error { return p.wake(context.Background(), tx, "a") })
		p.workOK(t, JobPost)
		if got := p.fake.Posted()["a"]; got != 1 {
			t.Fatalf("posted %d times after the 429, want 1", got)
		}
		if n := p.fake.Count("conversations.history"); n != 0 {
			t.Errorf("%d lookups after a 429: Slack said it posted nothing", n)
		}

		// One message a second per channel: the next post to the channel waits its turn, a
		// post to another channel does not.
		p.clock.slept = nil
		p.postTx(t, Message{Ref: "b", Channel: "C0OFFICE01", Text: "Deux"})
		p.workOK(t, JobPost)
		p.postTx(t, Message{Ref: "c", Channel: "C0OTHER001", Text: "Ailleurs"})
		p.workOK(t, JobPost)
		if len(p.clock.slept) != 1 || p.clock.slept[0] != time.Second {
			t.Errorf("slept %v, want one wait of 1s for the second post to C0OFFICE01", p.clock.slept)
		}
		// A long wait gives the worker back instead of sleeping.
		if err := p.throttle(context.Background(), "views.publish", time.Minute); err != nil {
			t.Fatal(err)
		}
		err := p.throttle(context.Background(), "views.publish", time.Minute)
		if !errors.As(err, &ra) || ra.Delay != time.Minute {
			t.Errorf("second call within a minute: %v, want a retry after 1m", err)
		}
	})
}

func TestOutboxLostAnswerIsNotPostedTwice(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		p := newPlatform(t, d, nil)
		p.postTx(t, Message{Ref: "lost", Channel: "C0OFFICE01", Text: "Demande #12"})
		p.postTx(t, Message{Ref: "lost-reply", Channel: "C0OFFICE01", ThreadRef: "lost", Text: "Réponse"})
		p.fake.DropAnswer("chat.postMessage", 1) // Slack posts it; the answer never arrives
		if errs := p.work(t, JobPost); len(errs) != 2 || errs[0] == nil {
			t.Fatalf("errors %v, want the lost answer's", errs)
		}
		if _, _, ok, _ := p.messageAt(context.Background(), "lost"); ok {
			t.Fatal("recorded without an answer")
		}
		// The retry looks before posting, finds the message and records it.
		p.tx(t, func(tx *sql.Tx) error { return p.wake(context.Background(), tx, "lost") })
		p.workOK(t, JobPost)
		p.workOK(t, JobPost) // the reply, woken by its parent's record
		if got := p.fake.Posted(); got["lost"] != 1 || got["lost-reply"] != 1 {
			t.Fatalf("posted %v, want each once", got)
		}
		if n := p.fake.Count("conversations.history"); n != 1 {
			t.Errorf("%d history lookups, want 1", n)
		}
		_, ts := p.at(t, "lost")
		if m := p.fake.Messages()[0]; m.TS != ts {
			t.Errorf("recorded ts %s, Slack has %s", ts, m.TS)
		}
	})
}

func TestOutboxRefusedMessageIsNotRetried(t *testing.T) {
	p := newPlatform(t, testutil.SQLite(t), nil)
	p.postTx(t, Message{Ref: "bad", Channel: "#nowhere", Text: "?"})
	p.workOK(t, JobPost) // channel_not_found: logged, done
	if n := len(p.pending(t, JobPost)); n != 0 {
		t.Errorf("%d jobs left", n)
	}
}

func TestCallIsIdempotentByKey(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		p := newPlatform(t, d, nil)
		view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "Vos demandes", false, false), nil, nil)}}}
		publish := func() {
			p.tx(t, func(tx *sql.Tx) error {
				return p.call(context.Background(), tx, "views.publish", map[string]any{"user_id": zoe, "view": view}, "home:U0ZOE00001:1")
			})
		}
		publish()
		publish() // while the first waits: one job
		if n := len(p.pending(t, JobCall)); n != 1 {
			t.Fatalf("%d jobs for one key", n)
		}
		p.workOK(t, JobCall)
		publish() // after it was sent: sent no more
		p.workOK(t, JobCall)
		calls := p.fake.Calls("views.publish")
		if len(calls) != 1 || calls[0].Params["user_id"] != zoe || calls[0].Params["view"] == "" {
			t.Fatalf("views.publish calls: %+v", calls)
		}
		// Without a key, every call is made.
		for range 2 {
			p.tx(t, func(tx *sql.Tx) error {
				return p.call(context.Background(), tx, "views.publish", map[string]any{"user_id": zoe, "view": view}, "")
			})
		}
		p.workOK(t, JobCall)
		if n := p.fake.Count("views.publish"); n != 3 {
			t.Errorf("%d views.publish, want 3", n)
		}
	})
}
