package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"majordome/internal/announce"
	"majordome/internal/audit"
)

// announceTo creates an announcement through the portal only, as Camille, for the people of
// emails, and returns it.
func (d *desk) announceTo(t *testing.T, in announce.Input, emails ...string) announce.Announcement {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Kind: "user", ID: d.camilleID, Name: "Camille Martin"})
	in.Audience = announce.Audience{People: emails}
	if in.Channels == nil {
		in.Channels = []string{announce.ChannelPortal}
	}
	a, err := d.e.App.Announce.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// recipientOf is the person's row of announcement id.
func (d *desk) recipientOf(t *testing.T, id, person int64) announce.Recipient {
	t.Helper()
	r, err := d.e.App.Announce.Recipient(context.Background(), id, person)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestPortalAnnouncementBannerAndAck walks Zoé's side of an announcement: the banner on every
// portal page, the announcement's page (which marks it read), its attachment, "J'ai lu" from the
// banner, and the history; Hélène's announcement stays hers.
func TestPortalAnnouncementBannerAndAck(t *testing.T) {
	d := newDesk(t)
	by := time.Date(2031, 11, 27, 17, 0, 0, 0, time.UTC)
	drill := d.announceTo(t, announce.Input{Title: "Exercice d'évacuation jeudi", Body: "Rendez-vous **devant l'entrée**.",
		Importance: announce.Action, AckRequired: true, AckBy: &by,
		Files: []announce.File{{Name: "plan.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 plan")}}},
		"zoe.thomas@exemple.fr")
	hers := d.announceTo(t, announce.Input{Title: "Réunion des managers", Body: "Salle 2.", Importance: announce.Info},
		"helene.bernard@exemple.fr")

	for _, page := range []string{"/portal", "/portal/announcements"} {
		res := d.zoe.get(page)
		body := text(res)
		if res.StatusCode != 200 || !strings.Contains(body, "Exercice d'évacuation jeudi") ||
			!strings.Contains(body, fmt.Sprintf(`action="/portal/announcements/%d/ack"`, drill.ID)) ||
			!strings.Contains(body, "Action requise") || !strings.Contains(body, "À confirmer avant le 27/11/2031 18:00") ||
			strings.Contains(body, "Réunion des managers") {
			t.Fatalf("%s: %d\n%s", page, res.StatusCode, body)
		}
		noRawKeys(t, res)
	}
	if res := d.zoe.get(fmt.Sprintf("/portal/announcements/%d", hers.ID)); res.StatusCode != http.StatusNotFound {
		t.Fatalf("Hélène's announcement for Zoé: %d", res.StatusCode)
	}

	// Her page of it: the text, the file; reading it marks it read, not acknowledged.
	page := fmt.Sprintf("/portal/announcements/%d", drill.ID)
	res := d.zoe.get(page)
	body := text(res)
	if res.StatusCode != 200 || !strings.Contains(body, "<strong>devant l'entrée</strong>") ||
		!strings.Contains(body, page+"/files/") || !strings.Contains(body, "avant le 27/11/2031 18:00") {
		t.Fatalf("the announcement's page: %d\n%s", res.StatusCode, body)
	}
	if r := d.recipientOf(t, drill.ID, d.zoePerson); r.ReadAt == nil || r.AckAt != nil {
		t.Fatalf("after reading: %+v", r)
	}
	full, err := d.e.App.Announce.Get(context.Background(), drill.ID)
	if err != nil || len(full.Files) != 1 {
		t.Fatalf("files: %+v %v", full.Files, err)
	}
	file := fmt.Sprintf("%s/files/%d", page, full.Files[0].ID)
	if res := d.zoe.get(file); res.StatusCode != 200 || res.Body != "%PDF-1.4 plan" {
		t.Fatalf("the file: %d %q", res.StatusCode, res.Body)
	}
	if res := d.helene.get(file); res.StatusCode != http.StatusNotFound {
		t.Fatalf("the file for someone else: %d", res.StatusCode)
	}

	// "J'ai lu" from the banner (htmx): the banner thanks her; acknowledged through the portal.
	form := url.Values{"csrf_token": {d.zoe.csrf}, "back": {"/portal"}}
	req, _ := http.NewRequest("POST", d.e.URL+page+"/ack", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	res = d.zoe.do(req)
	if res.StatusCode != 200 || !strings.Contains(text(res), "Merci, c'est noté.") || strings.Contains(res.Body, "<html") {
		t.Fatalf("ack by htmx: %d\n%s", res.StatusCode, res.Body)
	}
	if r := d.recipientOf(t, drill.ID, d.zoePerson); r.AckAt == nil || r.AckVia != announce.ChannelPortal {
		t.Fatalf("after J'ai lu: %+v", r)
	}
	// Twice is fine; without htmx, back to the page she was on.
	if res := d.zoe.post(page+"/ack", url.Values{"back": {"/portal"}}); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != "/portal" {
		t.Fatalf("ack again: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	body = text(d.zoe.get("/portal"))
	if strings.Contains(body, "Exercice d'évacuation jeudi") {
		t.Fatal("the banner stays after J'ai lu")
	}
	body = text(d.zoe.get("/portal/announcements"))
	if !strings.Contains(body, fmt.Sprintf(`href="/portal/announcements/%d">Exercice d'évacuation jeudi</a>`, drill.ID)) {
		t.Fatalf("the history lacks it:\n%s", body)
	}
	if body := text(d.zoe.get(page)); !strings.Contains(body, "Vous avez confirmé la lecture le") {
		t.Fatalf("the page after J'ai lu:\n%s", body)
	}

	// Information without acknowledgement: the banner goes once she reads it.
	info := d.announceTo(t, announce.Input{Title: "Nouveau mot de passe Wi-Fi invités", Body: "Demandez à l'accueil.",
		Importance: announce.Info}, "zoe.thomas@exemple.fr")
	if body := text(d.zoe.get("/portal")); !strings.Contains(body, "Nouveau mot de passe Wi-Fi invités") {
		t.Fatal("no banner for the information")
	}
	d.zoe.get(fmt.Sprintf("/portal/announcements/%d", info.ID))
	if body := text(d.zoe.get("/portal")); strings.Contains(body, "Nouveau mot de passe Wi-Fi invités") {
		t.Fatal("the information's banner stays once read")
	}
}

// TestAnnouncementAckLink is the email's "J'ai lu" link: public, GET shows and does not
// acknowledge, POST acknowledges, twice is fine, an unknown token is a 404.
func TestAnnouncementAckLink(t *testing.T) {
	d := newDesk(t)
	a := d.announceTo(t, announce.Input{Title: "Charte télétravail", Body: "Merci de lire **la charte**.",
		Importance: announce.Important, AckRequired: true}, "zoe.thomas@exemple.fr")
	token := d.recipientOf(t, a.ID, d.zoePerson).Token
	if token == "" {
		t.Fatal("no token")
	}
	link := "/announcements/ack/" + token
	anon := d.e.anonymous()
	res := anon.get(link)
	body := text(res)
	if res.StatusCode != 200 || !strings.Contains(body, "Charte télétravail") || !strings.Contains(body, "<strong>la charte</strong>") ||
		!strings.Contains(body, `action="`+link+`"`) || !strings.Contains(body, "J'ai lu") {
		t.Fatalf("GET the link: %d\n%s", res.StatusCode, body)
	}
	if r := d.recipientOf(t, a.ID, d.zoePerson); r.AckAt != nil {
		t.Fatal("a GET acknowledged")
	}
	for range 2 {
		res = anon.post(link, nil)
		if res.StatusCode != 200 || !strings.Contains(text(res), "Merci, c'est noté.") {
			t.Fatalf("POST the link: %d\n%s", res.StatusCode, text(res))
		}
	}
	if r := d.recipientOf(t, a.ID, d.zoePerson); r.AckAt == nil || r.AckVia != announce.ChannelEmail {
		t.Fatalf("after the link: %+v", r)
	}
	// Without the page's CSRF token, nothing.
	if res := d.e.anonymous().post(link, url.Values{"csrf_token": {"forged"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a forged POST: %d", res.StatusCode)
	}
	for _, m := range []string{"GET", "POST"} {
		var res response
		if m == "GET" {
			res = anon.get("/announcements/ack/nope")
		} else {
			res = anon.post("/announcements/ack/nope", nil)
		}
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s an unknown token: %d", m, res.StatusCode)
		}
	}
}
