package mailout

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/search"
	"majordome/internal/testutil"
)

// The acknowledgement of email requests: one per request, in the requester's language, with
// the "C'est réglé" link only when the bible has guides for it, and never to an external
// contact. (The page behind the link: internal/web, TestDeflectEmailAcknowledgementAndPage.)
func TestAcknowledgementOfEmailRequests(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d, startRelay(t, "", ""))
		ctx := context.Background()
		arts := article.New(d, audit.New(d)).WithSearch(search.New(d))
		if _, err := arts.Create(ctx, article.Viewer{UserID: o.camille.ID, Name: o.camille.Name, Role: auth.Admin},
			article.Article{Title: "Wi-Fi invités", Slug: "wifi-invites", Body: "Le code du Wi-Fi invités est à l'accueil."}); err != nil {
			t.Fatal(err)
		}
		o.mail.EnableAcknowledgements(arts)
		o.desk.Observe(o.mail.ObserveAck)
		supplier, err := people.New(d, audit.New(d)).Create(ctx, people.Input{FirstName: "Paul", LastName: "Fournisseur",
			Email: "paul@fournisseur.example", External: true})
		if err != nil {
			t.Fatal(err)
		}
		file := func(email, title string, ch request.Channel) request.Request {
			r, err := o.desk.Create(ctx, request.NewRequest{Title: title, RequesterEmail: email, Channel: ch})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		wifi := file(o.jerry.Email, "The guest wifi is down", request.Email)
		printer := file(o.zoe.Email, "Imprimante en panne", request.Email)
		file(supplier.Email, "Facture wifi", request.Email)
		file(o.zoe.Email, "Wifi invité (portail)", request.Web)
		o.settle(t)

		// Jerry reads English; the Wi-Fi guide is suggested, with the link.
		got := o.mailTo(t, o.jerry.Email)
		if len(got) != 1 {
			t.Fatalf("Jerry got %d emails, want 1", len(got))
		}
		if !strings.Contains(got[0].Text, "is filed") || !strings.Contains(got[0].Text, "/bible/wifi-invites") ||
			!strings.Contains(got[0].Text, "https://majordome.exemple.fr/deflect/") || got[0].GetHeader("Auto-Submitted") == "" ||
			!strings.Contains(got[0].GetHeader("Subject"), wifi.Title) {
			t.Fatalf("Jerry's acknowledgement:\n%s", got[0].Text)
		}
		// Zoé's printer: no guide, no link, the way to follow it instead.
		got = o.mailTo(t, o.zoe.Email)
		if len(got) != 1 || !strings.Contains(got[0].Text, "est enregistrée") || strings.Contains(got[0].Text, "/deflect/") ||
			!strings.Contains(got[0].Text, "/portal/") || !strings.Contains(got[0].GetHeader("Subject"), printer.Title) {
			t.Fatalf("Zoé got %d emails: %v", len(got), got)
		}
		if got := o.mailTo(t, supplier.Email); len(got) != 0 {
			t.Fatalf("an external contact got %d acknowledgements", len(got))
		}

		// Asked again (a job run twice): still one acknowledgement.
		if err := o.mail.ackJob(ctx, []byte(`{"number":`+strconv.FormatInt(wifi.Number, 10)+`,"requester_id":`+strconv.FormatInt(wifi.RequesterID, 10)+`}`)); err != nil {
			t.Fatal(err)
		}
		o.settle(t)
		if got := o.mailTo(t, o.jerry.Email); len(got) != 1 {
			t.Fatalf("Jerry got %d emails after a second run", len(got))
		}
	})
}
