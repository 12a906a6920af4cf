package announce

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/testutil"
	"majordome/internal/valid"
)

var ctx = context.Background()

func codes(t *testing.T, err error) map[string]string {
	t.Helper()
	var ve valid.Errors
	if !errors.As(err, &ve) {
		t.Fatalf("want valid.Errors, got %v", err)
	}
	out := map[string]string{}
	for _, fe := range ve {
		out[fe.Field] = fe.Code
		if fe.Code == "unknown_names" {
			out[fe.Field] += ":" + fe.Params["names"]
		}
	}
	return out
}

func TestAudienceResolutionAndCount(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.person("Camille", "camille@exemple.fr", "Ops", "Paris")
		e.person("Zoé", "zoe@exemple.fr", "Tech", "Lyon")
		e.person("Noël", "noel@exemple.fr", "Finance", "Paris")
		e.person("Jérôme", "jerome@exemple.fr", "Tech", "Paris")
		gone := e.person("Ancien", "ancien@exemple.fr", "Tech", "Paris")
		if _, err := e.dir.Deactivate(ctx, gone); err != nil {
			t.Fatal(err)
		}
		if _, err := e.dir.Create(ctx, people.Input{FirstName: "Presta", LastName: "X", Email: "presta@fournisseur.fr", Team: "Tech", External: true}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			aud  Audience
			want int
		}{
			{Audience{Everyone: true}, 4},
			{Audience{Teams: []string{"tech"}}, 2},
			{Audience{Sites: []string{"PARIS"}}, 3},
			{Audience{Teams: []string{"Tech"}, Sites: []string{"Lyon"}}, 2},                // Zoé once
			{Audience{Teams: []string{"Tech"}, People: []string{"Camille@exemple.fr"}}, 3}, // union
			{Audience{Sites: []string{"Lyon"}, People: []string{"zoe@exemple.fr"}}, 1},
		} {
			n, err := e.svc.Count(ctx, c.aud)
			if err != nil || n != c.want {
				t.Errorf("Count(%+v) = %d, %v; want %d", c.aud, n, err, c.want)
			}
		}
		_, err := e.svc.Count(ctx, Audience{Teams: []string{"Tech", "Compta", "RH"}, People: []string{"ancien@exemple.fr", "presta@fournisseur.fr"}})
		got := codes(t, err)
		if got["audience.teams"] != "unknown_names:Compta, RH" || got["audience.people"] != "unknown_names:ancien@exemple.fr, presta@fournisseur.fr" {
			t.Errorf("unknown names: %v", got)
		}
		if _, err := e.svc.Count(ctx, Audience{}); codes(t, err)["audience"] != "required" {
			t.Errorf("empty audience: %v", err)
		}
	})
}

func TestCreateValidation(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.person("Camille", "camille@exemple.fr", "Ops", "Paris")
		e.svc.SetChannelPoster(nil)
		past := time.Now().Add(-time.Hour)
		future := time.Now().Add(48 * time.Hour)
		later := future.Add(time.Hour)
		ok := Input{Title: "Exercice incendie", Body: "Jeudi **10h**", Audience: Audience{Everyone: true}, Channels: []string{"portal"}}
		for _, c := range []struct {
			name  string
			edit  func(*Input)
			field string
			code  string
		}{
			{"no title", func(in *Input) { in.Title = " " }, "title", "required"},
			{"long title", func(in *Input) { in.Title = strings.Repeat("a", 201) }, "title", "too_long"},
			{"no body", func(in *Input) { in.Body = "" }, "body", "required"},
			{"no channel", func(in *Input) { in.Channels = nil }, "channels", "required"},
			{"unknown channel", func(in *Input) { in.Channels = []string{"fax"} }, "channels", "channel_unknown"},
			{"no audience", func(in *Input) { in.Audience = Audience{} }, "audience", "required"},
			{"nobody", func(in *Input) {
				in.Audience = Audience{Sites: []string{"Paris"}, Teams: nil}
				in.Audience.Sites = []string{"Lyon"}
			}, "audience.sites", "unknown_names:Lyon"},
			{"ack_by without ack", func(in *Input) { in.AckBy = &future }, "ack_by", "ack_by_without_ack"},
			{"ack_by past", func(in *Input) { in.AckRequired, in.AckBy = true, &past }, "ack_by", "in_past"},
			{"ack_by before send", func(in *Input) { in.AckRequired, in.AckBy, in.SendAt = true, &future, &later }, "ack_by", "ack_by_before_send_at"},
			{"send_at past", func(in *Input) { in.SendAt = &past }, "send_at", "in_past"},
			{"importance", func(in *Input) { in.Importance = "urgent" }, "importance", "importance_invalid"},
			{"channel post without poster", func(in *Input) { in.Channels, in.SlackChannel = []string{"slack"}, "C1" }, "slack_channel", "channel_unavailable"},
			{"bad file", func(in *Input) { in.Files = []File{{Name: "a.exe", Data: []byte("MZ\x90\x00")}} }, "files", "attachment_type"},
		} {
			in := ok
			c.edit(&in)
			_, err := e.svc.Create(ctx, in)
			if got := codes(t, err)[c.field]; got != c.code {
				t.Errorf("%s: %s = %q, want %q (%v)", c.name, c.field, got, c.code, err)
			}
		}
		a, err := e.svc.Create(ctx, ok)
		if err != nil || a.Status != StatusSent || a.Counts.Recipients != 1 || a.Counts.Sent != 1 || a.Importance != Info {
			t.Fatalf("portal-only announcement: %+v, %v", a, err)
		}
	})
}

func TestFanOut(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := map[string]int64{}
		for _, n := range []string{"camille", "zoe", "noel", "jerome", "helene"} {
			ids[n] = e.person(n, n+"@exemple.fr", "Tech", "Paris")
		}
		e.slack.permanent["zoe@exemple.fr"] = true // no Slack account
		e.email.transient["noel@exemple.fr"] = 2   // the relay hiccups twice
		e.email.permanent["zoe@exemple.fr"] = true // bounced: failed everywhere
		a, err := e.svc.Create(ctx, Input{Title: "Wi-Fi invités", Body: "Nouveau mot de passe", Audience: Audience{Teams: []string{"Tech"}},
			Channels: []string{"email", "slack"}, SlackChannel: "C1", SlackDM: true, AckRequired: true,
			Files: []File{{Name: "plan.pdf", Data: []byte("%PDF-1.4 plan")}}})
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != StatusSending || a.Counts.Recipients != 5 || a.Counts.Queued != 5 || !slices.Equal(a.Channels, []string{"slack", "email"}) {
			t.Fatalf("created: %+v", a)
		}
		e.run() // the queue starts once the creation is checked, which it would race otherwise
		a = e.waitStatus(a.ID, StatusSent)
		want := Counts{Recipients: 5, Sent: 4, Failed: 1}
		if a.Counts != want {
			t.Errorf("counts = %+v, want %+v", a.Counts, want)
		}
		for n, id := range ids {
			wantSlack, wantEmail := 1, 1
			if n == "zoe" {
				wantSlack, wantEmail = 0, 0
			}
			if got := e.slack.count(delivered, key(a.ID, id)); got != wantSlack {
				t.Errorf("%s: %d Slack DMs, want %d", n, got, wantSlack)
			}
			if got := e.email.count(delivered, key(a.ID, id)); got != wantEmail {
				t.Errorf("%s: %d emails, want %d", n, got, wantEmail)
			}
		}
		if e.post.posts != 1 {
			t.Errorf("channel posts = %d, want 1", e.post.posts)
		}
		list, _, err := e.svc.Recipients(ctx, a.ID, RecipientFilter{State: RecipientFailed})
		if err != nil || len(list) != 1 || list[0].PersonID != ids["zoe"] || list[0].Errors["slack"] == "" || list[0].Channels["email"] != "failed" {
			t.Fatalf("failed recipients: %+v, %v", list, err)
		}
		r, err := e.svc.Recipient(ctx, a.ID, ids["noel"])
		if err != nil || r.Channels["email"] != "sent" || r.Refs["email"] == "" || r.Token == "" {
			t.Errorf("retried recipient: %+v, %v", r, err)
		}
		if len(a.Files) != 1 || a.Files[0].ContentType != "application/pdf" {
			t.Errorf("files: %+v", a.Files)
		}
	})
}

func TestFanOutRespectsRate(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
			e.person(n, n+"@exemple.fr", "Tech", "Paris")
		}
		// A fake clock that the pacer's sleep moves on: the rate is checked without waiting.
		var mu = make(chan struct{}, 1)
		mu <- struct{}{}
		clock := time.Now().UTC()
		now := func() time.Time { <-mu; defer func() { mu <- struct{}{} }(); return clock }
		e.svc.SetClock(now)
		e.svc.SetSleep(func(ctx context.Context, d time.Duration) error {
			<-mu
			clock = clock.Add(d)
			mu <- struct{}{}
			return nil
		})
		e.slack.rate = Rate{N: 2, Per: time.Second}
		e.svc.AddDeliverer(e.slack)
		e.slack.clock = now
		e.run()
		a, err := e.svc.Create(ctx, Input{Title: "Rythme", Body: "…", Audience: Audience{Everyone: true}, Channels: []string{"slack"}})
		if err != nil {
			t.Fatal(err)
		}
		e.waitStatus(a.ID, StatusSent)
		if len(e.slack.callTimes) != 6 {
			t.Fatalf("%d calls", len(e.slack.callTimes))
		}
		for i := 1; i < len(e.slack.callTimes); i++ {
			if gap := e.slack.callTimes[i].Sub(e.slack.callTimes[i-1]); gap < 500*time.Millisecond {
				t.Errorf("call %d came %s after the previous one, want ≥ 500ms", i, gap)
			}
		}
	})
}

func TestRestartResumesExactlyOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		const n = 60
		e := newEnv(t, d)
		seedPeople(t, d, n, "Tech")
		e.slack.hold, e.slack.holdAfter = make(chan struct{}), 25
		e.email.hold, e.email.holdAfter = make(chan struct{}), 40
		e.run()
		a, err := e.svc.Create(ctx, Input{Title: "Reprise", Body: "…", Audience: Audience{Teams: []string{"Tech"}}, Channels: []string{"slack", "email"}})
		if err != nil {
			t.Fatal(err)
		}
		e.waitFor("the deliverers to hold", func() bool {
			return e.slack.total(delivered) == 25 && e.email.total(delivered) == 40
		})
		e.stop() // the instance dies with a delivery in flight on each channel
		mid, _ := e.svc.Get(ctx, a.ID)
		if mid.Counts.Sent != 40 || mid.Status != StatusSending {
			t.Fatalf("half-way: %+v", mid)
		}
		e.slack.hold, e.email.hold = nil, nil
		e.svc, e.q = e.service() // a new instance on the same database
		e.run()
		e.waitStatus(a.ID, StatusSent)
		for _, f := range []*fakeDeliverer{e.slack, e.email} {
			if len(f.delivered) != n {
				t.Errorf("%s: %d people reached, want %d", f.channel, len(f.delivered), n)
			}
			for k, c := range f.delivered {
				if c != 1 {
					t.Errorf("%s: %s got %d messages", f.channel, k, c)
				}
			}
		}
	})
}

func TestAcknowledgementsAndReminders(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := map[string]int64{}
		for _, n := range []string{"camille", "zoe", "noel", "jerome"} {
			ids[n] = e.person(n, n+"@exemple.fr", "Tech", map[bool]string{true: "Lyon", false: "Paris"}[n == "zoe"])
		}
		e.run()
		a, err := e.svc.Create(ctx, Input{Title: "Charte télétravail", Body: "Merci de lire", Audience: Audience{Everyone: true},
			Channels: []string{"slack", "email", "portal"}, AckRequired: true, Importance: Action})
		if err != nil {
			t.Fatal(err)
		}
		e.waitStatus(a.ID, StatusSent)
		banners, _, err := e.svc.ForPerson(ctx, ids["zoe"])
		if err != nil || len(banners) != 1 || banners[0].ID != a.ID {
			t.Fatalf("banners before ack: %+v, %v", banners, err)
		}
		// One acknowledgement through each channel, and a reading that is not one.
		if err := e.svc.Acknowledge(ctx, a.ID, ids["camille"], ChannelSlack); err != nil {
			t.Fatal(err)
		}
		r, _ := e.svc.Recipient(ctx, a.ID, ids["zoe"])
		if _, got, err := e.svc.AcknowledgeToken(ctx, r.Token); err != nil || got.AckVia != ChannelEmail || got.State != RecipientAcknowledged {
			t.Fatalf("ack by link: %+v, %v", got, err)
		}
		if _, _, err := e.svc.AcknowledgeToken(ctx, "nope"); !errors.Is(err, ErrBadToken) {
			t.Errorf("bad token: %v", err)
		}
		if err := e.svc.Acknowledge(ctx, a.ID, ids["noel"], ChannelPortal); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Acknowledge(ctx, a.ID, ids["noel"], ChannelSlack); err != nil { // twice is fine
			t.Fatal(err)
		}
		if err := e.svc.MarkRead(ctx, a.ID, ids["jerome"], ChannelPortal); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Acknowledge(ctx, a.ID, 999999, ChannelPortal); !errors.Is(err, ErrNotRecipient) {
			t.Errorf("stranger: %v", err)
		}
		got, _ := e.svc.Get(ctx, a.ID)
		if want := (Counts{Recipients: 4, Sent: 4, Read: 4, Acknowledged: 3}); got.Counts != want {
			t.Errorf("counts = %+v, want %+v", got.Counts, want)
		}
		r, _ = e.svc.Recipient(ctx, a.ID, ids["noel"])
		if r.AckVia != ChannelPortal {
			t.Errorf("the first acknowledgement is kept: %+v", r)
		}
		if banners, past, _ := e.svc.ForPerson(ctx, ids["zoe"]); len(banners) != 0 || len(past) != 1 {
			t.Errorf("after ack: %d banners, %d past", len(banners), len(past))
		}
		sites, err := e.svc.BySite(ctx, a.ID)
		if err != nil || len(sites) != 2 || sites[0] != (Breakdown{Name: "Lyon", Recipients: 1, Acknowledged: 1, Read: 1}) {
			t.Errorf("by site: %+v, %v", sites, err)
		}
		pending, _, _ := e.svc.Recipients(ctx, a.ID, RecipientFilter{State: "pending"})
		if len(pending) != 1 || pending[0].PersonID != ids["jerome"] {
			t.Errorf("pending: %+v", pending)
		}

		// Remind goes to Jérôme only, on both channels that reached him.
		n, err := e.svc.Remind(ctx, a.ID)
		if err != nil || n != 1 {
			t.Fatalf("Remind = %d, %v", n, err)
		}
		e.waitFor("the reminder", func() bool { return e.email.total(reminded) == 1 && e.slack.total(reminded) == 1 })
		if e.slack.count(reminded, key(a.ID, ids["jerome"])) != 1 || e.email.count(reminded, key(a.ID, ids["jerome"])) != 1 {
			t.Errorf("reminded the wrong people: %v %v", e.slack.reminded, e.email.reminded)
		}
		e.waitFor("the reminder recorded", func() bool {
			r, _ := e.svc.Recipient(ctx, a.ID, ids["jerome"])
			return r.RemindedAt != nil
		})
	})
}

func TestAutomaticReminderOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		camille := e.person("Camille", "camille@exemple.fr", "Ops", "Paris")
		zoe := e.person("Zoé", "zoe@exemple.fr", "Ops", "Lyon")
		clock := time.Now().UTC()
		e.svc.SetClock(func() time.Time { return clock })
		ackBy := clock.Add(10 * time.Hour) // a short deadline: the reminder goes half-way
		e.run()
		a, err := e.svc.Create(ctx, Input{Title: "Exercice", Body: "…", Audience: Audience{Everyone: true},
			Channels: []string{"email"}, AckRequired: true, AckBy: &ackBy})
		if err != nil {
			t.Fatal(err)
		}
		e.waitStatus(a.ID, StatusSent)
		if err := e.svc.Acknowledge(ctx, a.ID, camille, ChannelEmail); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.autoRemind(ctx, a.ID); err != nil { // too early: it only reschedules itself
			t.Fatal(err)
		}
		if got, _ := e.svc.load(ctx, d.R, a.ID); got.autoRemindedAt != nil {
			t.Fatal("reminded too early")
		}
		clock = clock.Add(5*time.Hour + time.Minute)
		for range 3 { // however many times the job runs
			if err := e.svc.autoRemind(ctx, a.ID); err != nil {
				t.Fatal(err)
			}
		}
		e.waitFor("the reminder", func() bool { return e.email.total(reminded) == 1 })
		if e.email.count(reminded, key(a.ID, zoe)) != 1 {
			t.Errorf("reminded: %v", e.email.reminded)
		}
		if got, _ := e.svc.load(ctx, d.R, a.ID); got.remindRound != 1 || got.autoRemindedAt == nil {
			t.Errorf("rounds: %d, %v", got.remindRound, got.autoRemindedAt)
		}
	})
}

func TestScheduleEditCancelAndCorrect(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := []int64{e.person("Camille", "camille@exemple.fr", "Ops", "Paris"), e.person("Zoé", "zoe@exemple.fr", "Ops", "Lyon")}
		e.run()
		at := time.Now().Add(time.Hour)
		a, err := e.svc.Create(ctx, Input{Title: "Fermeture", Body: "Le 26", Audience: Audience{Everyone: true}, Channels: []string{"slack"}, SendAt: &at})
		if err != nil || a.Status != StatusScheduled || a.Counts.Recipients != 0 {
			t.Fatalf("scheduled: %+v, %v", a, err)
		}
		a, err = e.svc.Update(ctx, a.ID, Input{Title: "Fermeture le 26", Body: "Le bureau est fermé", Audience: Audience{Everyone: true}, Channels: []string{"slack"}, SendAt: &at})
		if err != nil || a.Title != "Fermeture le 26" || a.Status != StatusScheduled {
			t.Fatalf("edited: %+v, %v", a, err)
		}
		if err := e.svc.Cancel(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Update(ctx, a.ID, Input{Title: "x"}); !errors.Is(err, ErrCancelled) {
			t.Errorf("update cancelled: %v", err)
		}
		// A scheduled one goes when its time comes (the job checks against the service's clock).
		soon := time.Now().Add(300 * time.Millisecond)
		b, err := e.svc.Create(ctx, Input{Title: "Bientôt", Body: "v1", Audience: Audience{Everyone: true}, Channels: []string{"slack"}, SlackChannel: "C1", SlackDM: true, SendAt: &soon})
		if err != nil {
			t.Fatal(err)
		}
		b = e.waitStatus(b.ID, StatusSent)
		if b.Counts.Sent != 2 || b.SentAt == nil {
			t.Fatalf("sent: %+v", b)
		}
		if err := e.svc.Cancel(ctx, b.ID); !errors.Is(err, ErrAlreadySent) {
			t.Errorf("cancel after sending: %v", err)
		}
		// A correction edits every Slack message and the channel post.
		b, err = e.svc.Update(ctx, b.ID, Input{Title: "Bientôt", Body: "v2, corrigé"})
		if err != nil || b.Version != 2 || b.Body != "v2, corrigé" {
			t.Fatalf("corrected: %+v, %v", b, err)
		}
		e.waitFor("the corrections", func() bool { return e.slack.total(corrected) == 2 })
		for _, id := range ids {
			if e.slack.count(corrected, key(b.ID, id)) != 1 {
				t.Errorf("person %d: %d corrections", id, e.slack.count(corrected, key(b.ID, id)))
			}
		}
		e.waitFor("the channel post correction", func() bool {
			e.post.mu.Lock()
			defer e.post.mu.Unlock()
			return slices.Equal(e.post.corrected, []int{2})
		})
		list, next, err := e.svc.List(ctx, "", 1)
		if err != nil || len(list) != 1 || list[0].ID != b.ID || next == "" {
			t.Fatalf("list: %+v %q %v", list, next, err)
		}
		if list, next, _ = e.svc.List(ctx, next, 1); len(list) != 1 || list[0].ID != a.ID || next != "" {
			t.Errorf("page 2: %+v %q", list, next)
		}
	})
}

func TestExport(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		camille := e.person("Camille", "camille@exemple.fr", "Ops", "Paris")
		e.person("=Zoé", "zoe@exemple.fr", "Tech", "Lyon")
		a, err := e.svc.Create(ctx, Input{Title: "Consigne sécurité", Body: "…", Audience: Audience{Everyone: true}, Channels: []string{"portal"}, AckRequired: true})
		if err != nil {
			t.Fatal(err)
		}
		paris, _ := time.LoadLocation("Europe/Paris")
		at := time.Date(2026, 3, 5, 9, 7, 0, 0, paris)
		e.svc.SetClock(func() time.Time { return at.UTC() })
		if err := e.svc.Acknowledge(ctx, a.ID, camille, ChannelPortal); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := e.svc.Export(ctx, a.ID, "csv", &buf); err != nil {
			t.Fatal(err)
		}
		want := "\uFEFFNom;E-mail;Équipe;Site;État;Lu le;Accusé de réception le;Via\r\n" +
			"'=Zoé Test;zoe@exemple.fr;Tech;Lyon;Envoyé;;;\r\n" + // by name: "test =zoe" first
			"Camille Test;camille@exemple.fr;Ops;Paris;Accusé de réception;05/03/2026 09:07;05/03/2026 09:07;Portail\r\n"
		if buf.String() != want {
			t.Errorf("csv:\n%q\nwant\n%q", buf.String(), want)
		}
		buf.Reset()
		if err := e.svc.Export(ctx, a.ID, "xlsx", &buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("Accusés de réception")
		if err != nil || len(rows) != 5 || rows[0][0] != "Consigne sécurité" || rows[4][0] != "Camille Test" || rows[4][6] != "05/03/2026 09:07" {
			t.Errorf("xlsx rows: %q, %v", rows, err)
		}
		if err := e.svc.Export(ctx, a.ID, "pdf", &buf); !errors.Is(err, ErrBadFormat) {
			t.Errorf("pdf: %v", err)
		}
	})
}
