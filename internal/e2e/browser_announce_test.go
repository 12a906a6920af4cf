package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"majordome/internal/people"
)

// TestBrowserAnnounceToATeamAndAcknowledge is the Office Manager's announcement in a real
// browser: Camille writes to team Produit on the portal, the live count goes from 2 to 3
// recipients when she adds site Paris, she sends; Zoé sees the banner in her portal and clicks
// "J'ai lu"; Camille's page counts one acknowledgement.
func TestBrowserAnnounceToATeamAndAcknowledge(t *testing.T) {
	om := newTab(t)
	in := start(t, sqliteSettings(t))
	welcome(t, om, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")
	dir := in.directory()
	for _, p := range []people.Input{
		{FirstName: "Zoé", LastName: "Thomas", Email: "zoe.thomas@sentier.co", Team: "Produit", Site: "Lyon"},
		{FirstName: "Hélène", LastName: "Bernard", Email: "helene.bernard@sentier.co", Team: "Produit", Site: "Paris"},
		{FirstName: "Hugo", LastName: "Petit", Email: "hugo.petit@sentier.co", Team: "Ops", Site: "Paris"},
	} {
		if _, err := dir.Create(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}

	// The history, empty; "n" opens the composer.
	do(t, om,
		chromedp.Navigate(in.URL+"/announcements"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/announcements/new"]`)),
		chromedp.KeyEvent("n"),
		chromedp.WaitVisible(chromedp.ID("announce-form")),
		chromedp.SetValue(chromedp.ID("f-title"), "Exercice d'évacuation jeudi"),
		chromedp.SendKeys(chromedp.ID("f-body"), "Rendez-vous **dans la cour** à 10 h."),
		// The preview follows the text, in the Slack tab first.
		chromedp.WaitVisible(chromedp.CSS(`#preview-slack .md strong`)),
	)
	if got := get(t, om, chromedp.Evaluate[string](`document.querySelector("#preview-slack .md strong").textContent`)); got != "dans la cour" {
		t.Errorf("the preview shows %q", got)
	}
	if hidden := get(t, om, chromedp.Evaluate[bool](`document.getElementById("preview-email").hidden`)); !hidden {
		t.Error("the email preview shows beside Slack's: the tabs do not work")
	}
	do(t, om, chromedp.Click(chromedp.ID("tab-portal")), chromedp.WaitVisible(chromedp.ID("preview-portal")))

	// The audience: team Produit (2), then site Paris as well (3: Hélène is in both).
	choose := func(sel, value string) {
		t.Helper()
		get(t, om, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
			const s = document.getElementById(%q);
			for (const o of s.options) if (o.value === %q) o.selected = true;
			s.dispatchEvent(new Event("change", {bubbles: true}));
			return true;
		})()`, sel, value)))
	}
	choose("f-teams", "Produit")
	do(t, om, chromedp.WaitVisible(chromedp.CSS(`#announce-count [data-count="2"]`)))
	choose("f-sites", "Paris")
	do(t, om, chromedp.WaitVisible(chromedp.CSS(`#announce-count [data-count="3"]`)))
	if text := pageText(t, om); !strings.Contains(text, "3 destinataires") {
		t.Fatalf("the live count:\n%s", text)
	}
	screenshot(t, om, "announce-compose")

	// On the portal only (no email set up here: the composer does not tick it), then send.
	if email := get(t, om, chromedp.Evaluate[bool](`document.querySelector('input[name="channels"][value="email"]').checked`)); email {
		t.Error("email is ticked though it is not set up")
	}
	do(t, om,
		chromedp.Click(chromedp.CSS(`#announce-form button[name="action"][value="send"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-acknowledged]`)),
	)
	text := pageText(t, om)
	if !strings.Contains(text, "part vers 3 personnes") || !strings.Contains(text, "Zoé Thomas") || !strings.Contains(text, "Hugo Petit") {
		t.Fatalf("the announcement's page:\n%s", text)
	}
	announcement := path(t, om)
	if !regexp.MustCompile(`^/announcements/\d+$`).MatchString(announcement) {
		t.Fatalf("sent to %s", announcement)
	}

	// Zoé's portal shows the banner; "J'ai lu" thanks her in place.
	link := signInLink(in.run("user", "create", "--email", "zoe.thomas@sentier.co", "--name", "Zoé Thomas", "--role", "employee"))
	zoe := newTab(t)
	id := strings.TrimPrefix(announcement, "/announcements/")
	do(t, zoe,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/welcome"]`)),
		chromedp.SetValue(chromedp.ID("f-password"), "les pentes de la Croix-Rousse"),
		chromedp.Click(chromedp.CSS(`form[action="/welcome"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/portal"]`)),
		chromedp.Navigate(in.URL+"/portal"),
		chromedp.WaitVisible(chromedp.ID("announce-"+id)),
	)
	if text := pageText(t, zoe); !strings.Contains(text, "Exercice d'évacuation jeudi") {
		t.Fatalf("Zoé's portal:\n%s", text)
	}
	do(t, zoe,
		chromedp.Click(chromedp.CSS(`#announce-`+id+` button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#announce-`+id+` button[type="submit"]`)),
	)

	// Camille's page counts it.
	do(t, om,
		chromedp.Navigate(in.URL+announcement),
		chromedp.WaitVisible(chromedp.CSS(`[data-acknowledged="1"]`)),
	)
	if text := pageText(t, om); !regexp.MustCompile(`Lyon\s+1 sur 1`).MatchString(text) {
		t.Errorf("the page by site:\n%s", text)
	}
}
