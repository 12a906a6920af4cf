package request_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/search"
	"majordome/internal/testutil"
)

func day(t *testing.T, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// numbersOf lists the numbers of a page's requests.
func numbersOf(items []request.Request) []int64 {
	out := []int64{}
	for _, r := range items {
		out = append(out, r.Number)
	}
	return out
}

// TestListSiteAndDates filters the queue by the requester's site and by the days of filing,
// days as lived in Paris: a request filed at 00:30 in Paris, still the day before in UTC, is
// of the Paris day. List, Count and a search agree.
func TestListSiteAndDates(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		o.desk.WithSearch(search.New(d))
		ctx := context.Background()
		dir := people.New(d, o.log)
		for _, in := range []people.Input{
			{FirstName: "Léa", LastName: "Lyon", Email: "lea@x.fr", Site: "Lyon"},
			{FirstName: "Paul", LastName: "Paris", Email: "paul@x.fr", Site: "Paris"},
		} {
			if _, err := dir.Create(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		sites, err := dir.Sites(ctx)
		if err != nil {
			t.Fatal(err)
		}
		siteID := map[string]int64{}
		for _, s := range sites {
			siteID[s.Name] = s.ID
		}
		if siteID["Lyon"] == 0 || siteID["Paris"] == 0 {
			t.Fatalf("sites: %+v", sites)
		}

		// In March, Paris is UTC+1; in July, UTC+2.
		file := func(at time.Time, title, email string, confidential bool) int64 {
			t.Helper()
			o.desk.SetClock(func() time.Time { return at })
			r, err := o.desk.Create(ctx, request.NewRequest{Title: title, RequesterEmail: email, Confidential: &confidential})
			if err != nil {
				t.Fatal(err)
			}
			return r.Number
		}
		n1 := file(time.Date(2026, 3, 9, 22, 59, 0, 0, time.UTC), "Imprimante Lyon", "lea@x.fr", false)   // 9 March, 23:59 in Paris
		n2 := file(time.Date(2026, 3, 9, 23, 30, 0, 0, time.UTC), "Imprimante Paris", "paul@x.fr", false) // 10 March, 00:30 in Paris
		n3 := file(time.Date(2026, 3, 10, 22, 30, 0, 0, time.UTC), "Imprimante paie", "lea@x.fr", true)   // 10 March, 23:30; confidential
		n4 := file(time.Date(2026, 7, 1, 21, 59, 0, 0, time.UTC), "Imprimante été", "zoe@x.fr", false)    // 1 July, 23:59 in Paris
		n5 := file(time.Date(2026, 7, 1, 22, 0, 0, 0, time.UTC), "Imprimante juillet", "lea@x.fr", false) // 2 July, 00:00 in Paris
		o.desk.SetClock(func() time.Time { return time.Date(2026, 7, 3, 9, 0, 0, 0, time.UTC) })

		cases := []struct {
			name string
			who  request.Viewer
			f    request.Filter
			want []int64
		}{
			{"site Lyon", o.camille, request.Filter{SiteID: siteID["Lyon"]}, []int64{n5, n3, n1}},
			{"site Lyon, agent misses the confidential one", o.jerome, request.Filter{SiteID: siteID["Lyon"]}, []int64{n5, n1}},
			{"site Paris", o.camille, request.Filter{SiteID: siteID["Paris"]}, []int64{n2}},
			{"a site nobody works at", o.camille, request.Filter{SiteID: 999999}, nil},
			{"10 March in Paris", o.camille, request.Filter{CreatedFrom: day(t, "10/03/2026"), CreatedTo: day(t, "2026-03-10")}, []int64{n3, n2}},
			{"9 March in Paris", o.camille, request.Filter{CreatedFrom: day(t, "09/03/2026"), CreatedTo: day(t, "09/03/2026")}, []int64{n1}},
			{"from 10 March", o.camille, request.Filter{CreatedFrom: day(t, "10/03/2026")}, []int64{n5, n4, n3, n2}},
			{"up to 1 July, summer time", o.camille, request.Filter{CreatedTo: day(t, "01/07/2026")}, []int64{n4, n3, n2, n1}},
			{"from 2 July, summer time", o.camille, request.Filter{CreatedFrom: day(t, "02/07/2026")}, []int64{n5}},
			{"in UTC, 9 March holds both", o.camille, request.Filter{CreatedFrom: day(t, "09/03/2026"), CreatedTo: day(t, "09/03/2026"), Location: time.UTC}, []int64{n2, n1}},
			{"end before start", o.camille, request.Filter{CreatedFrom: day(t, "10/03/2026"), CreatedTo: day(t, "09/03/2026")}, nil},
			{"site and days", o.camille, request.Filter{SiteID: siteID["Lyon"], CreatedFrom: day(t, "10/03/2026"), CreatedTo: day(t, "30/06/2026")}, []int64{n3}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p, err := o.desk.List(ctx, c.who, c.f)
				if err != nil {
					t.Fatal(err)
				}
				if got := numbersOf(p.Items); !slices.Equal(got, append([]int64{}, c.want...)) {
					t.Errorf("list: %v, want %v", got, c.want)
				}
				n, err := o.desk.Count(ctx, c.who, c.f)
				if err != nil || n != len(c.want) {
					t.Errorf("count: %d, %v; want %d", n, err, len(c.want))
				}
				// The same filters over search results: every request above says "Imprimante".
				c.f.Text = "imprimante"
				s, err := o.desk.List(ctx, c.who, c.f)
				if err != nil {
					t.Fatal(err)
				}
				got := numbersOf(s.Items)
				slices.Sort(got)
				want := append([]int64{}, c.want...)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("search: %v, want %v", got, want)
				}
			})
		}
	})
}

// TestListSortsPageWithTies walks every order page by page, two requests a page, over
// requests that tie on the sort key (same priority, same due time, no due time): each request
// comes once, in the order the test computes on its own, and a cursor is only good for its
// own order.
func TestListSortsPageWithTies(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		o.desk.WithSearch(search.New(d))
		ctx := context.Background()
		base := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
		dueA := base.Add(48 * time.Hour)
		dueB := base.Add(72*time.Hour + 123456*time.Microsecond) // below the second: the cursor keeps it
		type spec struct {
			p            request.Priority
			due          *time.Time
			confidential bool
		}
		specs := []spec{
			{request.Normal, &dueB, false}, {request.Urgent, nil, false}, {request.Low, &dueA, false},
			{request.Normal, &dueA, false}, {request.Urgent, &dueB, false}, {request.High, nil, false},
			{request.Normal, nil, false}, {request.Urgent, &dueA, true}, {request.Normal, &dueB, false},
			{request.High, &dueA, false}, {request.Normal, &dueA, false},
		}
		type row struct {
			number int64
			rank   int
			due    *time.Time
		}
		var all []row
		for i, s := range specs {
			o.desk.SetClock(func() time.Time { return base.Add(time.Duration(i) * time.Minute) })
			r, err := o.desk.Create(ctx, request.NewRequest{Title: fmt.Sprintf("Demande %d", i), RequesterEmail: "zoe@x.fr",
				Priority: s.p, Confidential: &s.confidential})
			if err != nil {
				t.Fatal(err)
			}
			// The due times are set by hand, so that several requests share one.
			q := "UPDATE requests SET resolution_due_at = $1 WHERE number = $2"
			if d.Dialect == db.SQLite {
				q = "UPDATE requests SET resolution_due_at = ?1 WHERE number = ?2"
			}
			var due any
			if s.due != nil {
				due = s.due.UTC()
			}
			if _, err := d.W.ExecContext(ctx, q, due, r.Number); err != nil {
				t.Fatal(err)
			}
			if !s.confidential {
				all = append(all, row{r.Number, slices.Index(request.Priorities, s.p), s.due})
			}
		}
		newest := func(a, b row) int { return cmp.Compare(b.number, a.number) }
		orders := map[request.Sort]func(a, b row) int{
			request.SortNewest: newest,
			"":                 newest,
			request.SortOldest: func(a, b row) int { return -newest(a, b) },
			request.SortPriority: func(a, b row) int {
				return cmp.Or(cmp.Compare(a.rank, b.rank), newest(a, b))
			},
			request.SortDue: func(a, b row) int {
				switch {
				case a.due == nil && b.due == nil:
					return newest(a, b)
				case a.due == nil:
					return 1
				case b.due == nil:
					return -1
				}
				return cmp.Or(a.due.Compare(*b.due), newest(a, b))
			},
		}
		cursors := map[request.Sort]string{}
		for sort, order := range orders {
			t.Run("sort "+string(sort), func(t *testing.T) {
				want := slices.Clone(all)
				slices.SortFunc(want, order)
				var wantNumbers []int64
				for _, r := range want {
					wantNumbers = append(wantNumbers, r.number)
				}
				var got []int64
				cursor := ""
				for page := 0; ; page++ {
					if page > len(all) {
						t.Fatal("endless pages")
					}
					p, err := o.desk.List(ctx, o.jerome, request.Filter{Sort: sort, Cursor: cursor, Limit: 2})
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, numbersOf(p.Items)...)
					if p.NextCursor == "" {
						break
					}
					if page == 0 {
						cursors[sort] = p.NextCursor
					}
					cursor = p.NextCursor
				}
				if !slices.Equal(got, wantNumbers) {
					t.Errorf("pages: %v, want %v", got, wantNumbers)
				}
				// One page of all: the same order.
				p, err := o.desk.List(ctx, o.jerome, request.Filter{Sort: sort})
				if err != nil || !slices.Equal(numbersOf(p.Items), wantNumbers) {
					t.Errorf("one page: %v, %v", numbersOf(p.Items), err)
				}
				// A search in this order gives its matches in the same order, the default
				// keeping the search's ranking.
				if sort != "" && sort != request.SortNewest {
					s, err := o.desk.List(ctx, o.jerome, request.Filter{Text: "demande", Sort: sort})
					if err != nil || !slices.Equal(numbersOf(s.Items), wantNumbers) {
						t.Errorf("search: %v, %v; want %v", numbersOf(s.Items), err, wantNumbers)
					}
				}
			})
		}
		// The default order's cursor is the number alone, as the API always handed it out.
		if c := cursors[request.SortNewest]; c != fmt.Sprint(all[len(all)-2].number) {
			t.Errorf("newest cursor %q", c)
		}
		// A cursor is good only for its own order; an edited one is refused.
		for _, tc := range []struct {
			sort   request.Sort
			cursor string
		}{
			{request.SortPriority, cursors[request.SortDue]},
			{request.SortDue, cursors[request.SortPriority]},
			{request.SortOldest, cursors[request.SortNewest]},
			{request.SortNewest, cursors[request.SortOldest]},
			{request.SortPriority, "priority.9.1003"},
			{request.SortDue, "due.demain.1003"},
			{request.SortNewest, "-4"},
			{request.SortNewest, "abc"},
		} {
			_, err := o.desk.List(ctx, o.jerome, request.Filter{Sort: tc.sort, Cursor: tc.cursor})
			if !errors.Is(err, request.ErrBadCursor) || !errors.Is(request.CheckCursor(tc.sort, tc.cursor), request.ErrBadCursor) {
				t.Errorf("%s with cursor %q: %v; want ErrBadCursor", tc.sort, tc.cursor, err)
			}
		}
		if _, err := o.desk.List(ctx, o.jerome, request.Filter{Sort: "random"}); err == nil {
			t.Error("an unknown order must be refused")
		}
		// A request filed between two pages does not shift the next page.
		p1, err := o.desk.List(ctx, o.jerome, request.Filter{Sort: request.SortPriority, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		urgent := request.Urgent
		if _, err := o.desk.Create(ctx, request.NewRequest{Title: "Nouvelle urgence", RequesterEmail: "zoe@x.fr", Priority: urgent}); err != nil {
			t.Fatal(err)
		}
		p2, err := o.desk.List(ctx, o.jerome, request.Filter{Sort: request.SortPriority, Limit: 3, Cursor: p1.NextCursor})
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{}
		byPriority := slices.Clone(all)
		slices.SortFunc(byPriority, orders[request.SortPriority])
		for _, r := range byPriority[3:6] {
			want = append(want, r.number)
		}
		if got := numbersOf(p2.Items); !slices.Equal(got, want) {
			t.Errorf("page 2 after a new urgent request: %v, want %v", got, want)
		}
	})
}
