package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/request"
)

// acting is ctx with an account acting, as the web sets it for a signed-in person.
func acting(id int64, name string) context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Kind: "user", ID: id, Name: name})
}

var notifyKeyRe = regexp.MustCompile(`\b(notify|focus)\.[a-z_]+(\.[a-z_]+)*\b`)

// noNotifyKeys fails when a page shows one of this feature's catalogue keys untranslated.
func noNotifyKeys(t *testing.T, res response) {
	t.Helper()
	visible := regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`).ReplaceAllString(res.Body, " ")
	if m := notifyKeyRe.FindString(visible); m != "" {
		t.Errorf("untranslated key %q on the page", m)
	}
}

var bellCountRe = regexp.MustCompile(`<span class="nav-count notify-count"><span aria-hidden="true">(\d+\+?)</span>`)

// bell is the unread count the sidebar shows the client, "" for none.
func bell(t *testing.T, c *client) string {
	t.Helper()
	res := c.get("/notifications/bell?nav=home")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("bell: %d", res.StatusCode)
	}
	if m := bellCountRe.FindStringSubmatch(res.Body); m != nil {
		return m[1]
	}
	return ""
}

var openRe = regexp.MustCompile(`href="/notifications/(\d+)"`)

// TestNotificationsInbox: a new request from the portal reaches the team's bells; the inbox
// lists it by day, opening it reads it and leads to the request; the requester hears of the
// answer; "mark all as read" empties the bell; another person's notification does not exist.
func TestNotificationsInbox(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	if got := bell(t, d.camille); got != "" {
		t.Fatalf("bell before anything = %q", got)
	}
	home := d.camille.get("/")
	if !strings.Contains(home.Body, `hx-get="/notifications/bell?nav=home"`) || !strings.Contains(home.Body, `href="/notifications"`) {
		t.Fatal("the sidebar has no notification entry")
	}

	res := d.zoe.post("/portal", url.Values{"title": {"Le Wi-Fi coupe en salle Lyon"}, "category": {"IT & Wi-Fi"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("file: %d", res.StatusCode)
	}
	var n int64
	fmt.Sscanf(res.Header.Get("Location"), "/portal/%d", &n)
	for name, c := range map[string]*client{"Camille": d.camille, "Jérôme": d.jerome, "Noël": d.noel} {
		if got := bell(t, c); got != "1" {
			t.Errorf("%s's bell = %q, want 1", name, got)
		}
	}
	if got := bell(t, d.zoe); got != "" {
		t.Errorf("Zoé was told of her own request: %q", got)
	}

	page := d.camille.get("/notifications")
	body := text(page)
	title := fmt.Sprintf("Nouvelle demande #%d : Le Wi-Fi coupe en salle Lyon", n)
	if page.StatusCode != 200 || !strings.Contains(body, title) || !strings.Contains(body, "De Zoé Thomas") ||
		!strings.Contains(body, "Aujourd'hui") || !strings.Contains(body, `class="notify-item is-unread"`) ||
		!strings.Contains(body, "Tout marquer comme lu") {
		t.Fatalf("Camille's inbox:\n%s", body)
	}
	noRawKeys(t, page)
	noNotifyKeys(t, page)
	m := openRe.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no link opens the notification")
	}
	if res := d.jerome.get("/notifications/" + m[1]); res.StatusCode != http.StatusNotFound {
		t.Fatalf("Jérôme opening Camille's notification: %d, want 404", res.StatusCode)
	}
	open := d.camille.get("/notifications/" + m[1])
	if open.StatusCode != http.StatusSeeOther || open.Header.Get("Location") != fmt.Sprintf("/requests/%d", n) {
		t.Fatalf("open: %d → %s", open.StatusCode, open.Header.Get("Location"))
	}
	if got := bell(t, d.camille); got != "" {
		t.Fatalf("bell after opening = %q, want none", got)
	}
	if strings.Contains(d.camille.get("/notifications").Body, "is-unread") {
		t.Fatal("the opened notification still shows as unread")
	}

	// Camille answers: Zoé hears of it, and her notification leads to her portal page.
	if _, err := d.e.App.Requests.Reply(acting(d.camilleID, "Camille Martin"), d.camilleV, n, "Je relance le prestataire.", false, request.Web); err != nil {
		t.Fatal(err)
	}
	zoe := text(d.zoe.get("/notifications"))
	if !strings.Contains(zoe, fmt.Sprintf("Nouvelle réponse à votre demande #%d", n)) || !strings.Contains(zoe, "Camille Martin : Je relance le prestataire.") {
		t.Fatalf("Zoé's inbox:\n%s", zoe)
	}
	if got := bell(t, d.camille); got != "" {
		t.Errorf("Camille was told of her own reply: %q", got)
	}

	// Jérôme reads in English; "mark all as read" empties his bell.
	if res := d.jerome.post("/me/language", url.Values{"language": {"en"}, "next": {"/notifications"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("language: %d", res.StatusCode)
	}
	en := d.jerome.get("/notifications")
	if !strings.Contains(text(en), fmt.Sprintf("New request #%d: Le Wi-Fi coupe en salle Lyon", n)) || !strings.Contains(en.Body, "Today") {
		t.Fatalf("Jérôme's inbox in English:\n%s", en.Body)
	}
	noNotifyKeys(t, en)
	if res := d.jerome.post("/notifications/read", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark all: %d", res.StatusCode)
	}
	if got := bell(t, d.jerome); got != "" {
		t.Fatalf("Jérôme's bell after mark all = %q", got)
	}
	if !strings.Contains(text(d.jerome.get("/notifications")), "Done: everything is read.") {
		t.Error("no flash after mark all")
	}

	// Noël marks his one notification read from the list.
	mn := openRe.FindStringSubmatch(d.noel.get("/notifications").Body)
	if res := d.noel.post("/notifications/"+mn[1]+"/read", nil); res.StatusCode != http.StatusSeeOther || bell(t, d.noel) != "" {
		t.Fatalf("mark one read: %d, bell %q", res.StatusCode, bell(t, d.noel))
	}

	// A request made confidential afterwards no longer shows its title to Noël.
	secret := d.file("Litige avec mon manager", "helene.bernard@exemple.fr", "", request.Normal, request.Web)
	if got := bell(t, d.noel); got != "1" {
		t.Fatalf("Noël's bell for the new request = %q", got)
	}
	yes := true
	if _, err := d.e.App.Requests.Update(ctx, d.camilleV, secret.Number, request.Change{Confidential: &yes}); err != nil {
		t.Fatal(err)
	}
	noel := text(d.noel.get("/notifications"))
	if strings.Contains(noel, "Litige") || !strings.Contains(noel, "Une demande que vous ne pouvez plus voir") {
		t.Fatalf("Noël's inbox after the request became confidential:\n%s", noel)
	}

	// An empty inbox teaches what it is for.
	empty := text(d.helene.get("/notifications"))
	if !strings.Contains(empty, "Rien de neuf pour l'instant") {
		t.Fatalf("empty inbox:\n%s", empty)
	}
}
