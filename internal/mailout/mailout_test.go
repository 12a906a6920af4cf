package mailout

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// The OM's reply from the web to a request that came in by email reaches the requester by
// SMTP, in the same thread as her own email, with the whole reply in text and HTML, in French;
// an internal note sends nothing; the resolution follows in the thread.
func TestReplyToEmailRequestArrivesInThread(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d, startRelay(t, "", ""))
		ctx, agent := o.agent(t)
		r, err := o.desk.Create(context.Background(), request.NewRequest{Title: "Fuite d'eau au 2e étage",
			Description: "Ça goutte près de la machine à café.", RequesterEmail: o.zoe.Email, Channel: request.Email})
		if err != nil {
			t.Fatal(err)
		}
		const zoeID = "<CAF=zoe-1@mail.exemple.fr>"
		err = d.Tx(context.Background(), func(tx *sql.Tx) error { return o.mail.RecordIncoming(context.Background(), tx, r.Number, zoeID) })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Reply(ctx, agent, r.Number, "Note : le plombier est prévenu.", true, request.Web); err != nil {
			t.Fatal(err)
		}
		body := "Bonjour Zoé,\n\nLe plombier passe **demain à 10 h**. Ça vous convient ?"
		f, err := request.ReadFile("devis-été.txt", strings.NewReader("Devis : 120 € TTC"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := o.desk.ReplyWithFiles(ctx, agent, r.Number, body, false, request.Web, []request.File{f})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the reply by email", func() bool { return len(o.relay.messages()) > 0 && len(o.mailTo(t, o.zoe.Email)) == 1 })
		env := o.mailTo(t, o.zoe.Email)[0]

		wantID := MessageID(r.Number, fmt.Sprintf("m%d", m.ID), "exemple.fr")
		checks := map[string]string{
			"Message-Id":               wantID,
			"In-Reply-To":              zoeID,
			"Reply-To":                 fmt.Sprintf("office+%d@exemple.fr", r.Number),
			"X-Auto-Response-Suppress": "All",
			"Auto-Submitted":           "",
		}
		for h, want := range checks {
			got := env.GetHeader(h)
			if h == "Reply-To" {
				got = addressOf(t, got)
			}
			if got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		refs := env.GetHeader("References")
		if !strings.Contains(refs, RootMessageID(r.Number, "exemple.fr")) || !strings.Contains(refs, zoeID) {
			t.Errorf("References = %q, want the root and Zoé's message", refs)
		}
		if subj := env.GetHeader("Subject"); subj != "Re: Fuite d'eau au 2e étage "+SubjectTag(r.Number) {
			t.Errorf("Subject = %q", subj)
		}
		if !strings.Contains(env.Text, "Le plombier passe **demain à 10 h**. Ça vous convient ?") || !strings.Contains(env.Text, "a répondu à votre demande") {
			t.Errorf("text part:\n%s", env.Text)
		}
		if !strings.Contains(env.HTML, "<strong>demain à 10 h</strong>") {
			t.Errorf("HTML part:\n%s", env.HTML)
		}
		if strings.Contains(env.Text, "plombier est prévenu") {
			t.Error("the internal note went out")
		}
		if len(env.Attachments) != 1 || env.Attachments[0].FileName != "devis-été.txt" || string(env.Attachments[0].Content) != "Devis : 120 € TTC" {
			t.Errorf("attachments = %+v", env.Attachments)
		}
		raw := o.relay.messages()
		var zraw []byte
		for _, c := range raw {
			if c.To[0] == o.zoe.Email {
				zraw = c.Data
			}
		}
		if !bytes.Contains(zraw, []byte("quoted-printable")) || !bytes.Contains(zraw, []byte("multipart/alternative")) {
			t.Errorf("want a multipart text+HTML message in quoted-printable:\n%s", zraw)
		}
		// The message was recorded in the thread: a reply quoting it is matched.
		if n, ok, _ := o.mail.RequestByMessageID(context.Background(), wantID); !ok || n != r.Number {
			t.Errorf("RequestByMessageID(sent) = %d, %v", n, ok)
		}

		resolved := request.StatusResolved
		if _, err := o.desk.Update(ctx, agent, r.Number, request.Change{Status: &resolved}); err != nil {
			t.Fatal(err)
		}
		o.settle(t)
		got := o.mailTo(t, o.zoe.Email)
		if len(got) != 2 {
			t.Fatalf("Zoé got %d emails, want the reply and the resolution (no notification twice)", len(got))
		}
		res := got[1]
		if res.GetHeader("In-Reply-To") != zoeID || res.GetHeader("Auto-Submitted") != "auto-generated" ||
			!strings.Contains(res.Text, "est résolue") || !strings.Contains(res.GetHeader("Subject"), SubjectTag(r.Number)) {
			t.Errorf("resolution: In-Reply-To %q, Auto-Submitted %q, text:\n%s", res.GetHeader("In-Reply-To"), res.GetHeader("Auto-Submitted"), res.Text)
		}
	})
}

func addressOf(t *testing.T, h string) string {
	t.Helper()
	if i := strings.LastIndexByte(h, '<'); i >= 0 {
		return strings.TrimSuffix(h[i+1:], ">")
	}
	return h
}
