package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserFirstSignInFromPrintedLink walks the Office Manager's first minute: start Majordome
// on an empty folder, open the link it printed, say who you are, land on the home page.
func TestBrowserFirstSignInFromPrintedLink(t *testing.T) {
	ctx := newTab(t)
	in := start(t, sqliteSettings(t))
	welcome(t, ctx, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")

	if p := path(t, ctx); p != "/" {
		t.Fatalf("after the welcome form: %s, want the home page", p)
	}
	if h1 := get(t, ctx, chromedp.Text(chromedp.CSS(`.topbar h1`))); h1 != "Bonjour Camille" {
		t.Fatalf("home page title %q, want %q", h1, "Bonjour Camille")
	}
	if lang := get(t, ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "fr" {
		t.Errorf("html lang=%q, want fr", lang)
	}
	// The sidebar names the account with what was typed.
	if name := get(t, ctx, chromedp.Text(chromedp.CSS(`.sidebar .user-name`))); name != "Camille Martin" {
		t.Errorf("sidebar shows %q", name)
	}

	// The printed link was for one use: a second tab cannot sign in with it.
	other := newTab(t)
	do(t, other, chromedp.Navigate(signInLink(in.stdout.String())), chromedp.WaitVisible(chromedp.CSS(`body`)))
	if p := path(t, other); p == "/" || p == "/welcome" {
		t.Fatalf("the used link signed in again (%s)", p)
	}
}
