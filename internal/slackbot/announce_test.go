package slackbot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"majordome/internal/announce"
	"majordome/internal/db"
	"majordome/internal/jobs"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// fakeAnnouncements stands in for the announcement service: it knows one announcement and
// records the acknowledgements.
type fakeAnnouncements struct {
	mu         sync.Mutex
	an         announce.Announcement
	recipients map[int64]bool
	acks       []string // "id:person:via"
}

func (f *fakeAnnouncements) Get(_ context.Context, id int64) (announce.Announcement, error) {
	if id != f.an.ID {
		return announce.Announcement{}, announce.ErrNotFound
	}
	return f.an, nil
}

func (f *fakeAnnouncements) Acknowledge(_ context.Context, id, personID int64, via string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id != f.an.ID {
		return announce.ErrNotFound
	}
	if !f.recipients[personID] {
		return announce.ErrNotRecipient
	}
	f.acks = append(f.acks, strings.Join([]string{itoa(id), itoa(personID), via}, ":"))
	return nil
}

func (f *fakeAnnouncements) acked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.acks...)
}

// unescaped is JSON text with &, < and > as they are.
func unescaped(s string) string {
	return strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(s)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// announcement is the fire drill, to acknowledge before Thursday.
func (e *flowsEnv) announcement() announce.Announcement {
	by := time.Date(2025, 11, 27, 9, 0, 0, 0, time.UTC)
	return announce.Announcement{ID: 41, Title: "Exercice d'évacuation jeudi", Importance: announce.Action,
		Body:        "## Jeudi à 10 h\nRendez-vous **devant l'entrée**, _sans_ ascenseur.\n- Paris & Lyon\n- [Le plan](https://exemple.fr/plan)",
		AckRequired: true, AckBy: &by, Version: 1, AuthorName: "Camille Martin",
		Channels: []string{announce.ChannelSlack}, SlackDM: true,
		Files: []announce.File{{ID: 7, Name: "plan-évacuation.pdf", ContentType: "application/pdf"}}}
}

func TestAnnounceSlackDeliverer(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		ctx := context.Background()
		svc := &fakeAnnouncements{an: e.announcement(), recipients: map[int64]bool{e.zoe.ID: true, e.helene.ID: true}}
		dl := e.app.Announcer(svc)
		if got := dl.Rate(); got.N != 1 || got.Per != AnnounceInterval || dl.Channel() != "slack" {
			t.Fatalf("rate %+v, channel %q", got, dl.Channel())
		}
		an := svc.an
		zoe := announce.Recipient{AnnouncementID: an.ID, PersonID: e.zoe.ID, Email: e.zoe.Email, Language: "fr"}
		ref, err := dl.Deliver(ctx, an, zoe)
		if err != nil {
			t.Fatal(err)
		}
		want := announceRef(an.ID, e.zoe.ID)
		m, ok := e.message(want)
		if !ok || ref != m.Channel+"/"+m.TS || m.Channel != "D0ZOE00001" {
			t.Fatalf("Deliver = %q; message %+v (found %v)", ref, m, ok)
		}
		for _, s := range []string{"🔴 *Action requise : Exercice d'évacuation jeudi*", "*Jeudi à 10 h*", "*devant l'entrée*",
			"_sans_", "• Paris &amp; Lyon", "<https://exemple.fr/plan|Le plan>",
			"https://majordome.exemple.fr/portal/announcements/41/files/7|plan-évacuation.pdf",
			"Annonce de Camille Martin", "avant le 27/11/2025 10:00", `"action_id":"announce_ack"`, `"value":"41"`, "J'ai lu"} {
			if !strings.Contains(unescaped(m.Blocks), s) {
				t.Errorf("the DM's blocks lack %q:\n%s", s, m.Blocks)
			}
		}
		if !strings.Contains(m.Text, "Action requise : Exercice") {
			t.Errorf("fallback text %q", m.Text)
		}

		// Called again (the fan-out resumed after a crash): nothing more is posted.
		again, err := dl.Deliver(ctx, an, zoe)
		if err != nil || again != ref || e.fake.Posted()[want] != 1 {
			t.Fatalf("again: %q, %v; posted %d", again, err, e.fake.Posted()[want])
		}

		// Without an acknowledgement asked, no button.
		info := an
		info.ID, info.AckRequired, info.AckBy, info.Importance = 42, false, nil, announce.Info
		if _, err := dl.Deliver(ctx, info, zoe); err != nil {
			t.Fatal(err)
		}
		m, _ = e.message(announceRef(42, e.zoe.ID))
		if strings.Contains(m.Blocks, "announce_ack") || !strings.Contains(m.Blocks, "ℹ️ *Exercice") {
			t.Errorf("an information without acknowledgement: %s", m.Blocks)
		}

		// Someone Slack does not know: a permanent failure.
		_, err = dl.Deliver(ctx, an, announce.Recipient{PersonID: 999999, Email: "nobody@exemple.fr"})
		var perm *announce.Permanent
		if !errors.As(err, &perm) {
			t.Fatalf("no Slack account: %v, want Permanent", err)
		}

		// A correction updates the DM in place.
		fixed := an
		fixed.Version, fixed.Body = 2, "Rendez-vous **sur le parking**."
		if err := dl.Correct(ctx, fixed, zoe, ref); err != nil {
			t.Fatal(err)
		}
		m, _ = e.message(want)
		if m.Updates != 1 || !strings.Contains(m.Blocks, "(corrigé)") || !strings.Contains(m.Blocks, "*sur le parking*") ||
			strings.Contains(m.Blocks, "devant") || e.fake.Posted()[want] != 1 {
			t.Fatalf("after the correction: %d updates, %s", m.Updates, m.Blocks)
		}

		// A reminder goes in the DM's thread.
		if err := dl.Remind(ctx, fixed, zoe); err != nil {
			t.Fatal(err)
		}
		var reminder bool
		for _, r := range e.fake.Messages() {
			if strings.HasPrefix(r.Ref, want+":remind:") {
				reminder = r.ThreadTS == m.TS && r.Channel == m.Channel && strings.Contains(r.Blocks, "Petit rappel")
			}
		}
		if !reminder {
			t.Fatalf("no reminder in the DM's thread: %+v", e.fake.Messages())
		}
		// Twice the same day: one reminder.
		if err := dl.Remind(ctx, fixed, zoe); err != nil {
			t.Fatal(err)
		}
		n := 0
		for ref, c := range e.fake.Posted() {
			if strings.HasPrefix(ref, want+":remind:") {
				n += c
			}
		}
		if n != 1 {
			t.Errorf("%d reminders the same day, want 1", n)
		}
	})
}

func TestAnnounceSlackLostAnswerAndRetryAfter(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		ctx := context.Background()
		svc := &fakeAnnouncements{an: e.announcement()}
		dl := e.app.Announcer(svc)
		an := svc.an
		helene := announce.Recipient{PersonID: e.helene.ID, Email: e.helene.Email, Language: "fr"}
		want := announceRef(an.ID, e.helene.ID)

		// Slack posts, and the answer is lost: the next call finds the message by its metadata.
		e.fake.DropAnswer("chat.postMessage", 1)
		if _, err := dl.Deliver(ctx, an, helene); err == nil {
			t.Fatal("a lost answer: want an error, to retry")
		}
		ref, err := dl.Deliver(ctx, an, helene)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := e.message(want)
		if e.fake.Posted()[want] != 1 || ref != m.Channel+"/"+m.TS || e.fake.Count("conversations.history") != 1 {
			t.Fatalf("after a lost answer: posted %d, ref %q (message %s/%s), %d lookups", e.fake.Posted()[want], ref,
				m.Channel, m.TS, e.fake.Count("conversations.history"))
		}

		// A 429: Retry-After comes back as jobs.RetryAfter, and nothing is posted.
		anais := announce.Recipient{PersonID: e.anais.ID, Email: e.anais.Email, Language: "en"}
		e.fake.RateLimit("chat.postMessage", 1, 7)
		_, err = dl.Deliver(ctx, an, anais)
		var ra *jobs.RetryAfterError
		if !errors.As(err, &ra) || ra.Delay != 7*time.Second {
			t.Fatalf("a 429: %v, want RetryAfter 7s", err)
		}
		if e.fake.Posted()[announceRef(an.ID, e.anais.ID)] != 0 {
			t.Fatal("posted despite the 429")
		}
		// Retried once Slack lets it: posted once, in English.
		e.app.sleep(ctx, 7*time.Second)
		if _, err := dl.Deliver(ctx, an, anais); err != nil {
			t.Fatal(err)
		}
		m, _ = e.message(announceRef(an.ID, e.anais.ID))
		if e.fake.Posted()[announceRef(an.ID, e.anais.ID)] != 1 || !strings.Contains(m.Blocks, "Action required") ||
			!strings.Contains(m.Blocks, "I've read it") {
			t.Fatalf("Anaïs's DM: %s", m.Blocks)
		}
	})
}

func TestAnnounceSlackAckButton(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		ctx := context.Background()
		svc := &fakeAnnouncements{an: e.announcement(), recipients: map[int64]bool{e.zoe.ID: true, e.helene.ID: true}}
		svc.an.SlackChannel = "C0GENERAL1"
		dl := e.app.Announcer(svc)
		an := svc.an
		zoe := announce.Recipient{PersonID: e.zoe.ID, Email: e.zoe.Email, Language: "fr"}
		if _, err := dl.Deliver(ctx, an, zoe); err != nil {
			t.Fatal(err)
		}
		dm, _ := e.message(announceRef(an.ID, e.zoe.ID))

		// Zoé clicks "J'ai lu" in her DM: acknowledged through Slack, and the DM says so.
		e.ackClick(t, "U0ZOE00001", dm.Channel, dm.TS, "41")
		e.settle(t)
		if got := svc.acked(); len(got) != 1 || got[0] != "41:"+itoa(e.zoe.ID)+":slack" {
			t.Fatalf("acknowledgements %v", got)
		}
		dm = e.waitMessage(t, announceRef(an.ID, e.zoe.ID), func(m slackfake.Message) bool { return strings.Contains(m.Blocks, "✅ Lu le") })
		if strings.Contains(dm.Blocks, `"action_id":"announce_ack"`) {
			t.Errorf("the button stays after the acknowledgement: %s", dm.Blocks)
		}

		// The channel post: the same blocks; Hélène clicks there, only she is told.
		ref, err := dl.PostChannel(ctx, an)
		if err != nil {
			t.Fatal(err)
		}
		post, _ := e.message(channelRef(an.ID))
		if ref != "C0GENERAL1/"+post.TS || !strings.Contains(post.Blocks, `"action_id":"announce_ack"`) {
			t.Fatalf("channel post %q: %+v", ref, post)
		}
		e.ackClick(t, "U0HELENE01", "C0GENERAL1", post.TS, "41")
		e.settle(t)
		if got := svc.acked(); len(got) != 2 || got[1] != "41:"+itoa(e.helene.ID)+":slack" {
			t.Fatalf("acknowledgements %v", got)
		}
		eph := e.waitCall(t, "chat.postEphemeral", "user", "U0HELENE01")
		if eph.Params["channel"] != "C0GENERAL1" || !strings.Contains(eph.Params["text"], "✅ Lu le") {
			t.Errorf("Hélène's confirmation: %+v", eph.Params)
		}
		if p, _ := e.message(channelRef(an.ID)); p.Updates != 0 {
			t.Error("the channel post changed for everyone")
		}

		// Anaïs is not a recipient: told so, nothing recorded.
		e.ackClick(t, "U0ANAIS001", "C0GENERAL1", post.TS, "41")
		e.settle(t)
		if len(svc.acked()) != 2 {
			t.Fatalf("a non-recipient acknowledged: %v", svc.acked())
		}
		e.waitCall(t, "chat.postEphemeral", "user", "U0ANAIS001")

		// A correction updates the channel post.
		fixed := an
		fixed.Version = 2
		if err := dl.CorrectChannel(ctx, fixed, ref); err != nil {
			t.Fatal(err)
		}
		if p, _ := e.message(channelRef(an.ID)); p.Updates != 1 || !strings.Contains(p.Blocks, "(corrigé)") {
			t.Fatalf("corrected channel post: %+v", p)
		}
	})
}

// ackClick sends the block_actions of "J'ai lu" on the message at channel/ts, signed.
func (e *flowsEnv) ackClick(t *testing.T, user, channel, ts, value string) {
	t.Helper()
	e.interaction(t, "block-actions.txt", func(p map[string]any) {
		p["user"] = map[string]any{"id": user}
		p["channel"] = map[string]any{"id": channel}
		p["container"] = map[string]any{"type": "message", "message_ts": ts, "channel_id": channel}
		p["message"] = map[string]any{"type": "message", "ts": ts, "text": "annonce"}
		p["actions"] = []any{map[string]any{"action_id": actAnnounceAck, "block_id": "announce_ack", "type": "button",
			"value": value, "action_ts": "1763370310.000500"}}
	})
}

func TestMrkdwnOf(t *testing.T) {
	for _, c := range []struct{ md, want string }{
		{"**gras** et *italique*", "*gras* et _italique_"},
		{"__gras__ et _italique_", "*gras* et _italique_"},
		{"# Titre", "*Titre*"},
		{"- un\n* deux", "• un\n• deux"},
		{"[le plan](https://exemple.fr/a?b=1)", "<https://exemple.fr/a?b=1|le plan>"},
		{"a < b & c > d", "a &lt; b &amp; c &gt; d"},
		{"~~barré~~", "~barré~"},
		{"`**code**` et **gras**", "`**code**` et *gras*"},
		{"```\n**tel quel**\n```", "```\n**tel quel**\n```"},
		{"2 * 3 * 4", "2 * 3 * 4"},
	} {
		if got := mrkdwnOf(c.md); got != c.want {
			t.Errorf("mrkdwnOf(%q) = %q, want %q", c.md, got, c.want)
		}
	}
}
