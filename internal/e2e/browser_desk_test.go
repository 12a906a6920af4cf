package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"majordome/internal/people"
)

// TestBrowserDeskRoundTrip walks a request from one end to the other: Zoé files it in the
// portal, Camille finds it in her queue and answers from the keyboard, Zoé reads the answer,
// Camille resolves it and Zoé says 👍.
func TestBrowserDeskRoundTrip(t *testing.T) {
	om := newTab(t)
	in := start(t, sqliteSettings(t))
	welcome(t, om, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")

	// Zoé is in the directory and has an account with the same email.
	if _, err := in.directory().Create(context.Background(), people.Input{FirstName: "Zoé", LastName: "Thomas",
		Email: "zoe.thomas@sentier.co", Site: "Lyon"}); err != nil {
		t.Fatal(err)
	}
	link := signInLink(in.run("user", "create", "--email", "zoe.thomas@sentier.co", "--name", "Zoé Thomas", "--role", "employee"))
	zoe := newTab(t)
	// Her link asks her to choose a password once, then opens her home: the portal.
	do(t, zoe,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/welcome"]`)),
		chromedp.SetValue(chromedp.ID("f-password"), "les pentes de la Croix-Rousse"),
		chromedp.Click(chromedp.CSS(`form[action="/welcome"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/portal"]`)),
	)
	if text := pageText(t, zoe); !strings.Contains(text, "De quoi avez-vous besoin ?") {
		t.Fatalf("Zoé's first page is not the portal:\n%s", text)
	}

	// 1. Zoé files her request.
	do(t, zoe,
		chromedp.SetValue(chromedp.ID("f-title"), "Le Wi-Fi coupe en salle Lyon"),
		chromedp.SetValue(chromedp.ID("f-description"), "Depuis ce matin, toutes les 5 minutes."),
		chromedp.SetValue(chromedp.ID("f-category"), "IT & Wi-Fi"),
		chromedp.Click(chromedp.CSS(`form[action="/portal"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.portal-where`)),
	)
	mine := path(t, zoe)
	if !strings.HasPrefix(mine, "/portal/") {
		t.Fatalf("after filing: %s, want her request's page", mine)
	}
	if text := pageText(t, zoe); !strings.Contains(text, "C'est noté, l'équipe s'en occupe.") || !strings.Contains(text, "Reçue") {
		t.Fatalf("after filing:\n%s", text)
	}
	screenshot(t, zoe, "portal-request")
	number := strings.TrimPrefix(mine, "/portal/")

	// 2. Camille sees it in her queue and opens it with j, Enter.
	do(t, om,
		chromedp.Navigate(in.URL+"/requests"),
		chromedp.WaitVisible(chromedp.CSS(`table[data-keyboard-list]`)),
	)
	if text := pageText(t, om); !strings.Contains(text, "Le Wi-Fi coupe en salle Lyon") || !strings.Contains(text, "Zoé Thomas") {
		t.Fatalf("the queue does not show Zoé's request:\n%s", text)
	}
	screenshot(t, om, "requests")
	do(t, om,
		chromedp.KeyEvent("j"),
		chromedp.WaitVisible(chromedp.CSS(`tr.is-selected`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.ID("reply-body")),
	)
	if p := path(t, om); p != "/requests/"+number {
		t.Fatalf("Enter opened %s, want /requests/%s", p, number)
	}

	// The desk's keys are in the "?" help; n and r choose the mode and focus the message.
	do(t, om, chromedp.KeyEvent("?"), chromedp.WaitVisible(chromedp.CSS(`dialog#shortcuts[open]`)))
	if help := get(t, om, chromedp.Text(chromedp.ID("shortcuts"))); !strings.Contains(help, "Écrire une note interne") {
		t.Errorf("the help does not list the desk's keys:\n%s", help)
	}
	do(t, om, chromedp.KeyEvent("?"), chromedp.WaitNotPresent(chromedp.CSS(`dialog#shortcuts[open]`)))
	mode := func() string {
		return get(t, om, chromedp.Evaluate[string](`document.activeElement.id + " " + document.querySelector('input[name="mode"]:checked').value +
			" [" + document.getElementById("reply-body").value + "]"`))
	}
	do(t, om, chromedp.KeyEvent("n"))
	if m := mode(); m != "reply-body internal []" {
		t.Errorf("after n: %q, want the message focused, empty, in note mode", m)
	}
	get(t, om, chromedp.Evaluate[bool](`document.activeElement.blur(), true`))
	do(t, om, chromedp.KeyEvent("r"))
	if m := mode(); m != "reply-body public []" {
		t.Errorf("after r: %q, want the message focused, empty, in reply mode", m)
	}

	// 3. She answers (Ctrl+Enter sends).
	do(t, om,
		chromedp.SetValue(chromedp.ID("reply-body"), "Je passe en salle Lyon à 14 h, gardez le routeur branché."),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	if text := pageText(t, om); !strings.Contains(text, "Réponse envoyée.") || !strings.Contains(text, "Je passe en salle Lyon à 14 h") {
		t.Fatalf("after replying:\n%s", text)
	}
	screenshot(t, om, "request")

	// 4. Zoé reads the answer in the portal.
	do(t, zoe, chromedp.Navigate(in.URL+mine), chromedp.WaitVisible(chromedp.CSS(`.desk-conversation`)))
	if text := pageText(t, zoe); !strings.Contains(text, "Je passe en salle Lyon à 14 h") || !strings.Contains(text, "Camille Martin") {
		t.Fatalf("Zoé does not see the answer:\n%s", text)
	}

	// 5. Camille resolves with e.
	do(t, om, chromedp.KeyEvent("e"), chromedp.WaitVisible(chromedp.CSS(`.flash-success`)))
	if text := pageText(t, om); !strings.Contains(text, "#"+number+" est résolue") {
		t.Fatalf("after e:\n%s", text)
	}

	// 6. Zoé says it is sorted.
	do(t, zoe,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`.portal-rating`)),
	)
	if text := pageText(t, zoe); !strings.Contains(text, "C'est réglé ?") || !strings.Contains(text, "Réglée") {
		t.Fatalf("the resolved request does not ask for her verdict:\n%s", text)
	}
	do(t, zoe,
		chromedp.SetValue(chromedp.ID("f-comment"), "Rapide, merci !"),
		chromedp.Click(chromedp.CSS(`button[name="score"][value="1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.portal-rated`)),
	)
	if text := pageText(t, zoe); !strings.Contains(text, "Merci ! Ravis que ce soit réglé.") || strings.Contains(text, "C'est réglé ?") {
		t.Fatalf("after 👍:\n%s", text)
	}

	// The desk shows her verdict.
	do(t, om, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.desk-timeline`)))
	if text := pageText(t, om); !strings.Contains(text, "a répondu 👍") || !strings.Contains(text, "« Rapide, merci ! »") {
		t.Fatalf("the desk does not show Zoé's verdict:\n%s", text)
	}

	// The month's report counts her request, answered and resolved, and draws its charts.
	do(t, om, chromedp.Navigate(in.URL+"/reports"), chromedp.WaitVisible(chromedp.CSS(`canvas#chart-volume`)))
	if text := pageText(t, om); !strings.Contains(text, "Reçues") || !strings.Contains(text, "Première réponse (médiane)") ||
		strings.Contains(text, "Aucune demande résolue encore") {
		t.Fatalf("the report does not count the resolved request:\n%s", text)
	}
	screenshot(t, om, "reports")
}
