package report_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/report"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// withdrawn stores a request its requester withdrew after minutes, because a guide of the bible
// answered them: closed, with the bible's deflection naming it, as request.Desk.Withdraw leaves
// it. Its SLA targets are an hour away and were never met by anyone.
func (k *desk) withdrawn(title, category string, created time.Time, after time.Duration) {
	k.t.Helper()
	k.add(req{title: title, category: category, channel: request.Slack, created: created, resolved: after,
		firstDue: 30 * time.Minute, resolutionDue: time.Hour})
	q := `UPDATE requests SET status = 'closed', closed_at = resolved_at WHERE number = $1`
	ins := `INSERT INTO article_deflections (text, created_at, channel, request_id)
	        SELECT title, resolved_at, 'slack', id FROM requests WHERE number = $1`
	if k.d.Dialect == db.SQLite {
		q, ins = strings.ReplaceAll(q, "$", "?"), strings.ReplaceAll(ins, "$", "?")
	}
	for _, s := range []string{q, ins} {
		if _, err := k.d.W.Exec(s, k.number); err != nil {
			k.t.Fatal(err)
		}
	}
}

// TestReportSolvedByBible adds to November's requests four that the bible solved: two in
// November, one in October, and one received on 31/10 at 23:50 (Paris) and withdrawn twenty
// minutes later, in November. They are received and counted apart, and change nothing else:
// not the resolved, not the times, not the SLA, not what is open.
func TestReportSolvedByBible(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		k.november()
		k.withdrawn("Code Wi-Fi invités", IT, utc("2026-11-05 09:00"), 10*time.Minute)      // week 45
		k.withdrawn("Réserver une salle", Locaux, utc("2026-11-10 12:00"), 5*time.Minute)   // week 46
		k.withdrawn("Imprimer en couleur", IT, utc("2026-10-20 09:00"), 3*time.Minute)      // October
		k.withdrawn("Horaires du bâtiment", Autre, utc("2026-10-31 22:50"), 20*time.Minute) // open at the end of October
		k.reports.SetClock(func() time.Time { return utc("2026-12-02 12:00") })
		p, _ := report.NewPeriod(day("2026-11-01"), day("2026-11-30"), nil)
		rep, err := k.reports.Report(context.Background(), p, report.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		cur, old := rep.Current, rep.Prior
		if cur.Received != 8 || cur.SolvedByBible != 2 || cur.Resolved != 6 || cur.OpenAtEnd != 2 || cur.BiblePercent() != 25 {
			t.Errorf("November: received %d, by the bible %d (%d %%), resolved %d, open %d; want 8, 2 (25 %%), 6, 2",
				cur.Received, cur.SolvedByBible, cur.BiblePercent(), cur.Resolved, cur.OpenAtEnd)
		}
		if old.Received != 6 || old.SolvedByBible != 2 || old.Resolved != 2 || old.OpenAtEnd != 3 || old.BiblePercent() != 33 {
			t.Errorf("October: received %d, by the bible %d (%d %%), resolved %d, open %d; want 6, 2 (33 %%), 2, 3",
				old.Received, old.SolvedByBible, old.BiblePercent(), old.Resolved, old.OpenAtEnd)
		}
		// The same times and SLA as without them (TestReportFigures).
		if f := cur.FirstResponse; f != (report.Durations{Count: 4, Median: 30 * time.Minute, P90: 90 * time.Minute}) {
			t.Errorf("first response %+v", f)
		}
		if f := cur.Resolution; f != (report.Durations{Count: 4, Median: 150 * time.Minute, P90: 24 * time.Hour}) {
			t.Errorf("resolution %+v", f)
		}
		if a, b := cur.SLAFirstResponse, cur.SLAResolution; a != (report.Attainment{Met: 2, Total: 4}) || b != (report.Attainment{Met: 3, Total: 4}) {
			t.Errorf("SLA first %+v, resolution %+v", a, b)
		}
		if f, a := old.FirstResponse, old.SLAFirstResponse; f.Count != 1 || a != (report.Attainment{Met: 1, Total: 1}) {
			t.Errorf("October first response %+v, SLA %+v", f, a)
		}
		if old.Resolution.Count != 4 || old.SLAResolution.Total != 0 {
			t.Errorf("October resolution %+v, SLA %+v", old.Resolution, old.SLAResolution)
		}

		var weeks []string
		for _, w := range rep.Weeks {
			weeks = append(weeks, "W"+strconv.Itoa(w.Number)+":"+strconv.Itoa(w.Received)+"/"+strconv.Itoa(w.SolvedByBible)+"/"+strconv.Itoa(w.Resolved))
		}
		if got := strings.Join(weeks, " "); got != "W44:1/0/1 W45:3/1/4 W46:2/1/0 W47:1/0/1 W48:0/0/0 W49:1/0/0" {
			t.Errorf("weeks (received/bible/resolved) %s", got)
		}
		var cells []string
		for _, c := range rep.Weeks[1].Categories {
			cells = append(cells, c.Category+":"+strconv.Itoa(c.Received)+"/"+strconv.Itoa(c.SolvedByBible)+"/"+strconv.Itoa(c.Resolved))
		}
		if got := strings.Join(cells, ", "); got != "IT & Wi-Fi:1/1/0, Locaux & maintenance:1/0/2, RH & paie:1/0/1, Autre:0/0/1" {
			t.Errorf("W45 categories %s", got)
		}
		var top []string
		for _, c := range rep.Categories {
			top = append(top, c.Category+":"+strconv.Itoa(c.Received)+"/"+strconv.Itoa(c.SolvedByBible)+
				" before "+strconv.Itoa(c.PriorReceived)+"/"+strconv.Itoa(c.PriorSolvedByBible))
		}
		if got := strings.Join(top, ", "); got != "IT & Wi-Fi:4/1 before 2/1, Locaux & maintenance:2/1 before 1/0, RH & paie:1/0 before 0/0, :1/0 before 0/0" {
			t.Errorf("categories %s", got)
		}

		it, err := k.reports.Report(context.Background(), p, report.Filter{CategoryID: k.category[IT]})
		if err != nil {
			t.Fatal(err)
		}
		if c := it.Current; c.Received != 4 || c.SolvedByBible != 1 || c.Resolved != 1 || c.OpenAtEnd != 2 || c.SLAFirstResponse.Total != 2 {
			t.Errorf("IT only: %+v", c)
		}
	})
}

// TestReportSolvedByBibleThroughTheDesk withdraws a request as the Slack button and the email
// link do, and finds it counted apart: the mark is the one the desk and the bible really leave.
func TestReportSolvedByBibleThroughTheDesk(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		ctx := context.Background()
		log := audit.New(d)
		now := utc("2026-11-17 09:00")
		k.requests.SetClock(func() time.Time { return now })
		bible := article.New(d, log)
		bible.SetClock(func() time.Time { return now })
		u, err := auth.New(d, log).CreateUser(ctx, auth.NewUser{Email: "camille@x.fr", Name: "Camille", Role: auth.Admin})
		if err != nil {
			t.Fatal(err)
		}
		guide, err := bible.Create(ctx, article.Viewer{UserID: u.ID, Name: "Camille", Role: auth.Admin},
			article.Article{Title: "Wi-Fi invités", Body: "Le code est au dos du badge."})
		if err != nil {
			t.Fatal(err)
		}
		answered, err := k.requests.Create(ctx, request.NewRequest{Title: "Écran", RequesterEmail: "zoe@x.fr", Category: IT})
		if err != nil {
			t.Fatal(err)
		}
		wifi, err := k.requests.Create(ctx, request.NewRequest{Title: "Code Wi-Fi", RequesterEmail: "zoe@x.fr", Category: IT})
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Minute)
		zoe := request.Viewer{PersonID: k.person, Name: "Zoé", Role: auth.Employee}
		reader := article.Viewer{PersonID: k.person, Name: "Zoé", Role: auth.Employee}
		if _, err := k.requests.Withdraw(ctx, zoe, wifi.Number, "Réglé grâce à « Wi-Fi invités »", request.Slack,
			func(tx *sql.Tx, r request.Request) error {
				return bible.DeflectTx(ctx, tx, reader, guide, r.Title, article.ChannelSlack, r.ID)
			}); err != nil {
			t.Fatal(err)
		}
		camille := request.Viewer{UserID: u.ID, Name: "Camille", Role: auth.Admin}
		now = now.Add(time.Hour)
		if _, err := k.requests.Reply(ctx, camille, answered.Number, "Je vous en apporte un.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		p, _ := report.NewPeriod(day("2026-11-16"), day("2026-11-22"), nil)
		rep, err := k.reports.Report(ctx, p, report.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		c := rep.Current
		if c.Received != 2 || c.SolvedByBible != 1 || c.Resolved != 0 || c.OpenAtEnd != 1 || c.Resolution.Count != 0 ||
			c.FirstResponse.Count != 1 || c.FirstResponse.Median != 62*time.Minute {
			t.Errorf("%+v", c)
		}
	})
}
