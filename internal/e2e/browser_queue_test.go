package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
)

// TestBrowserQueueSortAndDates sorts the queue and narrows it to days of filing from the
// toolbar: the order applies as it is chosen, a date once typed and left, and a date that is no
// date is named without losing the queue. Each step is kept in the address bar.
func TestBrowserQueueSortAndDates(t *testing.T) {
	om := newTab(t)
	in := start(t, sqliteSettings(t))
	welcome(t, om, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")

	d, err := db.Open(context.Background(), filepath.Join(in.vars["MAJORDOME_DATA"], "majordome.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ctx := context.Background()
	if _, err := people.New(d, audit.New(d)).Create(ctx, people.Input{FirstName: "Zoé", LastName: "Thomas",
		Email: "zoe.thomas@sentier.co", Site: "Lyon"}); err != nil {
		t.Fatal(err)
	}
	desk := request.New(d, audit.New(d))
	file := func(at time.Time, title string, p request.Priority) {
		desk.SetClock(func() time.Time { return at })
		if _, err := desk.Create(ctx, request.NewRequest{Title: title, RequesterEmail: "zoe.thomas@sentier.co", Priority: p}); err != nil {
			t.Fatal(err)
		}
	}
	file(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), "Fuite sous l'évier", request.Urgent)
	file(time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), "Badge à refaire", request.Low)
	file(time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), "Écran qui clignote", request.Normal)

	titles := func() string {
		return get(t, om, chromedp.Evaluate[string](`[...document.querySelectorAll("#queue-results a.row-link")].map(a => a.textContent).join(" / ")`))
	}
	search := func() string { return get(t, om, chromedp.Evaluate[string](`location.search`)) }
	do(t, om,
		chromedp.Navigate(in.URL+"/requests"),
		chromedp.WaitVisible(chromedp.ID("filter-sort")),
	)
	if got := titles(); got != "Écran qui clignote / Badge à refaire / Fuite sous l'évier" {
		t.Fatalf("newest first: %s", got)
	}

	// The order applies as soon as it is chosen.
	do(t, om, chromedp.SetValue(chromedp.ID("filter-sort"), "priority"))
	get(t, om, chromedp.Evaluate[bool](`document.getElementById("filter-sort").dispatchEvent(new Event("change", {bubbles: true}))`))
	poll := func(cond string) { t.Helper(); get(t, om, chromedp.Poll[bool](cond)) }
	poll(`location.search.includes("sort=priority")`)
	poll(`document.querySelector("#queue-results a.row-link").textContent === "Fuite sous l'évier"`)
	if got := titles(); got != "Fuite sous l'évier / Écran qui clignote / Badge à refaire" {
		t.Errorf("by priority: %s", got)
	}

	// A start date applies once typed and left (Tab), without a button.
	do(t, om,
		chromedp.Click(chromedp.ID("filter-from")),
		chromedp.SendKeys(chromedp.ID("filter-from"), "03/03/2026\t"),
	)
	poll(`location.search.includes("from=03%2F03%2F2026")`)
	poll(`document.querySelectorAll("#queue-results a.row-link").length === 2`)
	if got, s := titles(), search(); got != "Écran qui clignote / Badge à refaire" || !strings.Contains(s, "sort=priority") {
		t.Errorf("from 3 March by priority: %s (%s)", got, s)
	}

	// A date that is no date is named, and the queue stays, without that date.
	do(t, om,
		chromedp.Click(chromedp.ID("filter-to")),
		chromedp.SendKeys(chromedp.ID("filter-to"), "31/02/2026\t"),
		chromedp.WaitVisible(chromedp.ID("queue-dates-error")),
	)
	if text := pageText(t, om); !strings.Contains(text, "« 31/02/2026 » n'est pas une date valide") {
		t.Errorf("no message for a wrong date:\n%s", text)
	}
	if got := titles(); got != "Écran qui clignote / Badge à refaire" {
		t.Errorf("with a wrong end date: %s", got)
	}
	poll(`document.getElementById("filter-to").getAttribute("aria-invalid") === "true"`)

	// Fixed, the date applies and the mark goes: the fields swapped in still apply as they change.
	do(t, om,
		chromedp.Click(chromedp.ID("filter-to")),
		chromedp.KeyEvent("\b\b\b\b\b\b\b\b\b\b"),
		chromedp.SendKeys(chromedp.ID("filter-to"), "03/03/2026\t"),
		chromedp.WaitNotPresent(chromedp.ID("queue-dates-error")),
	)
	poll(`location.search.includes("to=03%2F03%2F2026")`)
	poll(`document.querySelectorAll("#queue-results a.row-link").length === 1`)
	if got := titles(); got != "Badge à refaire" || get(t, om, chromedp.Evaluate[bool](`document.getElementById("filter-to").hasAttribute("aria-invalid")`)) {
		t.Errorf("3 March only: %s", got)
	}
}
