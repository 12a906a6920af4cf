package web_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"majordome/internal/people"
	"majordome/internal/request"
)

// TestRequestQueueSortSiteAndDates drives the toolbar's site, dates and order: each keeps its
// value in the form, in the URL of the next page and in the views' links; a view stays the
// current one in any order; a date the queue cannot read is named and the queue still shows.
func TestRequestQueueSortSiteAndDates(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	for _, in := range []people.Input{
		{FirstName: "Léa", LastName: "Roux", Email: "lea.roux@exemple.fr", Site: "Lyon"},
		{FirstName: "Paul", LastName: "Petit", Email: "paul.petit@exemple.fr", Site: "Paris"},
	} {
		if _, err := d.e.App.People.Create(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	sites, err := d.e.App.People.Sites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lyon := int64(0)
	for _, s := range sites {
		if s.Name == "Lyon" {
			lyon = s.ID
		}
	}

	// Filed on 9 March at 23:59 and on 10 March at 00:30, in Paris (UTC+1).
	at := func(tm time.Time) { d.e.App.Requests.SetClock(func() time.Time { return tm }) }
	at(time.Date(2026, 3, 9, 22, 59, 0, 0, time.UTC))
	lowLyon := d.file("Étagère à monter", "lea.roux@exemple.fr", "", request.Low, request.Web)
	at(time.Date(2026, 3, 9, 23, 30, 0, 0, time.UTC))
	urgentParis := d.file("Fuite d'eau", "paul.petit@exemple.fr", "", request.Urgent, request.Web)
	at(time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC))
	normalLyon := d.file("Badge à refaire", "lea.roux@exemple.fr", "", request.Normal, request.Web)
	highZoe := d.file("Écran qui clignote", "zoe.thomas@exemple.fr", "", request.High, request.Web)
	n := func(rs ...request.Request) string {
		var out []string
		for _, r := range rs {
			out = append(out, fmt.Sprint(r.Number))
		}
		return strings.Join(out, ",")
	}

	full := d.camille.get("/requests?sort=priority")
	if full.StatusCode != 200 {
		t.Fatalf("queue by priority: %d", full.StatusCode)
	}
	noRawKeys(t, full)
	if got := strings.Join(rows(full), ","); got != n(urgentParis, highZoe, normalLyon, lowLyon) {
		t.Errorf("by priority: %s", got)
	}
	body := text(full)
	for _, s := range []string{`<option value="priority" selected>Par priorité</option>`, `id="filter-site"`,
		fmt.Sprintf(`<option value="%d">Lyon</option>`, lyon), `id="filter-from" name="from"`, `placeholder="jj/mm/aaaa"`,
		`>Tous sites</option>`, `<label for="filter-from">Du</label>`, `<label for="filter-to">au</label>`} {
		if !strings.Contains(body, s) {
			t.Errorf("the toolbar lacks %q", s)
		}
	}
	// The order is no filter: "Toutes actives" is still the current view, and each view's link
	// keeps the order.
	if !strings.Contains(full.Body, `data-view="active" aria-current="page"`) || !strings.Contains(body, `href="/requests?assignee=me&sort=priority"`) {
		t.Errorf("views in another order:\n%s", regexp.MustCompile(`(?s)<nav class="desk-views".*?</nav>`).FindString(body))
	}

	for _, tc := range []struct {
		query string
		want  string
		keep  []string
	}{
		{"", n(highZoe, normalLyon, urgentParis, lowLyon), []string{`<option value="newest" selected>`}},
		{"sort=oldest", n(lowLyon, urgentParis, normalLyon, highZoe), []string{`<option value="oldest" selected>`}},
		{"sort=shuffle", n(highZoe, normalLyon, urgentParis, lowLyon), []string{`<option value="newest" selected>`}},
		{fmt.Sprintf("site=%d", lyon), n(normalLyon, lowLyon), []string{fmt.Sprintf(`<option value="%d" selected>Lyon</option>`, lyon)}},
		{fmt.Sprintf("site=%d&sort=priority", lyon), n(normalLyon, lowLyon), nil},
		{"from=10/03/2026&to=10/03/2026", n(urgentParis), []string{`value="10/03/2026"`}},
		{"to=2026-03-09", n(lowLyon), []string{`value="2026-03-09"`}},
		{"from=11/03/2026&sort=oldest", n(normalLyon, highZoe), nil},
	} {
		res := d.camille.get("/requests?" + tc.query)
		if res.StatusCode != 200 || strings.Join(rows(res), ",") != tc.want {
			t.Errorf("%s: %d, rows %v, want %s", tc.query, res.StatusCode, rows(res), tc.want)
		}
		for _, s := range tc.keep {
			if !strings.Contains(res.Body, s) {
				t.Errorf("%s: the toolbar does not keep %q", tc.query, s)
			}
		}
		if strings.Contains(res.Body, `id="queue-dates-error"`) {
			t.Errorf("%s: a date error without a wrong date", tc.query)
		}
	}

	// A date that is no date: named under the toolbar, kept in its field, left out of the list.
	bad := d.camille.get("/requests?from=31/02/2026&to=10/03/2026")
	if b := text(bad); bad.StatusCode != 200 || !strings.Contains(b, "Date de début : « 31/02/2026 » n'est pas une date valide") ||
		!strings.Contains(bad.Body, `value="31/02/2026"`) || !regexp.MustCompile(`id="filter-from"[^>]*aria-invalid="true"`).MatchString(bad.Body) ||
		regexp.MustCompile(`id="filter-to"[^>]*aria-invalid`).MatchString(bad.Body) ||
		strings.Join(rows(bad), ",") != n(urgentParis, lowLyon) {
		t.Errorf("a wrong start date: %d, rows %v\n%s", bad.StatusCode, rows(bad), regexp.MustCompile(`(?s)<div class="queue-dates.*?</div>`).FindString(b))
	}
	order := text(d.camille.get("/requests?from=11/03/2026&to=10/03/2026"))
	if !strings.Contains(order, "Date de fin : le 10/03/2026 est avant la date de début") {
		t.Error("an end before the start must be named")
	}
	hx := d.camille.getHX("/requests?from=hier")
	if hx.StatusCode != 200 || strings.Contains(hx.Body, "<html") || !strings.Contains(text(hx), "« hier » n'est pas une date valide") ||
		!strings.Contains(hx.Body, `role="alert"`) ||
		!regexp.MustCompile(`id="queue-dates"[^>]*hx-swap-oob="innerHTML"`).MatchString(hx.Body) ||
		!regexp.MustCompile(`id="filter-from"[^>]*value="hier"[^>]*aria-invalid="true"`).MatchString(hx.Body) {
		t.Errorf("htmx results with a wrong date: %d\n%s", hx.StatusCode, hx.Body)
	}
}

// TestRequestQueuePagesInEveryOrder walks the active queue across pages in each order: nothing
// twice, nothing missed, and the next page's link keeps the order. An old link whose cursor
// belongs to another order starts again from the top rather than failing.
func TestRequestQueuePagesInEveryOrder(t *testing.T) {
	d := newDesk(t)
	prios := []request.Priority{request.Normal, request.Urgent, request.Low, request.High, request.Normal}
	all := map[string]request.Priority{}
	for i := range 57 {
		r := d.file(fmt.Sprintf("Demande %02d", i), "zoe.thomas@exemple.fr", "", prios[i%len(prios)], request.Web)
		all[fmt.Sprint(r.Number)] = r.Priority
	}
	nextRe := regexp.MustCompile(`href="(/requests\?[^"]*cursor=[^"]+)" rel="next"`)
	for _, sort := range []string{"newest", "oldest", "priority", "due"} {
		var got []string
		path := "/requests?sort=" + sort
		var second string
		for page := 0; path != ""; page++ {
			res := d.camille.get(path)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d", path, res.StatusCode)
			}
			got = append(got, rows(res)...)
			path = ""
			if m := nextRe.FindStringSubmatch(res.Body); m != nil {
				path = html.UnescapeString(m[1])
				if sort != "newest" && !strings.Contains(path, "sort="+sort) {
					t.Errorf("%s: the next page forgets the order: %s", sort, path)
				}
				second = path
			}
			if page > 3 {
				t.Fatal("endless pages")
			}
		}
		if len(got) != 57 || len(slices.Compact(slices.Sorted(slices.Values(got)))) != 57 {
			t.Errorf("%s: %d rows over the pages, some twice or missing", sort, len(got))
		}
		if sort == "priority" {
			for i := 1; i < len(got); i++ {
				if slices.Index(request.Priorities, all[got[i-1]]) > slices.Index(request.Priorities, all[got[i]]) {
					t.Errorf("priority order broken at %s then %s", got[i-1], got[i])
				}
			}
		}
		if second == "" {
			t.Errorf("%s: one page only", sort)
			continue
		}
		// The same cursor in another order: an old link, shown from the top.
		other := strings.Replace(second, "sort="+sort, "sort=oldest", 1)
		if sort == "newest" {
			other = second + "&sort=oldest"
		}
		if sort == "oldest" {
			other = strings.Replace(second, "sort=oldest", "sort=priority", 1)
		}
		if res := d.camille.get(other); res.StatusCode != 200 || len(rows(res)) != 50 {
			t.Errorf("%s: a cursor of another order: %d, %d rows", other, res.StatusCode, len(rows(res)))
		}
	}
}
