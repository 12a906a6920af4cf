package mailout

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"majordome/internal/announce"
	"majordome/internal/db"
	"majordome/internal/testutil"
)

// planPDF stands in for an attachment's bytes.
var planPDF = []byte("%PDF-1.4 plan d'évacuation du 3e étage")

// fileStore serves the attachments by id, as announce.Service.File does.
type fileStore map[int64]announce.File

func (f fileStore) File(_ context.Context, id, fileID int64) (announce.File, error) {
	if file, ok := f[fileID]; ok && id == 41 {
		return file, nil
	}
	return announce.File{}, announce.ErrNotFound
}

func fireDrill() announce.Announcement {
	by := time.Date(2025, 11, 27, 9, 0, 0, 0, time.UTC)
	return announce.Announcement{ID: 41, Title: "Exercice d'évacuation jeudi", Importance: announce.Action,
		Body:        "Rendez-vous **devant l'entrée**, sans ascenseur.\n\nLes équipes de Lyon suivent le même plan.",
		AckRequired: true, AckBy: &by, Version: 1, AuthorName: "Camille Martin",
		Files: []announce.File{{ID: 7, Name: "plan-évacuation.pdf", ContentType: "application/pdf", Size: int64(len(planPDF))}}}
}

func TestAnnounceEmailDeliverer(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		rl := startRelay(t, "", "")
		o := newOffice(t, d, rl)
		ctx := context.Background()
		dl := o.mail.Announcer(fileStore{7: {ID: 7, Name: "plan-évacuation.pdf", ContentType: "application/pdf", Data: planPDF}})
		if dl.Channel() != "email" || dl.Rate() != AnnounceRate {
			t.Fatalf("channel %q, rate %+v", dl.Channel(), dl.Rate())
		}
		an := fireDrill()
		zoe := announce.Recipient{AnnouncementID: 41, PersonID: o.zoe.ID, Name: "Zoé Bernard", Email: "zoe@exemple.fr",
			Language: "fr", Token: "tok-zoe-0123456789"}

		id, err := dl.Deliver(ctx, an, zoe)
		if err != nil {
			t.Fatal(err)
		}
		got := o.mailTo(t, "zoe@exemple.fr")
		if len(got) != 1 {
			t.Fatalf("zoe got %d messages, want 1", len(got))
		}
		env := got[0]
		for h, want := range map[string]string{
			"Subject":        "[Action requise] Exercice d'évacuation jeudi",
			"Auto-Submitted": "auto-generated",
			"Message-Id":     id,
		} {
			if v := env.GetHeader(h); v != want {
				t.Errorf("%s = %q, want %q", h, v, want)
			}
		}
		link := "https://majordome.exemple.fr/announcements/ack/tok-zoe-0123456789"
		for _, s := range []string{"Bonjour Zoé,", "Une annonce de Camille Martin", "**devant l'entrée**", "J'ai lu : " + link,
			"avant le 27/11/2025 10:00"} {
			if !strings.Contains(env.Text, s) {
				t.Errorf("the text lacks %q:\n%s", s, env.Text)
			}
		}
		for _, s := range []string{"<strong>devant l&#39;entrée</strong>", `href="` + link + `"`, "Lyon suivent"} {
			if !strings.Contains(env.HTML, s) {
				t.Errorf("the HTML lacks %q:\n%s", s, env.HTML)
			}
		}
		if len(env.Attachments) != 1 || env.Attachments[0].FileName != "plan-évacuation.pdf" ||
			string(env.Attachments[0].Content) != string(planPDF) {
			t.Fatalf("attachments: %+v", env.Attachments)
		}

		// Called again (the fan-out resumed): not sent twice.
		again, err := dl.Deliver(ctx, an, zoe)
		if err != nil || again != id || len(o.mailTo(t, "zoe@exemple.fr")) != 1 {
			t.Fatalf("again: %q, %v, %d messages", again, err, len(o.mailTo(t, "zoe@exemple.fr")))
		}

		// Information only, in English: no button, the subject as it is.
		info := an
		info.ID, info.Importance, info.AckRequired, info.AckBy, info.Files = 42, announce.Info, false, nil, nil
		jerry := announce.Recipient{PersonID: o.jerry.ID, Name: "Jerry Smith", Email: "jerry@exemple.fr", Language: "en", Token: "tok-jerry"}
		if _, err := dl.Deliver(ctx, info, jerry); err != nil {
			t.Fatal(err)
		}
		env = o.mailTo(t, "jerry@exemple.fr")[0]
		if env.GetHeader("Subject") != "Exercice d'évacuation jeudi" || strings.Contains(env.Text, "/announcements/ack/") ||
			!strings.Contains(env.Text, "Hello Jerry") {
			t.Errorf("information email: %s\n%s", env.GetHeader("Subject"), env.Text)
		}

		// A reminder: short, with the link; once a day.
		for range 2 {
			if err := dl.Remind(ctx, an, zoe); err != nil {
				t.Fatal(err)
			}
		}
		got = o.mailTo(t, "zoe@exemple.fr")
		if len(got) != 2 || got[1].GetHeader("Subject") != "Rappel : Exercice d'évacuation jeudi" ||
			!strings.Contains(got[1].Text, link) || len(got[1].Attachments) != 0 {
			t.Fatalf("reminder: %d messages; %s\n%s", len(got), got[len(got)-1].GetHeader("Subject"), got[len(got)-1].Text)
		}
		if err := dl.Correct(ctx, an, zoe, id); err != nil {
			t.Fatalf("Correct = %v, want nil (email cannot unsend)", err)
		}
	})
}

func TestAnnounceEmailFailures(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		rl := startRelay(t, "", "")
		o := newOffice(t, d, rl)
		ctx := context.Background()
		dl := o.mail.Announcer(nil)
		an := fireDrill()
		an.Files = nil

		// A bounced address: permanent, nothing sent.
		if err := o.mail.MarkFailing(ctx, "zoe@exemple.fr", "550 5.1.1 mailbox unknown"); err != nil {
			t.Fatal(err)
		}
		_, err := dl.Deliver(ctx, an, announce.Recipient{PersonID: o.zoe.ID, Email: "zoe@exemple.fr", Language: "fr", Token: "t1"})
		var perm *announce.Permanent
		if !errors.As(err, &perm) || len(o.mailTo(t, "zoe@exemple.fr")) != 0 {
			t.Fatalf("failing address: %v, want Permanent", err)
		}

		// The relay says "try later": an error to retry, then one email.
		jerry := announce.Recipient{PersonID: o.jerry.ID, Email: "jerry@exemple.fr", Language: "en", Token: "t2"}
		rl.refuseNext(1)
		if _, err := dl.Deliver(ctx, an, jerry); err == nil || errors.As(err, &perm) {
			t.Fatalf("a 451: %v, want an error to retry", err)
		}
		if _, err := dl.Deliver(ctx, an, jerry); err != nil {
			t.Fatal(err)
		}
		if n := len(o.mailTo(t, "jerry@exemple.fr")); n != 1 {
			t.Fatalf("jerry got %d messages", n)
		}
	})
}

func TestRefusedForGood(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("mailout: RCPT TO x: %w", &textproto.Error{Code: 550, Msg: "5.1.1 no such user"}), true},
		{fmt.Errorf("mailout: DATA: %w", &textproto.Error{Code: 552, Msg: "too big"}), true},
		{fmt.Errorf("mailout: DATA: %w", &textproto.Error{Code: 451, Msg: "later"}), false},
		{&textproto.Error{Code: 535, Msg: "authentication failed"}, false},
		{errors.New("connection refused"), false},
	} {
		if got := refusedForGood(c.err); got != c.want {
			t.Errorf("refusedForGood(%v) = %v", c.err, got)
		}
	}
}
