package api_test

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// TestRequestListSortSiteAndDates lists requests by site, by days of filing (days in Paris)
// and in each order, page by page with the cursors handed out, which belong to their order.
func TestRequestListSortSiteAndDates(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		ctx := context.Background()
		if _, err := k.People.Create(ctx, people.Input{FirstName: "Léa", LastName: "Roux", Email: "lea.roux@exemple.fr", Site: "Lyon"}); err != nil {
			t.Fatal(err)
		}
		at := func(tm time.Time) { k.Requests.SetClock(func() time.Time { return tm }) }
		zoe := "zoe.thomas@exemple.fr"
		at(time.Date(2026, 3, 9, 22, 59, 0, 0, time.UTC)) // 9 March, 23:59 in Paris
		a := k.file(request.NewRequest{Title: "Étagère", RequesterEmail: "lea.roux@exemple.fr", Priority: request.Low})
		at(time.Date(2026, 3, 9, 23, 30, 0, 0, time.UTC)) // 10 March, 00:30 in Paris
		b := k.file(request.NewRequest{Title: "Fuite", RequesterEmail: zoe, Priority: request.Urgent})
		at(time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC))
		c := k.file(request.NewRequest{Title: "Badge", RequesterEmail: "lea.roux@exemple.fr", Priority: request.Normal})
		e := k.file(request.NewRequest{Title: "Écran", RequesterEmail: zoe, Priority: request.Urgent})
		f := k.file(request.NewRequest{Title: "Chaise", RequesterEmail: zoe, Priority: request.High})

		list := func(t *testing.T, query string) requestListJSON {
			t.Helper()
			r := k.do(call{method: "GET", path: "/api/v1/requests?" + query, token: k.admin})
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", query, r.Status, r.Body)
			}
			var l requestListJSON
			r.decode(t, &l)
			return l
		}
		for _, tt := range []struct {
			query string
			want  []int64
		}{
			{"site=" + url.QueryEscape("LYON"), []int64{c.Number, a.Number}},
			{"site=Marseille", nil},
			{"created_from=2026-03-10&created_to=2026-03-10", []int64{b.Number}},
			{"created_to=09/03/2026", []int64{a.Number}},
			{"created_from=2026-03-10&sort=oldest", []int64{b.Number, c.Number, e.Number, f.Number}},
			{"sort=priority", []int64{e.Number, b.Number, f.Number, c.Number, a.Number}},
			{"sort=newest", []int64{f.Number, e.Number, c.Number, b.Number, a.Number}},
			{"site=lyon&sort=priority", []int64{c.Number, a.Number}},
		} {
			t.Run(tt.query, func(t *testing.T) {
				l := list(t, tt.query)
				if got := l.numbers(); !slices.Equal(got, tt.want) || l.NextCursor != nil {
					t.Errorf("got %v (next %s), want %v", got, deref(l.NextCursor), tt.want)
				}
			})
		}

		// Each order page by page: the cursors carry the order, so pages neither repeat nor skip.
		for _, sort := range []string{"newest", "oldest", "priority", "due"} {
			t.Run("pages "+sort, func(t *testing.T) {
				want := list(t, "sort="+sort).numbers()
				var got []int64
				query := "limit=2&sort=" + sort
				for pages := 0; ; pages++ {
					if pages > 3 {
						t.Fatal("more than 3 pages for 5 requests by 2")
					}
					l := list(t, query)
					got = append(got, l.numbers()...)
					if l.NextCursor == nil {
						break
					}
					query = "limit=2&sort=" + sort + "&cursor=" + url.QueryEscape(*l.NextCursor)
				}
				if len(want) != 5 || !slices.Equal(got, want) {
					t.Errorf("pages %v, want %v", got, want)
				}
			})
		}
		// The default order's cursors are numbers, as they always were.
		if l := list(t, "limit=2"); l.NextCursor == nil || *l.NextCursor != itoa(e.Number) {
			t.Errorf("default cursor: %s", deref(l.NextCursor))
		}
		if got := list(t, "limit=2&cursor="+itoa(e.Number)).numbers(); !slices.Equal(got, []int64{c.Number, b.Number}) {
			t.Errorf("a number as cursor: %v", got)
		}
		priorityCursor := *list(t, "limit=2&sort=priority").NextCursor

		bad := []struct {
			query, param string
			docRejects   bool
		}{
			{"sort=random", "sort", true},
			{"created_from=31/02/2026", "created_from", false},
			{"created_to=demain", "created_to", false},
			{"created_from=2026-03-11&created_to=2026-03-10", "created_to", false},
			{"sort=due&cursor=" + url.QueryEscape(priorityCursor), "cursor", false},
			{"cursor=" + url.QueryEscape(priorityCursor), "cursor", false},
			{"sort=priority&cursor=" + itoa(e.Number), "cursor", false},
			{"site=Marseille&sort=oldest&cursor=abc", "cursor", false},
		}
		for _, tt := range bad {
			t.Run(tt.query, func(t *testing.T) {
				r := k.do(call{method: "GET", path: "/api/v1/requests?" + tt.query, token: k.admin, docRejects: tt.docRejects})
				p := problemOf(t, r, 400)
				if p.Type != "https://majordome.dev/problems/invalid-parameter" || p.fieldCode(tt.param) != "parameter_invalid" {
					t.Errorf("want parameter_invalid on %s: %s", tt.param, r.Body)
				}
			})
		}
	})
}
