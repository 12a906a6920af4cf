package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
)

// TestBrowserQueueBulkActions ticks requests in the queue from the keyboard (j, x) and with a
// shift-click range, then assigns them all from the bar that appears.
func TestBrowserQueueBulkActions(t *testing.T) {
	om := newTab(t)
	in := start(t, sqliteSettings(t))
	welcome(t, om, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")

	d, err := db.Open(context.Background(), filepath.Join(in.vars["MAJORDOME_DATA"], "majordome.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ctx := context.Background()
	if _, err := people.New(d, audit.New(d)).Create(ctx, people.Input{FirstName: "Zoé", LastName: "Thomas", Email: "zoe.thomas@sentier.co"}); err != nil {
		t.Fatal(err)
	}
	desk := request.New(d, audit.New(d))
	var numbers []int64
	for _, title := range []string{"Wi-Fi coupé", "Plus d'internet", "Le Wi-Fi rame", "Ampoule grillée"} {
		r, err := desk.Create(ctx, request.NewRequest{Title: title, RequesterEmail: "zoe.thomas@sentier.co"})
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, r.Number)
	}

	do(t, om,
		chromedp.Navigate(in.URL+"/requests"),
		chromedp.WaitVisible(chromedp.CSS(`table[data-keyboard-list]`)),
	)
	if visible := get(t, om, chromedp.Evaluate[bool](`!!document.querySelector("form.bulk-bar").offsetParent`)); visible {
		t.Fatal("the bulk bar shows before anything is ticked")
	}
	count := func() string {
		return get(t, om, chromedp.Evaluate[string](`document.querySelector("[data-bulk-count]").textContent`))
	}
	// j selects the first row (the newest request), x ticks it; the bar appears.
	do(t, om, chromedp.KeyEvent("j"), chromedp.KeyEvent("x"), chromedp.WaitVisible(chromedp.CSS(`form.bulk-bar.is-active`)))
	if c := count(); c != "1 demande sélectionnée" {
		t.Fatalf("after x: %q", c)
	}
	// A shift-click on the third row ticks the second too.
	get(t, om, chromedp.Evaluate[bool](`document.querySelectorAll("input[data-bulk-row]")[2].dispatchEvent(
		new MouseEvent("click", {bubbles: true, cancelable: true, shiftKey: true})), true`))
	if c := count(); c != "3 demandes sélectionnées" {
		t.Fatalf("after a shift-click: %q", c)
	}
	// Choosing an assignee applies at once to the three.
	get(t, om, chromedp.Evaluate[bool](`(() => {
		const s = document.getElementById("bulk-assignee");
		s.value = s.options[2].value; // the first agent: Camille
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`))
	do(t, om, chromedp.WaitVisible(chromedp.CSS(`.flash-success`)))
	if text := pageText(t, om); !strings.Contains(text, "3 demandes mises à jour.") {
		t.Fatalf("after the bulk action:\n%s", text)
	}
	admin := request.Viewer{Role: auth.Admin}
	for i, n := range numbers {
		r, err := desk.Get(ctx, admin, n)
		if err != nil {
			t.Fatal(err)
		}
		if assigned := r.AssigneeName == "Camille Martin"; assigned != (i > 0) {
			t.Errorf("#%d assigned to %q", n, r.AssigneeName)
		}
	}
	// Esc unticks everything.
	do(t, om, chromedp.KeyEvent("j"), chromedp.KeyEvent("x"), chromedp.WaitVisible(chromedp.CSS(`form.bulk-bar.is-active`)),
		chromedp.KeyEvent("\x1b"), chromedp.WaitNotPresent(chromedp.CSS(`form.bulk-bar.is-active`)))
}
