package mailout

import (
	"context"
	"database/sql"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/testutil"
)

// TestNoEmailDeliveryJobUntilEmailIsSetUp: while email is not set up, a notification queues no
// email delivery job (it is in the inbox only); once the settings page saves an address and a
// relay, the next notification does, with no restart.
func TestNoEmailDeliveryJobUntilEmailIsSetUp(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		log := audit.New(d)
		jerome := must(auth.New(d, log).CreateUser(ctx, auth.NewUser{Email: "jerome@exemple.fr", Name: "Jérôme Petit", Role: auth.Agent, Language: "en"}))
		q := jobs.New(d, testutil.Quiet, jobs.Options{}) // not run: the jobs stay to be counted
		ns := notify.New(d, q, cat, testutil.Quiet)
		ns.RegisterJobs()
		mail := New(d, q, cat, testutil.Quiet).Setup(Options{Env: config.Mail{}, BaseURL: "https://majordome.exemple.fr", Audit: log})
		mail.RegisterJobs()
		ns.AddChannel(mail.Channel())
		send := func() {
			t.Helper()
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				_, err := ns.Send(ctx, tx, notify.Notification{UserID: jerome.ID, Kind: "request.created", Link: "/requests/1",
					RequestNumber: 1, Params: map[string]string{"number": "1", "title": "Badge perdu", "requester": "Zoé"}})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		jobsOf := func() int {
			t.Helper()
			var n int
			if err := d.R.QueryRow("SELECT COUNT(*) FROM jobs WHERE kind = '" + notify.JobDeliver + "'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		send()
		send()
		if n := jobsOf(); n != 0 {
			t.Fatalf("%d email delivery jobs while email is not set up, want none", n)
		}
		if n, err := ns.Unread(ctx, jerome.ID); err != nil || n != 2 {
			t.Fatalf("Jérôme has %d unread (%v), want both notifications in his inbox", n, err)
		}

		// Saved within the cache's life: this instance sees it at once.
		if err := mail.SaveSettings(ctx, SettingsInput{Address: desk, SMTPURL: "smtp://relay.exemple.fr:25"}); err != nil {
			t.Fatal(err)
		}
		send()
		if n := jobsOf(); n != 1 {
			t.Fatalf("%d email delivery jobs once email is set up, want the new notification's", n)
		}
		st, err := q.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending != 1 {
			t.Errorf("%d pending jobs, want the one delivery only", st.Pending)
		}
	})
}
