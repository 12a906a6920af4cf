package mailout

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/jobs"
	"majordome/internal/testutil"
)

// The polite answer to a refused unknown sender is an automatic reply in the sense of RFC 3834,
// threaded on their email, sent once however often it is asked for.
func TestAutoReplyIsMarkedAndThreaded(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d, startRelay(t, "", ""))
		ctx := context.Background()
		for range 2 { // the same email processed twice answers once
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				return o.mail.SendAutoReply(ctx, tx, "commercial@fournisseur.example", "Re: Offre spéciale",
					"Bonjour,\n\nCette adresse ne traite que les demandes des salariés.\n\n---\n\nHello,\n\nThis address only handles employees' requests.",
					"<offre-42@fournisseur.example>")
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		o.settle(t)
		got := o.mailTo(t, "commercial@fournisseur.example")
		if len(got) != 1 {
			t.Fatalf("got %d replies, want 1", len(got))
		}
		env := got[0]
		if env.GetHeader("Auto-Submitted") != "auto-replied" || env.GetHeader("In-Reply-To") != "<offre-42@fournisseur.example>" ||
			env.GetHeader("Subject") != "Re: Offre spéciale" || !strings.Contains(env.Text, "ne traite que les demandes") ||
			!strings.Contains(env.Text, "only handles employees") {
			t.Fatalf("auto-reply: %v\n%s", env.Root.Header, env.Text)
		}
	})
}

// Two jobs sending the same email (asked for again while the first was at the relay) hand it
// to the relay once: the second waits for the first one's claim, then finds the email sent.
func TestSendingJobsClaimTheirEmail(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d, startRelay(t, "", ""))
		ctx := context.Background()
		st, err := o.mail.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m := outMail{Key: "test:claim", To: "zoe@exemple.fr", Auto: true, Subject: "Essai", Content: content{Lang: "fr", Intro: []string{"Bonjour"}}}
		if inserted, err := o.mail.store(ctx, nil, st, m); err != nil || !inserted {
			t.Fatalf("store: %v, %v", inserted, err)
		}
		if inserted, err := o.mail.store(ctx, nil, st, m); err != nil || inserted {
			t.Fatalf("store again: %v, %v", inserted, err)
		}
		hold := "UPDATE mail_outbox SET sending_until = $1 WHERE send_key = $2"
		if d.Dialect == db.SQLite {
			hold = strings.ReplaceAll(hold, "$", "?")
		}
		// Another job holds the email.
		held := time.Now().Add(time.Minute)
		if _, err := d.W.ExecContext(ctx, hold, held, m.Key); err != nil {
			t.Fatal(err)
		}
		payload := []byte(`{"key":"test:claim"}`)
		err = o.mail.sendJob(ctx, payload)
		var retry *jobs.RetryAfterError
		if !errors.As(err, &retry) || retry.Delay < 50*time.Second || retry.Delay > 62*time.Second {
			t.Fatalf("a job finding its email claimed: %v, want a retry when the claim ends", err)
		}
		if n := len(o.relay.messages()); n != 0 {
			t.Fatalf("%d emails sent while another job held the claim", n)
		}
		// That job died: its claim runs out, and the next job sends.
		if _, err := d.W.ExecContext(ctx, hold, time.Now().Add(-time.Second), m.Key); err != nil {
			t.Fatal(err)
		}
		if err := o.mail.sendJob(ctx, payload); err != nil {
			t.Fatal(err)
		}
		if err := o.mail.sendJob(ctx, payload); err != nil {
			t.Fatalf("a job for an email sent already: %v", err)
		}
		if got := o.mailTo(t, "zoe@exemple.fr"); len(got) != 1 {
			t.Fatalf("got %d emails, want 1", len(got))
		}
	})
}
