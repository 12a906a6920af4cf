package mailout

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/notify"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// Through a relay that demands AUTH PLAIN: an agent hears of a new web request by email, in
// English, as an automatic message tagged with the request; the requester of a web request
// gets the OM's whole reply, threaded, with the plus-address to answer it.
func TestNotificationsByEmailWithAuth(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		rl := startRelay(t, "majordome", "s3cret-pässword")
		o := newOffice(t, d, rl)
		ctx, agent := o.agent(t)
		r, err := o.desk.Create(context.Background(), request.NewRequest{Title: "Badge perdu", Description: "Lost my badge.",
			RequesterEmail: o.jerry.Email, Channel: request.Web})
		if err != nil {
			t.Fatal(err)
		}
		o.settle(t)
		if len(o.mailTo(t, o.jerome.Email)) != 1 {
			var e string
			d.R.QueryRow(`SELECT COALESCE(MAX(last_error),'') FROM mail_outbox`).Scan(&e)
			t.Fatalf("Jérôme got no notification; last error: %s", e)
		}
		env := o.mailTo(t, o.jerome.Email)[0]
		if subj := env.GetHeader("Subject"); !strings.HasPrefix(subj, "New request #") || !strings.HasSuffix(subj, SubjectTag(r.Number)) {
			t.Errorf("Subject = %q", subj)
		}
		if env.GetHeader("Auto-Submitted") != "auto-generated" || env.GetHeader("X-Auto-Response-Suppress") != "All" {
			t.Errorf("Auto-Submitted %q, X-Auto-Response-Suppress %q", env.GetHeader("Auto-Submitted"), env.GetHeader("X-Auto-Response-Suppress"))
		}
		if !strings.Contains(env.Text, "Hello Jérôme,") || !strings.Contains(env.Text, "https://majordome.exemple.fr/requests/"+fmt.Sprint(r.Number)) {
			t.Errorf("text:\n%s", env.Text)
		}
		if env.HTML == "" {
			t.Error("no HTML part")
		}

		m, err := o.desk.Reply(ctx, agent, r.Number, "Your new badge is at the front desk, *ready* to pick up.", false, request.Web)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "Jerry's reply", func() bool { return len(o.mailTo(t, o.jerry.Email)) == 1 })
		env = o.mailTo(t, o.jerry.Email)[0]
		if got := addressOf(t, env.GetHeader("Reply-To")); got != fmt.Sprintf("office+%d@exemple.fr", r.Number) {
			t.Errorf("Reply-To = %q", got)
		}
		if env.GetHeader("In-Reply-To") != RootMessageID(r.Number, "exemple.fr") || env.GetHeader("Auto-Submitted") != "" {
			t.Errorf("In-Reply-To %q, Auto-Submitted %q", env.GetHeader("In-Reply-To"), env.GetHeader("Auto-Submitted"))
		}
		if !strings.Contains(env.Text, "Your new badge is at the front desk, *ready* to pick up.") || !strings.Contains(env.HTML, "<em>ready</em>") ||
			!strings.Contains(env.Text, "replied to your request") {
			t.Errorf("text:\n%s\nHTML:\n%s", env.Text, env.HTML)
		}
		if env.GetHeader("Message-Id") == MessageID(r.Number, fmt.Sprintf("m%d", m.ID), "exemple.fr") {
			// Fine either way; what matters is that it is of the thread.
		}
		if n, ok := RequestFromMessageID(env.GetHeader("Message-Id"), "exemple.fr"); !ok || n != r.Number {
			t.Errorf("Message-Id %q is not of the thread", env.GetHeader("Message-Id"))
		}
		rl.mu.Lock()
		authed := rl.authed
		rl.mu.Unlock()
		if authed == 0 {
			t.Error("the relay saw no AUTH PLAIN")
		}
	})
}

// A relay that refuses the first time: the queue tries again and the message is delivered
// once, with the same Message-ID and bytes.
func TestSendRetriesAfterRefusal(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		rl := startRelay(t, "", "")
		o := newOffice(t, d, rl)
		rl.refuseNext(1)
		if err := o.mail.SendTest(context.Background(), "camille@exemple.fr", "Camille Martin", "fr"); err != nil {
			t.Fatal(err)
		}
		o.settle(t)
		got := o.mailTo(t, "camille@exemple.fr")
		if len(got) != 1 {
			t.Fatalf("got %d messages, want 1", len(got))
		}
		var attempts int
		var status string
		if err := d.R.QueryRow(`SELECT attempts, status FROM mail_outbox`).Scan(&attempts, &status); err != nil {
			t.Fatal(err)
		}
		if attempts != 2 || status != "sent" {
			t.Errorf("outbox: %d attempts, %s; want 2, sent", attempts, status)
		}
	})
}

// An address marked failing (a bounce) is not written to; the admin sees why.
func TestFailingAddressIsSkipped(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d, startRelay(t, "", ""))
		ctx := context.Background()
		if err := o.mail.MarkFailing(ctx, "Camille@Exemple.fr", "550 5.1.1 mailbox unknown"); err != nil {
			t.Fatal(err)
		}
		if ok, err := o.mail.Failing(ctx, "camille@exemple.fr"); err != nil || !ok {
			t.Fatalf("Failing = %v, %v", ok, err)
		}
		if ok, _ := o.mail.Failing(ctx, "jerome@exemple.fr"); ok {
			t.Error("jerome is not failing")
		}
		if err := o.mail.SendTest(ctx, "camille@exemple.fr", "Camille Martin", "fr"); err != nil {
			t.Fatal(err)
		}
		if err := o.mail.SendTest(ctx, "jerome@exemple.fr", "Jérôme Petit", "en"); err != nil {
			t.Fatal(err)
		}
		o.settle(t)
		if n := len(o.mailTo(t, "camille@exemple.fr")); n != 0 {
			t.Errorf("camille got %d messages", n)
		}
		if env := o.mailTo(t, "jerome@exemple.fr"); len(env) != 1 || env[0].GetHeader("Subject") != "Majordome test email" {
			t.Errorf("jerome got %d messages", len(env))
		}
		fails, addrs, err := o.mail.Failures(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(fails) != 1 || fails[0].Status != "skipped" || !strings.Contains(fails[0].Error, "mailbox unknown") {
			t.Errorf("failures = %+v", fails)
		}
		if len(addrs) != 1 || addrs[0].Address != "camille@exemple.fr" {
			t.Errorf("failing addresses = %+v", addrs)
		}
	})
}

// The digest: an account that chose it hears nothing at once of what is not urgent, then one
// email at its hour listing what it did not read; urgent notifications go through at once; a
// digest job run again sends nothing more.
func TestDailyDigest(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d, startRelay(t, "", ""))
		ctx := context.Background()
		paris, _ := time.LoadLocation("Europe/Paris")
		o.clock.Set(time.Date(2026, 3, 2, 7, 30, 0, 0, paris).UTC())
		if err := o.notify.SetPrefs(ctx, o.jerome.ID, notify.Prefs{Mode: notify.ModeDigest, DigestHour: 8}); err != nil {
			t.Fatal(err)
		}
		_, err := o.desk.Create(ctx, request.NewRequest{Title: "Imprimante en panne", RequesterEmail: o.jerry.Email, Channel: request.Web})
		if err != nil {
			t.Fatal(err)
		}
		_, err = o.desk.Create(ctx, request.NewRequest{Title: "Inondation au sous-sol", RequesterEmail: o.jerry.Email,
			Channel: request.Web, Priority: request.Urgent})
		if err != nil {
			t.Fatal(err)
		}
		o.settle(t)
		now := o.mailTo(t, o.jerome.Email)
		if len(now) != 1 || !strings.Contains(now[0].GetHeader("Subject"), "Inondation") {
			t.Fatalf("before the digest, Jérôme got %d emails; want only the urgent one", len(now))
		}
		if len(o.mailTo(t, o.camille.Email)) != 2 {
			t.Errorf("Camille (no preference) got %d emails, want 2", len(o.mailTo(t, o.camille.Email)))
		}
		// 7:30: not his hour yet.
		if err := o.notify.QueueDigests(ctx); err != nil {
			t.Fatal(err)
		}
		o.settle(t)
		if len(o.mailTo(t, o.jerome.Email)) != 1 {
			t.Fatal("a digest went out before its hour")
		}
		o.clock.Set(time.Date(2026, 3, 2, 8, 5, 0, 0, paris).UTC())
		for range 2 {
			if err := o.notify.QueueDigests(ctx); err != nil {
				t.Fatal(err)
			}
			o.settle(t)
		}
		got := o.mailTo(t, o.jerome.Email)
		if len(got) != 2 {
			t.Fatalf("Jérôme got %d emails, want the urgent one and one digest", len(got))
		}
		dg := got[1]
		if dg.GetHeader("Subject") != "Your daily digest: 2 unread notifications" || !strings.Contains(dg.Text, "Imprimante en panne") ||
			dg.GetHeader("Auto-Submitted") != "auto-generated" {
			t.Errorf("digest %q:\n%s", dg.GetHeader("Subject"), dg.Text)
		}
	})
}
