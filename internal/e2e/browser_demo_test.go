package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserDemoCompany opens the demo company (serve --demo) as Camille, whatever the day and
// hour: « Aujourd'hui » has the backlog waiting, an urgent request among it; the queue lists it;
// the last 30 days' report counts requests solved by the bible and merged ones and draws the
// weekly chart; Zoé's portal lists the Wi-Fi outage her request was merged into. The README's
// demo-* screenshots are taken here.
func TestBrowserDemoCompany(t *testing.T) {
	in := start(t, sqliteSettings(t), "--demo")
	om := newTab(t)
	welcome(t, om, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")
	// Charts drawn at once rather than animated, so the screenshot shows them whole.
	reduceMotion(t, om)

	// « Aujourd'hui »: waiting work, an urgent request among the first to handle. Reloaded, so the
	// one-time welcome message is not in the screenshot.
	do(t, om, chromedp.Navigate(in.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`.today-first`)))
	cards := get(t, om, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll(".today-card")].map(c =>
		[c.dataset.today, c.querySelector(".stat-value").textContent.trim()]))`))
	if figure(cards["urgent"]) == 0 || figure(cards["new"]) == 0 {
		t.Errorf("« Aujourd'hui » cards %v, want urgent and new requests waiting", cards)
	}
	first := get(t, om, chromedp.Evaluate[int](`document.querySelectorAll(".today-first tbody tr").length`))
	urgent := get(t, om, chromedp.Evaluate[string](`(document.querySelector(".today-first tbody tr .desk-priority-urgent")?.closest("tr").querySelector(".row-link").textContent ?? "").trim()`))
	if first < 3 || urgent == "" {
		t.Fatalf("« À traiter en premier » lists %d requests, urgent one %q; want the backlog with its urgent request:\n%s",
			first, urgent, pageText(t, om))
	}
	screenshot(t, om, "demo-home")

	// The queue: the backlog, the urgent request among it, several agents at work.
	do(t, om, chromedp.Navigate(in.URL+"/requests"), chromedp.WaitVisible(chromedp.CSS(`table[data-keyboard-list]`)))
	rows := get(t, om, chromedp.Evaluate[int](`document.querySelectorAll("table[data-keyboard-list] tbody tr").length`))
	if text := pageText(t, om); rows < 9 || !strings.Contains(text, urgent) {
		t.Fatalf("the queue lists %d requests, want the backlog (9 at least) with « %s »:\n%s", rows, urgent, text)
	}
	screenshot(t, om, "demo-requests")

	// The report of the last 30 days: the bible's and the merges' cards count, the chart of
	// requests received per week has bars.
	do(t, om, chromedp.Navigate(in.URL+"/reports"), chromedp.WaitVisible(chromedp.CSS(`.reports-presets`)))
	last30 := get(t, om, chromedp.Evaluate[string](`[...document.querySelectorAll(".reports-presets a")].find(a => a.textContent.trim() === "30 derniers jours")?.getAttribute("href") ?? ""`))
	if last30 == "" {
		t.Fatalf("the report offers no « 30 derniers jours »:\n%s", pageText(t, om))
	}
	do(t, om,
		chromedp.Click(chromedp.CSS(`.reports-presets a[href="`+last30+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.reports-presets a[aria-current="true"][href="`+last30+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`canvas#chart-volume`)),
	)
	if preset := get(t, om, chromedp.Text(chromedp.CSS(`.reports-presets a[aria-current="true"]`))); preset != "30 derniers jours" {
		t.Fatalf("the report shows « %s », want « 30 derniers jours »", preset)
	}
	kpis := get(t, om, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll(".reports-kpis .stat")].map(s =>
		[s.querySelector(".stat-label").textContent.trim(), s.querySelector(".stat-value").textContent.trim()]))`))
	for _, label := range []string{"Reçues", "Réglées par la bible", "Fusionnées"} {
		if figure(kpis[label]) == 0 {
			t.Errorf("the card « %s » says %q, want a number above zero (cards: %v)", label, kpis[label], kpis)
		}
	}
	// Chart.js drew the weekly chart: bars for at least four weeks.
	weeks := get(t, om, chromedp.Evaluate[int](`(() => {
		const c = Chart.getChart(document.getElementById("chart-volume"));
		if (!c) return -1;
		return c.data.labels.filter((_, i) => c.data.datasets.some(d => d.data[i] > 0)).length;
	})()`))
	if weeks < 4 {
		t.Errorf("the weekly chart has bars for %d weeks, want 4 or more", weeks)
	}
	screenshot(t, om, "demo-reports")
	scrollTo(t, om, "#chart-volume-title")
	screenshot(t, om, "demo-reports-charts")

	// Zoé: her portal lists the Lyon Wi-Fi outage, which she follows since her request was
	// merged into it.
	link := signInLink(in.run("user", "link", "--email", "zoe.thomas@sentier.co"))
	if link == "" {
		t.Fatal("majordome user link printed no link for Zoé")
	}
	zoe := newTab(t)
	do(t, zoe,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/welcome"]`)),
		chromedp.SetValue(chromedp.ID("f-password"), "les pentes de la Croix-Rousse"),
		chromedp.Click(chromedp.CSS(`form[action="/welcome"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.portal-following a.row-link`)),
	)
	following := get(t, zoe, chromedp.Text(chromedp.CSS(`.portal-following`)))
	if !strings.Contains(following, "Demandes que vous suivez") || !strings.Contains(following, "avec votre demande #") {
		t.Fatalf("Zoé's portal does not list the request hers was merged into:\n%s", following)
	}
	if mine := get(t, zoe, chromedp.Text(chromedp.CSS(`section[aria-labelledby="mine-title"]`))); !strings.Contains(mine, "Wi-Fi") {
		t.Errorf("Zoé's own requests do not include her Wi-Fi complaint:\n%s", mine)
	}
	// Reloaded, without the one-time welcome message, and scrolled to her requests.
	do(t, zoe, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.portal-following a.row-link`)))
	scrollTo(t, zoe, "#mine-title")
	screenshot(t, zoe, "demo-portal")
}

// reduceMotion makes the tab's pages see prefers-reduced-motion: reduce.
func reduceMotion(t *testing.T, tab context.Context) {
	t.Helper()
	do(t, tab, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
		return chromedp.Void{}, err
	})
}

// scrollTo scrolls the tab until the element sel is near the top of the window.
func scrollTo(t *testing.T, tab context.Context, sel string) {
	t.Helper()
	if !get(t, tab, chromedp.Evaluate[bool](`(() => {
		const el = document.querySelector(`+strconv.Quote(sel)+`);
		if (!el) return false;
		window.scrollTo({top: el.getBoundingClientRect().top + window.scrollY - 24, behavior: "instant"});
		return true;
	})()`)) {
		t.Fatalf("no %s on the page to scroll to", sel)
	}
}

// figure reads a card's figure, "1 234" (French spacing) or "12".
func figure(s string) int {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
