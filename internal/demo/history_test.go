package demo

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/report"
	"majordome/internal/request"
	"majordome/internal/search"
	"majordome/internal/testutil"
)

// services is what serve --demo hands the demo, on d: the desk's default categories and rules
// are there, as app.Open makes them.
func services(t *testing.T, d *db.DB, dir *people.Directory) Services {
	t.Helper()
	ctx := context.Background()
	log := audit.New(d)
	desk := request.New(d, log)
	if err := desk.EnsureDefaultCategories(ctx); err != nil {
		t.Fatal(err)
	}
	if err := desk.EnsureDefaultRules(ctx); err != nil {
		t.Fatal(err)
	}
	return Services{DB: d, Audit: log, People: dir, Auth: auth.New(d, log), Search: search.New(d)}
}

// TestFillWritesAHistory checks the weeks of the desk the demo writes: on the reports, about
// one request in ten solved by the bible (in Slack and by email, with portal questions beside),
// the Wi-Fi outage of Lyon and Pauline's second request merged, and Zoé following the request
// hers was merged into. The seed and the clock make every count exact.
func TestFillWritesAHistory(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dir := newDir(t, d)
		s := services(t, d, dir)
		paris, _ := time.LoadLocation("Europe/Paris")
		now := time.Date(2026, time.November, 22, 15, 0, 0, 0, paris) // a Sunday
		today := civil.Of(now)

		start := time.Now()
		if _, err := fill(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		t.Logf("demo company and history written in %v", time.Since(start))

		reports := report.New(d)
		reports.SetClock(func() time.Time { return now })
		bible := article.New(d, s.Audit)
		type figures struct{ received, bible, merged, resolved, deflected, portal, slack, email int }
		measure := func(preset string) figures {
			p, _ := report.Preset(preset, today, paris)
			rep, err := reports.Report(ctx, p, report.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			by, err := bible.DeflectionsByChannel(ctx, p.Start(), p.End())
			if err != nil {
				t.Fatal(err)
			}
			c := rep.Current
			f := figures{c.Received, c.SolvedByBible, c.Merged, c.Resolved,
				by[article.ChannelPortal] + by[article.ChannelSlack] + by[article.ChannelEmail],
				by[article.ChannelPortal], by[article.ChannelSlack], by[article.ChannelEmail]}
			t.Logf("%s: %+v, bible %d %%, merged %d %%, open at end %d", preset, f, c.BiblePercent(), c.MergedPercent(), rep.Current.OpenAtEnd)
			return f
		}
		// The desk has a morning's work waiting: the backlog, one of it urgent.
		admin, desk := request.Viewer{Role: auth.Admin}, request.New(d, s.Audit)
		active, err := desk.Count(ctx, admin, request.Filter{Status: "active"})
		if err != nil || active < backlogSize {
			t.Errorf("%d requests waiting for the desk (%v), want at least %d", active, err, backlogSize)
		}
		if urgent, err := desk.Count(ctx, admin, request.Filter{Status: "active", Priority: request.Urgent}); err != nil || urgent != 1 {
			t.Errorf("%d urgent requests waiting (%v), want 1", urgent, err)
		}
		last30 := measure(report.Last30Days)
		lastMonth := measure(report.LastMonth)
		thisMonth := measure(report.ThisMonth)

		// About one in ten, the morning's backlog (not yet handled, so not yet deflected) aside.
		if pct := report.SharePercent(last30.bible, last30.received-backlogSize); pct < 8 || pct > 12 {
			t.Errorf("last 30 days: %d of %d requests solved by the bible (%d %%), want 8–12 %%", last30.bible, last30.received-backlogSize, pct)
		}
		if last30.merged != 4 {
			t.Errorf("last 30 days: %d merged, want 4 (three Wi-Fi complaints, Pauline's second request)", last30.merged)
		}
		if last30.portal == 0 || last30.slack == 0 || last30.email == 0 || last30.slack+last30.email != last30.bible {
			t.Errorf("last 30 days: deflections %+v, want some on each channel, Slack and email making the %d solved", last30, last30.bible)
		}
		if lastMonth.received == 0 || lastMonth.bible == 0 || lastMonth.resolved == 0 {
			t.Errorf("last month is empty: %+v", lastMonth)
		}
		// Exact, as the seed and the clock make them: a change of the history shows here.
		want := map[string]figures{
			report.Last30Days: {received: 63, bible: 5, merged: 4, resolved: 46, deflected: 17, portal: 12, slack: 3, email: 2},
			report.LastMonth:  {received: 59, bible: 6, merged: 0, resolved: 53, deflected: 16, portal: 10, slack: 4, email: 2},
			report.ThisMonth:  {received: 53, bible: 4, merged: 4, resolved: 37, deflected: 14, portal: 10, slack: 2, email: 2},
		}
		for name, got := range map[string]figures{report.Last30Days: last30, report.LastMonth: lastMonth, report.ThisMonth: thisMonth} {
			if got != want[name] {
				t.Errorf("%s: %+v, want %+v", name, got, want[name])
			}
		}

		// Zoé signs in as an employee and follows Gaëlle's request, where hers was merged.
		zoe, err := dir.GetByEmail(ctx, "zoe.thomas@sentier.co")
		if err != nil {
			t.Fatal(err)
		}
		account, err := s.Auth.UserByEmail(ctx, zoe.Email)
		if err != nil || account.Role != auth.Employee {
			t.Fatalf("Zoé's account: %+v, %v", account, err)
		}
		zv := request.Viewer{UserID: account.ID, PersonID: zoe.ID, Name: zoe.FullName(), Role: auth.Employee}
		followed, err := desk.ListFollowed(ctx, zv, 10)
		if err != nil || len(followed) != 1 || followed[0].Status != request.StatusResolved {
			t.Fatalf("Zoé follows %+v (%v), want one resolved request", followed, err)
		}
		survivor, err := desk.Get(ctx, admin, followed[0].Number)
		if err != nil || survivor.RequesterName != "Gaëlle Robert" {
			t.Fatalf("Zoé follows %+v, %v; want Gaëlle's request", survivor, err)
		}
		followers, err := desk.Followers(ctx, survivor)
		if err != nil || len(followers) != 3 {
			t.Errorf("the Wi-Fi outage has followers %+v, %v; want Zoé, Anaïs and Bastien", followers, err)
		}
		for _, who := range []string{"jerome.durand@sentier.co", "lea.simon@sentier.co", "lucie.bertrand@sentier.co"} {
			if u, err := s.Auth.UserByEmail(ctx, who); err != nil || u.Role != auth.Agent {
				t.Errorf("%s: %+v, %v; want an agent", who, u, err)
			}
		}
		if ok, err := s.Auth.HasAdmin(ctx); err != nil || ok {
			t.Errorf("the demo made an admin (%v, %v): serve would print no first sign-in link", ok, err)
		}
	})
}

// TestBacklogOnAnyMorning plans the backlog at the awkward hours of the week: the demo opened
// on a Monday before nine, or a Sunday night, still has its nine requests waiting, filed in
// the team's working hours of the last two working days, and one urgent request only.
func TestBacklogOnAnyMorning(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	since, _ := civil.Parse("2020-01-06")
	persons := []people.Person{{ID: 1, FirstName: "Zoé", LastName: "Thomas", Email: "zoe.thomas@sentier.co",
		Team: "Ventes", Site: lyon, Active: true, StartDate: since}}
	for _, now := range []time.Time{
		time.Date(2026, time.November, 23, 6, 55, 0, 0, paris),  // Monday, before the team arrives
		time.Date(2026, time.November, 23, 9, 0, 0, 0, paris),   // Monday, the team just in
		time.Date(2026, time.November, 22, 23, 30, 0, 0, paris), // Sunday night
		time.Date(2026, time.November, 22, 15, 0, 0, 0, paris),  // Sunday afternoon
		time.Date(2026, time.November, 11, 7, 0, 0, 0, paris),   // Wednesday 11 November, a holiday
	} {
		hi := &history{rng: rand.New(rand.NewPCG(seed, seed)), end: now.UTC(), loc: paris, persons: persons}
		hi.backlog()
		if len(hi.waiting) != backlogSize {
			t.Errorf("%v: %d requests in the backlog, want %d", now, len(hi.waiting), backlogSize)
			continue
		}
		leaks := 0
		for _, f := range hi.waiting[1:] {
			if strings.HasPrefix(f.topic.title, "Fuite") {
				leaks++
			}
		}
		if leaks > 0 {
			t.Errorf("%v: %d leaks besides the urgent request: the routing rule makes them urgent too", now, leaks)
		}
		for _, s := range hi.steps {
			local := s.at.In(paris)
			if s.at.After(now) || !workingDay(civil.Of(local)) || local.Hour() < 8 || local.Hour() >= 19 ||
				now.Sub(s.at) > 5*24*time.Hour {
				t.Errorf("%v: a backlog step at %v, want the working hours of the last two working days", now, local)
			}
		}
	}
}
