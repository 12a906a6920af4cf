package e2e

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"majordome/internal/people"
)

// TestBrowserBibleAnswersBeforeARequest is the bible's promise: Zoé starts typing "wifi
// invité" in the portal, the Wi-Fi article appears under the form, she says "Ça m'a aidé" and
// leaves without filing; Camille's report counts one request the bible answered.
func TestBrowserBibleAnswersBeforeARequest(t *testing.T) {
	om := newTab(t)
	in := start(t, sqliteSettings(t))
	welcome(t, om, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")

	// The article, written through the API as an integration would.
	token := lastLine(in.run("token", "create", "--role", "agent", "--name", "Bible"))
	var wifi struct {
		ID   int64  `json:"id"`
		Slug string `json:"slug"`
	}
	body := `{"title": "Wi-Fi invités : le code du jour", "slug": "wifi-invites-test", "tags": ["wifi", "réseau"],
		"body": "Le réseau « Invités » : le code du jour est affiché à l'accueil."}`
	if code := callAPI(t, "POST", in.URL+"/api/v1/articles", token, body, &wifi); code != 201 {
		t.Fatalf("create the article: %d", code)
	}

	if _, err := in.directory().Create(context.Background(), people.Input{FirstName: "Zoé", LastName: "Thomas",
		Email: "zoe.thomas@sentier.co", Site: "Lyon"}); err != nil {
		t.Fatal(err)
	}
	link := signInLink(in.run("user", "create", "--email", "zoe.thomas@sentier.co", "--name", "Zoé Thomas", "--role", "employee"))
	zoe := newTab(t)
	do(t, zoe,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/welcome"]`)),
		chromedp.SetValue(chromedp.ID("f-password"), "les pentes de la Croix-Rousse"),
		chromedp.Click(chromedp.CSS(`form[action="/welcome"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/portal"]`)),
	)

	// She types; a moment later the article is suggested under the form.
	suggestion := `.bible-suggestion a[href="/bible/` + wifi.Slug + `"]`
	do(t, zoe,
		chromedp.SendKeys(chromedp.ID("f-title"), "wifi invité"),
		chromedp.WaitVisible(chromedp.CSS(suggestion)),
	)
	if text := pageText(t, zoe); !strings.Contains(text, "Wi-Fi invités : le code du jour") || !strings.Contains(text, "Ça m'a aidé") {
		t.Fatalf("the suggestion:\n%s", text)
	}
	screenshot(t, zoe, "portal-suggestion")

	// "Ça m'a aidé": it ends there, nothing is filed.
	do(t, zoe,
		chromedp.Click(chromedp.CSS(`.bible-suggestion button[value="`+strconv.FormatInt(wifi.ID, 10)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.btn[href="/portal"]`)),
	)
	if text := pageText(t, zoe); !strings.Contains(text, "Tant mieux !") || !strings.Contains(text, "aucune demande n'a été envoyée") {
		t.Fatalf("after « Ça m'a aidé »:\n%s", text)
	}
	if p := path(t, zoe); p != "/portal/helped" {
		t.Errorf("after « Ça m'a aidé »: %s", p)
	}
	admin := lastLine(in.run("token", "create", "--role", "admin", "--name", "Contrôle"))
	var requests struct{ Items []any }
	if code := callAPI(t, "GET", in.URL+"/api/v1/requests", admin, "", &requests); code != 200 || len(requests.Items) != 0 {
		t.Fatalf("requests filed: %d (%d)", len(requests.Items), code)
	}

	// The report counts it.
	do(t, om,
		chromedp.Navigate(in.URL+"/reports"),
		chromedp.WaitVisible(chromedp.CSS(`.reports-kpis`)),
	)
	text := pageText(t, om)
	if !regexp.MustCompile(`Demandes évitées par la bible\s*1\b`).MatchString(text) {
		t.Fatalf("the report does not count the deflection:\n%s", text)
	}

	// The starter pack, installed from its preview, gives the bible its first guides.
	do(t, om,
		chromedp.Navigate(in.URL+"/packs/starter"),
		chromedp.WaitVisible(chromedp.ID("packs-install")),
		chromedp.Click(chromedp.ID("packs-install")),
		chromedp.WaitVisible(chromedp.CSS(`a.row-link[href="/bible/fuite-d-eau"]`)),
	)
	screenshot(t, om, "bible")
	do(t, om,
		chromedp.Navigate(in.URL+"/bible/fuite-d-eau"),
		chromedp.WaitVisible(chromedp.CSS(`nav.bible-toc`)),
	)
	if text := pageText(t, om); !strings.Contains(text, "Que faire en cas de fuite d'eau") {
		t.Fatalf("the water-leak guide:\n%s", text)
	}
	screenshot(t, om, "bible-article")
}
