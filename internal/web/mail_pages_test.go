package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jhillyerd/enmime/v2"

	"majordome/internal/auth"
	"majordome/internal/mailout"
	"majordome/internal/notify"
	"majordome/internal/people"
)

// outbox returns the text of the emails queued for address, oldest first.
func outbox(t *testing.T, e *env, address string) []string {
	t.Helper()
	rows, err := e.App.DB.R.Query(`SELECT raw FROM mail_outbox WHERE recipient = $1 ORDER BY id`, address)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		env, err := enmime.ReadEnvelope(bytes.NewReader([]byte(raw)))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, env.Text)
	}
	return out
}

var magicLinkRe = regexp.MustCompile(`/signin/link\?token=\S+`)

// Sign-in by email answers the same for a known and an unknown address, creates the account
// of an employee of the directory, limits requests, and its link works once.
func TestMailSignInLink(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.App.Mail.SaveSettings(ctx, mailout.SettingsInput{Address: "office@exemple.fr", SMTPURL: "smtp://127.0.0.1:1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.People.Create(ctx, people.Input{FirstName: "Zoé", LastName: "Bernard", Email: "zoe@exemple.fr"}); err != nil {
		t.Fatal(err)
	}
	c := e.anonymous()
	if page := c.get("/signin"); !strings.Contains(page.Body, `action="/signin/email"`) {
		t.Fatal("the sign-in page offers no link by email")
	}
	known := c.post("/signin/email", url.Values{"link_email": {"Zoe@Exemple.fr"}})
	unknown := c.post("/signin/email", url.Values{"link_email": {"nobody@exemple.fr"}})
	if known.StatusCode != http.StatusSeeOther || unknown.StatusCode != known.StatusCode ||
		known.Header.Get("Location") != unknown.Header.Get("Location") {
		t.Fatalf("known: %d %s; unknown: %d %s", known.StatusCode, known.Header.Get("Location"), unknown.StatusCode, unknown.Header.Get("Location"))
	}
	if page := c.get("/signin"); !strings.Contains(page.Body, "Si cette adresse est connue, un lien vient de partir") {
		t.Error("no confirmation after asking")
	}
	u, err := e.App.Auth.UserByEmail(ctx, "zoe@exemple.fr")
	if err != nil || u.Role != auth.Employee {
		t.Fatalf("Zoé's account: %+v, %v", u, err)
	}
	if n := len(outbox(t, e, "nobody@exemple.fr")); n != 0 {
		t.Errorf("%d emails to an unknown address", n)
	}
	for range 3 {
		c.post("/signin/email", url.Values{"link_email": {"zoe@exemple.fr"}})
	}
	mails := outbox(t, e, "zoe@exemple.fr")
	if len(mails) != 3 {
		t.Fatalf("%d emails to Zoé after 4 requests, want 3 (the limit)", len(mails))
	}
	link := magicLinkRe.FindString(mails[0])
	if link == "" || !strings.Contains(mails[0], "15 minutes") {
		t.Fatalf("email text:\n%s", mails[0])
	}
	zoe := e.anonymous()
	res := zoe.get(link)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("link: %d → %s, want / (no welcome page)", res.StatusCode, res.Header.Get("Location"))
	}
	if home := zoe.get("/"); !strings.Contains(home.Body, "Zoé") {
		t.Error("the portal does not greet Zoé")
	}
	if again := e.anonymous().get(link); again.StatusCode != http.StatusGone {
		t.Errorf("second use: %d, want 410", again.StatusCode)
	}
}

// The email settings page saves the relay without ever showing its password back; the
// preferences page stores the reader's choice.
func TestMailSettingsAndPreferences(t *testing.T) {
	e := newEnv(t)
	admin := e.signInAs(auth.Admin)
	if page := admin.get("/settings/mail"); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Envoi des emails") ||
		!strings.Contains(page.Body, `href="/settings/mail/inbound"`) {
		t.Fatalf("settings page: %d", page.StatusCode)
	}
	res := admin.post("/settings/mail", url.Values{"address": {"office@exemple.fr"}, "smtp_url": {"smtps://majordome@smtp.exemple.fr:465"},
		"smtp_password": {"tr3s-s3cret"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, res.Body)
	}
	// Saved again without a password: the stored one is kept.
	admin.get("/settings/mail")
	admin.post("/settings/mail", url.Values{"address": {"office@exemple.fr"}, "smtp_url": {"smtps://majordome@smtp.exemple.fr:465"}})
	page := admin.get("/settings/mail")
	if strings.Contains(page.Body, "tr3s-s3cret") {
		t.Fatal("the page shows the password")
	}
	st, err := e.App.Mail.Settings(context.Background())
	if err != nil || st.SMTPURL != "smtps://majordome:tr3s-s3cret@smtp.exemple.fr:465" {
		t.Fatalf("stored relay %q, %v", st.SMTPURL, err)
	}
	if bad := admin.post("/settings/mail", url.Values{"address": {"pas une adresse"}}); bad.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad address: %d", bad.StatusCode)
	}
	if !strings.Contains(page.Body, "Aucun échec d&#39;envoi") && !strings.Contains(page.Body, "Aucun échec d'envoi") {
		t.Error("no failures section")
	}

	emp := e.signInAs(auth.Employee)
	if p := emp.get("/me/notifications"); p.StatusCode != http.StatusOK {
		t.Fatalf("preferences page: %d", p.StatusCode)
	}
	if r := emp.post("/me/notifications", url.Values{"mode": {"digest"}, "digest_hour": {"9"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save preferences: %d", r.StatusCode)
	}
	if r := emp.post("/me/notifications", url.Values{"mode": {"pigeon"}, "digest_hour": {"9"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a bad mode: %d", r.StatusCode)
	}
	users, _ := e.App.Auth.Users(context.Background())
	var id int64
	for _, u := range users {
		if u.Role == auth.Employee {
			id = u.ID
		}
	}
	p, err := e.App.Notify.Prefs(context.Background(), id)
	if err != nil || p.Mode != notify.ModeDigest || p.DigestHour != 9 {
		t.Errorf("prefs = %+v, %v", p, err)
	}
}
