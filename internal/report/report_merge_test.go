package report_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/report"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// merged stores r, then merges it into request into after `after`, as request.Desk.Merge leaves
// a duplicate: merged into the survivor, closed (and so resolved) at the time of the merge.
func (k *desk) merged(r req, after time.Duration, into int64) {
	k.t.Helper()
	r.resolved = after
	k.add(r)
	q := `UPDATE requests SET status = 'closed', closed_at = resolved_at,
	        merged_into_id = (SELECT id FROM requests WHERE number = $2) WHERE number = $1`
	if k.d.Dialect == db.SQLite {
		q = strings.ReplaceAll(q, "$", "?")
	}
	if _, err := k.d.W.Exec(q, k.number, into); err != nil {
		k.t.Fatal(err)
	}
}

// TestReportMerged adds to November's requests four duplicates merged into others and one the
// bible solved: two duplicates received in November (one answered within a quarter of an hour,
// its target in time, one rated 👎), one in October, and one received on 31/10 at 23:40 (Paris)
// and merged half an hour later, in November. The duplicates are received and counted apart,
// beside the bible's, and change nothing else: not the resolved, the times, the SLA, the
// satisfaction, nor what is open.
func TestReportMerged(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		k.november()
		survivor := k.number - 10 // "Wi-Fi coupé", the first of November
		m := time.Minute
		k.merged(req{title: "Wi-Fi coupé aussi", category: IT, created: utc("2026-11-02 10:00"), // week 45
			firstResponse: 15 * m, firstDue: time.Hour, resolutionDue: 8 * time.Hour}, 30*m, survivor)
		k.merged(req{title: "Fuite encore", category: Locaux, created: utc("2026-11-11 09:00"), // week 46
			rating: -1, firstDue: 30 * m, resolutionDue: time.Hour}, 10*m, survivor)
		k.merged(req{title: "Clé perdue", category: IT, created: utc("2026-10-16 08:00")}, time.Hour, survivor) // October
		k.merged(req{title: "Horaires", category: Autre, created: utc("2026-10-31 22:40")}, 30*m, survivor)     // open at the end of October
		k.withdrawn("Code Wi-Fi invités", IT, utc("2026-11-05 09:00"), 10*m)                                    // week 45
		k.reports.SetClock(func() time.Time { return utc("2026-12-02 12:00") })
		p, _ := report.NewPeriod(day("2026-11-01"), day("2026-11-30"), nil)
		rep, err := k.reports.Report(context.Background(), p, report.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		cur, old := rep.Current, rep.Prior
		if cur.Received != 9 || cur.Merged != 2 || cur.SolvedByBible != 1 || cur.Resolved != 6 || cur.OpenAtEnd != 2 || cur.MergedPercent() != 22 {
			t.Errorf("November: received %d, merged %d (%d %%), by the bible %d, resolved %d, open %d; want 9, 2 (22 %%), 1, 6, 2",
				cur.Received, cur.Merged, cur.MergedPercent(), cur.SolvedByBible, cur.Resolved, cur.OpenAtEnd)
		}
		if old.Received != 6 || old.Merged != 2 || old.SolvedByBible != 0 || old.Resolved != 2 || old.OpenAtEnd != 3 || old.MergedPercent() != 33 {
			t.Errorf("October: received %d, merged %d (%d %%), by the bible %d, resolved %d, open %d; want 6, 2 (33 %%), 0, 2, 3",
				old.Received, old.Merged, old.MergedPercent(), old.SolvedByBible, old.Resolved, old.OpenAtEnd)
		}
		// The same times, SLA and satisfaction as without them (TestReportFigures).
		if f := cur.FirstResponse; f != (report.Durations{Count: 4, Median: 30 * time.Minute, P90: 90 * time.Minute}) {
			t.Errorf("first response %+v", f)
		}
		if f := cur.Resolution; f != (report.Durations{Count: 4, Median: 150 * time.Minute, P90: 24 * time.Hour}) {
			t.Errorf("resolution %+v", f)
		}
		if a, b := cur.SLAFirstResponse, cur.SLAResolution; a != (report.Attainment{Met: 2, Total: 4}) || b != (report.Attainment{Met: 3, Total: 4}) {
			t.Errorf("SLA first %+v, resolution %+v", a, b)
		}
		if s := cur.Satisfaction; s != (report.Satisfaction{Up: 2, Down: 1}) {
			t.Errorf("satisfaction %+v", s)
		}
		if old.Resolution.Count != 4 || old.FirstResponse.Count != 1 {
			t.Errorf("October resolution %+v, first response %+v", old.Resolution, old.FirstResponse)
		}

		var weeks []string
		for _, w := range rep.Weeks {
			weeks = append(weeks, "W"+strconv.Itoa(w.Number)+":"+strconv.Itoa(w.Received)+"/"+strconv.Itoa(w.SolvedByBible)+
				"/"+strconv.Itoa(w.Merged)+"/"+strconv.Itoa(w.Resolved))
		}
		if got := strings.Join(weeks, " "); got != "W44:1/0/0/1 W45:4/1/1/4 W46:2/0/1/0 W47:1/0/0/1 W48:0/0/0/0 W49:1/0/0/0" {
			t.Errorf("weeks (received/bible/merged/resolved) %s", got)
		}
		var cells []string
		for _, c := range rep.Weeks[1].Categories {
			cells = append(cells, c.Category+":"+strconv.Itoa(c.Received)+"/"+strconv.Itoa(c.Merged)+"/"+strconv.Itoa(c.Resolved))
		}
		if got := strings.Join(cells, ", "); got != "IT & Wi-Fi:2/1/0, Locaux & maintenance:1/0/2, RH & paie:1/0/1, Autre:0/0/1" {
			t.Errorf("W45 categories (received/merged/resolved) %s", got)
		}
		var top []string
		for _, c := range rep.Categories {
			top = append(top, c.Category+":"+strconv.Itoa(c.Received)+"/"+strconv.Itoa(c.Merged)+
				" before "+strconv.Itoa(c.PriorReceived)+"/"+strconv.Itoa(c.PriorMerged))
		}
		if got := strings.Join(top, ", "); got != "IT & Wi-Fi:5/1 before 2/1, Locaux & maintenance:2/1 before 1/0, RH & paie:1/0 before 0/0, :1/0 before 0/0" {
			t.Errorf("categories %s", got)
		}

		it, err := k.reports.Report(context.Background(), p, report.Filter{CategoryID: k.category[IT]})
		if err != nil {
			t.Fatal(err)
		}
		if c := it.Current; c.Received != 5 || c.Merged != 1 || c.SolvedByBible != 1 || c.Resolved != 1 || c.OpenAtEnd != 2 ||
			c.FirstResponse.Count != 1 || c.SLAFirstResponse.Total != 2 {
			t.Errorf("IT only: %+v", c)
		}
		if o := it.Prior; o.Received != 2 || o.Merged != 1 || o.Resolved != 1 || o.OpenAtEnd != 0 {
			t.Errorf("IT only, October: %+v", o)
		}
	})
}

// TestReportMergedThroughTheDesk merges a request as an agent does on the desk, and finds it
// counted apart: the mark is the one the desk really leaves.
func TestReportMergedThroughTheDesk(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		ctx := context.Background()
		now := utc("2026-11-17 09:00")
		k.requests.SetClock(func() time.Time { return now })
		u, err := auth.New(d, audit.New(d)).CreateUser(ctx, auth.NewUser{Email: "camille@x.fr", Name: "Camille", Role: auth.Admin})
		if err != nil {
			t.Fatal(err)
		}
		camille := request.Viewer{UserID: u.ID, Name: "Camille", Role: auth.Admin}
		if _, err := people.New(d, audit.New(d)).Create(ctx, people.Input{FirstName: "Léo", LastName: "Petit", Email: "leo@x.fr"}); err != nil {
			t.Fatal(err)
		}
		first, err := k.requests.Create(ctx, request.NewRequest{Title: "Imprimante en panne", RequesterEmail: "zoe@x.fr", Category: IT})
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(5 * time.Minute)
		dup, err := k.requests.Create(ctx, request.NewRequest{Title: "L'imprimante ne répond plus", RequesterEmail: "leo@x.fr", Category: IT})
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Minute)
		if _, err := k.requests.Merge(ctx, camille, dup.Number, first.Number); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		if _, err := k.requests.Reply(ctx, camille, first.Number, "Le technicien arrive.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		k.reports.SetClock(func() time.Time { return now })
		p, _ := report.NewPeriod(day("2026-11-16"), day("2026-11-22"), nil)
		rep, err := k.reports.Report(ctx, p, report.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		// The duplicate, closed two minutes after it came in, is neither resolved nor timed: the
		// survivor is still open and its resolution target still running.
		c := rep.Current
		if c.Received != 2 || c.Merged != 1 || c.SolvedByBible != 0 || c.Resolved != 0 || c.OpenAtEnd != 1 ||
			c.Resolution.Count != 0 || c.SLAResolution != (report.Attainment{}) || c.FirstResponse.Count != 1 {
			t.Errorf("%+v", c)
		}
		// The merge's note does not answer the survivor's requester: its first response is the
		// technician's reply, 1 h 07 after it came in, not the merge 7 minutes after.
		if c.FirstResponse.Median != 67*time.Minute {
			t.Errorf("first response %v, want 1h07m (the reply, not the merge note)", c.FirstResponse.Median)
		}
	})
}
