package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/mailin"
	"majordome/internal/people"
)

// TestMailInboundSettingsPage: the admin chooses what happens to unknown senders; a wrong
// choice is refused and shown again; other roles do not see the page.
func TestMailInboundSettingsPage(t *testing.T) {
	e := newEnv(t)
	admin := e.signInAs(auth.Admin)
	res := admin.get("/settings/mail/inbound")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Expéditeurs inconnus") ||
		!strings.Contains(res.Body, `<option value="create" selected>`) {
		t.Fatalf("page: %d\n%s", res.StatusCode, res.Body)
	}
	res = admin.post("/settings/mail/inbound", url.Values{"unknown_sender": {"refuse"}, "move_to": {"Majordome"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, res.Body)
	}
	st, err := e.App.MailIn.Settings(context.Background())
	if err != nil || st.UnknownSender != mailin.UnknownRefuse || st.MoveTo != "Majordome" {
		t.Fatalf("%+v %v", st, err)
	}
	res = admin.post("/settings/mail/inbound", url.Values{"unknown_sender": {"perhaps"}, "move_to": {"Majordome"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Choisissez ce qu&#39;il faut faire") {
		t.Fatalf("wrong choice: %d\n%s", res.StatusCode, res.Body)
	}
	if res := e.signInAs(auth.Agent).get("/settings/mail/inbound"); res.StatusCode == http.StatusOK {
		t.Errorf("an agent sees the inbound settings: %d", res.StatusCode)
	}
}

// TestRequestOriginalEmail: an email that filed a request stays viewable whole by agents, from
// the request's page; the requester's side never sees it.
func TestRequestOriginalEmail(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.App.People.Create(ctx, people.Input{FirstName: "Hélène", LastName: "Bernard",
		Email: "helene.bernard@exemple.fr"}); err != nil {
		t.Fatal(err)
	}
	raw := "From: =?iso-8859-1?Q?H=E9l=E8ne_Bernard?= <helene.bernard@exemple.fr>\r\nTo: office@exemple.fr\r\n" +
		"Subject: =?iso-8859-1?Q?Plus_d'eau_chaude?=\r\nMessage-ID: <orig-1@exemple.fr>\r\n" +
		"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"Le ballon du 3=E8me fait un bruit bizarre.\r\n"
	out, err := e.App.MailIn.Process(ctx, []byte(raw))
	if err != nil || out.State != mailin.StateCreated {
		t.Fatalf("%+v %v", out, err)
	}
	agent := e.signInAs(auth.Agent)
	page := agent.get(fmt.Sprintf("/requests/%d", out.Request))
	if !strings.Contains(page.Body, fmt.Sprintf(`hx-get="/requests/%d/emails"`, out.Request)) {
		t.Fatalf("the request page does not load its emails:\n%s", page.Body)
	}
	frag := agent.get(fmt.Sprintf("/requests/%d/emails", out.Request))
	if frag.StatusCode != http.StatusOK || !strings.Contains(frag.Body, "Voir l&#39;email d&#39;origine") {
		t.Fatalf("fragment %d:\n%s", frag.StatusCode, frag.Body)
	}
	list, err := e.App.MailIn.Originals(ctx, out.Request)
	if err != nil || len(list) != 1 {
		t.Fatalf("%+v %v", list, err)
	}
	path := fmt.Sprintf("/requests/%d/emails/%d", out.Request, list[0].ID)
	res := agent.get(path)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") ||
		!strings.Contains(res.Body, "Message-ID: <orig-1@exemple.fr>") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("original: %d %v\n%s", res.StatusCode, res.Header, res.Body)
	}
	if res := agent.get(path + "?download=1"); res.Header.Get("Content-Type") != "message/rfc822" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), ".eml") {
		t.Errorf("download: %v", res.Header)
	}
	if res := agent.get(fmt.Sprintf("/requests/%d/emails/%d", out.Request+1, list[0].ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("the email of another request: %d", res.StatusCode)
	}
	if res := e.signInAs(auth.Employee).get(path); res.StatusCode == http.StatusOK {
		t.Errorf("an employee reads the original: %d", res.StatusCode)
	}
}
