package report_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zoneinfo

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/report"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// desk is a desk with its default categories, one requester and the report service.
type desk struct {
	t        testing.TB
	d        *db.DB
	requests *request.Desk
	reports  *report.Service
	person   int64
	category map[string]int64
	number   int64
}

func newDesk(t testing.TB, d *db.DB) *desk {
	t.Helper()
	ctx := context.Background()
	log := audit.New(d)
	k := &desk{t: t, d: d, requests: request.New(d, log), reports: report.New(d), category: map[string]int64{}, number: 5000}
	if err := k.reports.Queries().Check(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := k.requests.EnsureDefaultCategories(ctx); err != nil {
		t.Fatal(err)
	}
	cats, err := k.requests.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		k.category[c.Name] = c.ID
	}
	p, err := people.New(d, log).Create(ctx, people.Input{FirstName: "Zoé", LastName: "Martin", Email: "zoe@x.fr"})
	if err != nil {
		t.Fatal(err)
	}
	k.person = p.ID
	return k
}

// req is a request as the fixture writes it; times are UTC, zero for none.
type req struct {
	title, category string
	channel         request.Channel
	confidential    bool
	created         time.Time
	firstResponse   time.Duration // after created; 0: not answered
	resolved        time.Duration // after created; 0: not resolved
	firstDue        time.Duration // after created; 0: no SLA
	resolutionDue   time.Duration
	rating          int
	comment         string
}

// add stores r directly, with every time it needs.
func (k *desk) add(r req) {
	k.t.Helper()
	k.number++
	after := func(d time.Duration) *time.Time {
		if d == 0 {
			return nil
		}
		t := r.created.Add(d)
		return &t
	}
	var cat *int64
	if id, ok := k.category[r.category]; ok {
		cat = &id
	} else if r.category != "" {
		k.t.Fatalf("no category %q", r.category)
	}
	status := "open"
	if r.resolved != 0 {
		status = "resolved"
	}
	var rating *int
	if r.rating != 0 {
		rating = &r.rating
	}
	if r.channel == "" {
		r.channel = request.Web
	}
	q := `INSERT INTO requests (number, title, requester_id, category_id, status, channel, confidential,
	        first_response_at, resolved_at, satisfaction, satisfaction_comment, created_at, updated_at,
	        first_response_due_at, resolution_due_at)
	      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14)`
	if k.d.Dialect == db.SQLite {
		q = strings.ReplaceAll(q, "$", "?")
	}
	_, err := k.d.W.Exec(q, k.number, r.title, k.person, cat, status, r.channel, r.confidential,
		after(r.firstResponse), after(r.resolved), rating, r.comment, r.created,
		after(r.firstDue), after(r.resolutionDue))
	if err != nil {
		k.t.Fatal(err)
	}
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

const (
	IT     = "IT & Wi-Fi"
	Locaux = "Locaux & maintenance"
	RH     = "RH & paie"
	Autre  = "Autre"
)

// november is a month of requests, with October before it. Paris is UTC+2 until 25/10/2026 and
// UTC+1 after, so November runs from 31/10 23:00 to 30/11 23:00 UTC.
func (k *desk) november() {
	m := time.Minute
	h := time.Hour
	// November.
	k.add(req{title: "Wi-Fi coupé", category: IT, created: utc("2026-10-31 23:30"), // Sunday 1/11 00:30 in Paris
		firstResponse: 20 * m, resolved: 2 * h, firstDue: h, resolutionDue: 8 * h, rating: 1, comment: "Merci !"})
	k.add(req{title: "Fuite cuisine", category: Locaux, channel: request.Email, created: utc("2026-11-03 09:00"),
		firstResponse: 40 * m, resolved: 24 * h, firstDue: 30 * m, resolutionDue: 48 * h, rating: -1, comment: "Trop long"})
	k.add(req{title: "Erreur sur ma fiche de paie", category: RH, confidential: true, created: utc("2026-11-04 10:00"),
		firstResponse: 10 * m, resolved: 3 * h, firstDue: h, resolutionDue: 8 * h, rating: 1, comment: "Ma paie est enfin juste"})
	k.add(req{title: "Imprimante", category: IT, created: utc("2026-11-10 08:00"), firstDue: h, resolutionDue: 48 * h})
	k.add(req{title: "Écran", category: IT, channel: request.Slack, created: utc("2026-11-30 22:30"), // Monday 30/11 23:30
		firstDue: 5 * 24 * h, resolutionDue: 8 * 24 * h})
	k.add(req{title: "Question", created: utc("2026-11-15 23:30"), // Monday 16/11 00:30 in Paris: week 47
		firstResponse: 90 * m, resolved: 2 * h})
	// December in Paris, though still 30/11 in UTC.
	k.add(req{title: "Souris", category: IT, created: utc("2026-11-30 23:30"), firstResponse: 5 * m, firstDue: h})
	// October, some resolved in November.
	k.add(req{title: "Plante", category: Autre, created: utc("2026-10-20 10:00"), resolved: 16 * 24 * h})
	k.add(req{title: "Clé", category: IT, created: utc("2026-10-15 08:00"), firstResponse: h, resolved: 5 * h, firstDue: h})
	k.add(req{title: "Stylos", category: "Fournitures", created: utc("2026-09-30 22:30"), // 1/10 00:30 in Paris
		resolved: 9*h + 30*m})
	k.add(req{title: "Chauffage", category: Locaux, channel: request.Email, created: utc("2026-10-31 22:30"), // 31/10 23:30
		resolved: 35*h + 30*m}) // 02/11 10:00 UTC
}

func TestReportFigures(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		k.november()
		k.reports.SetClock(func() time.Time { return utc("2026-12-02 12:00") })
		p, err := report.NewPeriod(day("2026-11-01"), day("2026-11-30"), nil)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := k.reports.Report(context.Background(), p, report.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Previous.String() != "01/10/2026 – 31/10/2026" {
			t.Errorf("previous period %s", rep.Previous)
		}
		cur := rep.Current
		if cur.Received != 6 || cur.Resolved != 6 || cur.OpenAtEnd != 2 {
			t.Errorf("received %d resolved %d open %d; want 6, 6, 2", cur.Received, cur.Resolved, cur.OpenAtEnd)
		}
		if f := cur.FirstResponse; f != (report.Durations{Count: 4, Median: 30 * time.Minute, P90: 90 * time.Minute}) {
			t.Errorf("first response %+v", f)
		}
		if f := cur.Resolution; f != (report.Durations{Count: 4, Median: 150 * time.Minute, P90: 24 * time.Hour}) {
			t.Errorf("resolution %+v", f)
		}
		// First response: Wi-Fi and payslip in time, the leak late, the printer never answered
		// and overdue; the screen's target is still running and the question has none.
		if a := cur.SLAFirstResponse; a != (report.Attainment{Met: 2, Total: 4}) {
			t.Errorf("first response SLA %+v", a)
		}
		if a := cur.SLAResolution; a != (report.Attainment{Met: 3, Total: 4}) {
			t.Errorf("resolution SLA %+v", a)
		}
		if a := cur.SLA(); a.Percent() != 62 {
			t.Errorf("SLA %+v = %d %%", a, a.Percent())
		}
		if s := cur.Satisfaction; s != (report.Satisfaction{Up: 2, Down: 1}) || s.Percent() != 67 {
			t.Errorf("satisfaction %+v", s)
		}

		prior := rep.Prior
		if prior.Received != 4 || prior.Resolved != 2 || prior.OpenAtEnd != 2 {
			t.Errorf("October: received %d resolved %d open %d; want 4, 2, 2", prior.Received, prior.Resolved, prior.OpenAtEnd)
		}
		if f := prior.FirstResponse; f.Median != time.Hour || prior.SLAFirstResponse != (report.Attainment{Met: 1, Total: 1}) {
			t.Errorf("October first response %+v, SLA %+v (answered exactly on time is in time)", f, prior.SLAFirstResponse)
		}

		// Weeks: the request of Sunday 1/11 00:30 (Paris) is in week 44, the one of Monday
		// 16/11 00:30 (Sunday 23:30 in UTC) in week 47, the one of Monday 30/11 23:30 in week 49.
		type cell struct {
			category           string
			received, resolved int
		}
		want := []struct {
			number, received, resolved int
			cells                      []cell
		}{
			{44, 1, 1, []cell{{IT, 1, 1}}},
			{45, 2, 4, []cell{{Locaux, 1, 2}, {RH, 1, 1}, {Autre, 0, 1}}},
			{46, 1, 0, []cell{{IT, 1, 0}}},
			{47, 1, 1, []cell{{"", 1, 1}}},
			{48, 0, 0, nil},
			{49, 1, 0, []cell{{IT, 1, 0}}},
		}
		if len(rep.Weeks) != len(want) {
			t.Fatalf("%d weeks, want %d", len(rep.Weeks), len(want))
		}
		for i, w := range want {
			got := rep.Weeks[i]
			if got.Number != w.number || got.Year != 2026 || got.Received != w.received || got.Resolved != w.resolved {
				t.Errorf("week %d: W%d received %d resolved %d; want W%d %d %d", i, got.Number, got.Received, got.Resolved, w.number, w.received, w.resolved)
			}
			var cells []cell
			for _, c := range got.Categories {
				cells = append(cells, cell{c.Category, c.Received, c.Resolved})
			}
			if len(cells) != len(w.cells) {
				t.Errorf("W%d categories %v, want %v", w.number, cells, w.cells)
				continue
			}
			for j := range cells {
				if cells[j] != w.cells[j] {
					t.Errorf("W%d categories %v, want %v", w.number, cells, w.cells)
				}
			}
		}
		if w := rep.Weeks[1]; w.FirstResponse.Median != 25*time.Minute || w.SLAFirstResponse != (report.Attainment{Met: 1, Total: 2}) {
			t.Errorf("W45 first response %+v, SLA %+v", w.FirstResponse, w.SLAFirstResponse)
		}
		if w := rep.Weeks[0]; w.Start != day("2026-10-26") || w.Categories[0].FirstResponse.Median != 20*time.Minute {
			t.Errorf("W44 %+v", w)
		}

		var top []string
		for _, c := range rep.Categories {
			top = append(top, c.Category+":"+strconv.Itoa(c.Received)+"/"+strconv.Itoa(c.PriorReceived))
		}
		if got := strings.Join(top, ", "); got != "IT & Wi-Fi:3/1, Locaux & maintenance:1/1, RH & paie:1/0, :1/0" {
			t.Errorf("categories %s", got)
		}
		var channels []string
		for _, c := range rep.Channels {
			channels = append(channels, string(c.Channel)+":"+strconv.Itoa(c.Received)+"/"+strconv.Itoa(c.PriorReceived))
		}
		if got := strings.Join(channels, ", "); got != "web:4/3, api:0/0, slack:1/0, email:1/1" {
			t.Errorf("channels %s", got)
		}

		// The payslip is counted everywhere above, and quoted nowhere.
		if len(rep.Comments) != 2 || rep.Comments[0].Text != "Trop long" || rep.Comments[0].Rating != -1 ||
			rep.Comments[1].Text != "Merci !" || rep.Comments[1].Title != "Wi-Fi coupé" || rep.Comments[1].Category != IT {
			t.Errorf("comments %+v", rep.Comments)
		}
		for _, c := range rep.Comments {
			if strings.Contains(c.Title, "paie") || strings.Contains(c.Text, "paie") {
				t.Errorf("a confidential request leaked into the comments: %+v", c)
			}
		}
		if rep.Deflected != nil {
			t.Error("the bible does not measure deflections yet: the report must not claim a number")
		}
	})
}

func TestReportFilters(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		k.november()
		k.reports.SetClock(func() time.Time { return utc("2026-12-02 12:00") })
		p, _ := report.NewPeriod(day("2026-11-01"), day("2026-11-30"), nil)
		ctx := context.Background()
		it, err := k.reports.Report(ctx, p, report.Filter{CategoryID: k.category[IT]})
		if err != nil {
			t.Fatal(err)
		}
		if it.Current.Received != 3 || it.Current.Resolved != 1 || it.Current.OpenAtEnd != 2 || it.Prior.Received != 1 || len(it.Comments) != 1 {
			t.Errorf("IT only: %+v, prior %+v, %d comments", it.Current, it.Prior, len(it.Comments))
		}
		email, err := k.reports.Report(ctx, p, report.Filter{Channel: request.Email})
		if err != nil {
			t.Fatal(err)
		}
		if email.Current.Received != 1 || email.Current.Resolved != 2 || email.Prior.Received != 1 {
			t.Errorf("email only: %+v", email.Current)
		}
	})
}

// TestReportReadsTheDesk files, answers and resolves a request through the desk, as people do,
// and reads the times back from the report.
func TestReportReadsTheDesk(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		ctx := context.Background()
		now := utc("2026-11-16 22:50") // Monday 23:50 in Paris
		k.requests.SetClock(func() time.Time { return now })
		r, err := k.requests.Create(ctx, request.NewRequest{Title: "Badge perdu", RequesterEmail: "zoe@x.fr", Category: IT})
		if err != nil {
			t.Fatal(err)
		}
		u, err := auth.New(d, audit.New(d)).CreateUser(ctx, auth.NewUser{Email: "camille@x.fr", Name: "Camille", Role: auth.Admin})
		if err != nil {
			t.Fatal(err)
		}
		camille := request.Viewer{UserID: u.ID, Name: "Camille", Role: auth.Admin}
		now = now.Add(25 * time.Minute) // Tuesday 00:15 in Paris
		if _, err := k.requests.Reply(ctx, camille, r.Number, "Je m'en occupe.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		now = now.Add(3 * time.Hour)
		resolved := request.StatusResolved
		if _, err := k.requests.Update(ctx, camille, r.Number, request.Change{Status: &resolved}); err != nil {
			t.Fatal(err)
		}
		p, _ := report.NewPeriod(day("2026-11-16"), day("2026-11-22"), nil)
		rep, err := k.reports.Report(ctx, p, report.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		c := rep.Current
		if c.Received != 1 || c.Resolved != 1 || c.FirstResponse.Median != 25*time.Minute || c.Resolution.Median != 205*time.Minute {
			t.Errorf("%+v", c)
		}
		if len(rep.Weeks) != 1 || rep.Weeks[0].Number != 47 || rep.Weeks[0].Received != 1 {
			t.Errorf("weeks %+v", rep.Weeks)
		}
	})
}
