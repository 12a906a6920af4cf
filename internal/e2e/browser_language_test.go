package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSwitchLanguage switches the interface to English from the sidebar and back. It runs
// on the demo company, which makes the home page worth a screenshot.
func TestBrowserSwitchLanguage(t *testing.T) {
	ctx := newTab(t)
	in := start(t, sqliteSettings(t), "--demo")
	welcome(t, ctx, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")

	// Reloaded, so the one-time "welcome" message is not in the screenshot.
	do(t, ctx, chromedp.Navigate(in.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`html[lang="fr"] .topbar h1`)))
	screenshot(t, ctx, "home")

	for _, step := range []struct{ lang, hello string }{{"en", "Hello Camille"}, {"fr", "Bonjour Camille"}} {
		do(t, ctx,
			chromedp.Click(chromedp.CSS(`.lang-switch button[value="`+step.lang+`"]`)),
			// The page is rendered again by the server, in the new language.
			chromedp.WaitVisible(chromedp.CSS(`html[lang="`+step.lang+`"] .topbar h1`)),
		)
		if h1 := get(t, ctx, chromedp.Text(chromedp.CSS(`.topbar h1`))); h1 != step.hello {
			t.Fatalf("after choosing %s: title %q, want %q", step.lang, h1, step.hello)
		}
		if p := path(t, ctx); p != "/" {
			t.Fatalf("after choosing %s: on %s, want to stay on the home page", step.lang, p)
		}
		current := get(t, ctx, chromedp.AttributeValue(chromedp.CSS(`.lang-switch button[value="`+step.lang+`"]`), "aria-current"))
		if current.Value != "true" {
			t.Errorf("the %s button is not marked as the current language", step.lang)
		}
	}
}
