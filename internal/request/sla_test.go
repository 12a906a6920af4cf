package request_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/jobs"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

var slaZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// slaParis reads "2006-01-02 15:04" as Paris wall-clock time.
func slaParis(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, slaZone)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// slaClock is the desk's clock in a test: it reads what the test set.
type slaClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *slaClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *slaClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// slaOffice is the office with a fake clock, an 8-hour first response and a 16-hour resolution
// for normal requests, and Astrid, who works in Strasbourg (Alsace-Moselle holidays).
func slaOffice(t *testing.T, d *db.DB, at string) (office, *slaClock) {
	t.Helper()
	o := newOffice(t, d)
	clock := &slaClock{}
	clock.Set(slaParis(t, at))
	o.desk.SetClock(clock.Now)
	ctx := context.Background()
	if err := o.desk.SaveSLATargets(ctx, []request.SLATarget{{Priority: request.Normal, FirstResponse: 8 * time.Hour,
		Resolution: 16 * time.Hour}}); err != nil {
		t.Fatal(err)
	}
	dir := people.New(d, o.log)
	if _, err := dir.SaveSite(ctx, 0, people.SiteInput{Name: "Strasbourg", Timezone: "Europe/Paris",
		HolidayRegion: "FR-ALSACE-MOSELLE"}); err != nil {
		t.Fatal(err)
	}
	if _, err := dir.Create(ctx, people.Input{FirstName: "Astrid", LastName: "Test", Email: "astrid@x.fr", Site: "Strasbourg"}); err != nil {
		t.Fatal(err)
	}
	return o, clock
}

func slaFile(t *testing.T, o office, email string, p request.Priority) request.Request {
	t.Helper()
	r, err := o.desk.Create(context.Background(), request.NewRequest{Title: "Le badge ne marche plus", RequesterEmail: email, Priority: p})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func slaWantTime(t *testing.T, what string, got *time.Time, want string) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: none; want %s", what, want)
	}
	if w := slaParis(t, want); !got.Equal(w) {
		t.Errorf("%s = %s; want %s", what, got.In(slaZone).Format("Mon 2006-01-02 15:04"), w.Format("Mon 2006-01-02 15:04"))
	}
}

func TestSLADueSkipsHolidaysAndWeekends(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		tests := []struct {
			name, email, at string
			first, res      string
		}{
			// Thursday 30 April 16:00: 2 h that day, Friday 1 May is a holiday, then the weekend:
			// the 6 h left run on Monday 4 May from 9:00; the resolution's 16 h end on Tuesday.
			{"1 May and the weekend", "zoe@x.fr", "2026-04-30 16:00", "2026-05-04 15:00", "2026-05-05 14:00"},
			// Good Friday works in Paris…
			{"Good Friday in Paris", "zoe@x.fr", "2026-04-02 16:00", "2026-04-03 15:00", "2026-04-07 14:00"},
			// …but not in Strasbourg, and Easter Monday is off everywhere.
			{"Good Friday in Alsace-Moselle", "astrid@x.fr", "2026-04-02 16:00", "2026-04-07 15:00", "2026-04-08 14:00"},
			// Noël on Thursday: 26 December is a working day in Paris, not in Strasbourg.
			{"26 December in Paris", "zoe@x.fr", "2025-12-24 16:00", "2025-12-26 15:00", "2025-12-29 14:00"},
			{"26 December in Alsace-Moselle", "astrid@x.fr", "2025-12-24 16:00", "2025-12-29 15:00", "2025-12-30 14:00"},
		}
		o, clock := slaOffice(t, d, "2026-01-12 09:00")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				clock.Set(slaParis(t, tt.at))
				r := slaFile(t, o, tt.email, request.Normal)
				slaWantTime(t, "first response due", r.FirstResponseDue, tt.first)
				slaWantTime(t, "resolution due", r.ResolutionDue, tt.res)
				s, err := o.desk.SLAOf(context.Background(), r)
				if err != nil {
					t.Fatal(err)
				}
				if s.Location.String() != "Europe/Paris" {
					t.Errorf("location = %s; want the site's, Europe/Paris", s.Location)
				}
				if got := s.State(o.desk.Now()); got != request.SLAOK {
					t.Errorf("state of a new request = %q; want ok", got)
				}
			})
		}
	})
}

func TestSLAPausesWhileWaitingOnTheRequester(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o, clock := slaOffice(t, d, "2026-01-12 09:00") // a Monday
		r := slaFile(t, o, "zoe@x.fr", request.Normal)
		slaWantTime(t, "first response due", r.FirstResponseDue, "2026-01-12 17:00")

		clock.Set(slaParis(t, "2026-01-12 11:00"))
		waiting := request.StatusWaitingRequester
		r, err := o.desk.Update(ctx, o.jerome, r.Number, request.Change{Status: &waiting})
		if err != nil {
			t.Fatal(err)
		}
		// Monday evening the first response would be late, but the clock stands still.
		clock.Set(slaParis(t, "2026-01-12 18:30"))
		s, err := o.desk.SLAOf(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.State(o.desk.Now()); got != request.SLAPaused {
			t.Errorf("state while waiting = %q; want paused", got)
		}
		slaWantTime(t, "paused at", s.PausedAt, "2026-01-12 11:00")
		if got := slaListNumbers(t, o, request.SLABreached); len(got) != 0 {
			t.Errorf("breached while paused = %v; want none", got)
		}

		// Zoé answers on Tuesday at 10:00: 7 h + 1 h of business time were paused.
		clock.Set(slaParis(t, "2026-01-13 10:00"))
		if _, err := o.desk.Reply(ctx, o.zoe, r.Number, "Voici la photo du badge.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		r, err = o.desk.Get(ctx, o.camille, r.Number)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != request.StatusOpen || r.SLAPausedAt != nil {
			t.Fatalf("after the answer: status %s, paused at %v; want open and running", r.Status, r.SLAPausedAt)
		}
		slaWantTime(t, "first response due, pushed by the pause", r.FirstResponseDue, "2026-01-13 16:00")
		slaWantTime(t, "resolution due, pushed by the pause", r.ResolutionDue, "2026-01-14 15:00")

		// A priority change counts from the creation again, minus the pause: urgent is 1 h / 4 h.
		urgent := request.Urgent
		if r, err = o.desk.Update(ctx, o.jerome, r.Number, request.Change{Priority: &urgent}); err != nil {
			t.Fatal(err)
		}
		slaWantTime(t, "urgent first response due", r.FirstResponseDue, "2026-01-12 10:00")
		slaWantTime(t, "urgent resolution due, pushed by the pause", r.ResolutionDue, "2026-01-13 12:00")
		clock.Set(slaParis(t, "2026-01-13 11:30"))
		s, _ = o.desk.SLAOf(ctx, r)
		if got := s.FirstResponseState(o.desk.Now()); got != request.SLABreached {
			t.Errorf("urgent first response, 8 business hours on = %q; want breached", got)
		}
		if got := s.ResolutionState(o.desk.Now()); got != request.SLAAtRisk {
			t.Errorf("urgent resolution with 30 min of 4 h left = %q; want at_risk", got)
		}

		// Resolved at 11:30: no clock runs; reopened the next day, that time is not held against
		// the desk.
		resolved, open := request.StatusResolved, request.StatusOpen
		if _, err = o.desk.Update(ctx, o.jerome, r.Number, request.Change{Status: &resolved}); err != nil {
			t.Fatal(err)
		}
		clock.Set(slaParis(t, "2026-01-14 10:00"))
		s, _ = o.desk.SLAOf(ctx, r)
		if got := s.State(o.desk.Now()); got != request.SLANone {
			t.Errorf("state of a resolved request = %q; want none", got)
		}
		if got := s.ResolutionState(o.desk.Now()); got != request.SLAMet {
			t.Errorf("resolution reached in time = %q; want met", got)
		}
		if r, err = o.desk.Update(ctx, o.jerome, r.Number, request.Change{Status: &open}); err != nil {
			t.Fatal(err)
		}
		// 30 min were left at 11:30 on Tuesday; the clock resumes on Wednesday at 10:00.
		slaWantTime(t, "resolution due after reopening", r.ResolutionDue, "2026-01-14 10:30")
	})
}

// slaListNumbers lists the numbers of the requests in state, as the queue filters them, and checks
// that Count agrees.
func slaListNumbers(t *testing.T, o office, state request.SLAState) []int64 {
	t.Helper()
	ctx := context.Background()
	p, err := o.desk.List(ctx, o.camille, request.Filter{SLA: state})
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, r := range p.Items {
		out = append(out, r.Number)
	}
	n, err := o.desk.Count(ctx, o.camille, request.Filter{SLA: state})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(out) {
		t.Errorf("Count(%s) = %d; List has %d", state, n, len(out))
	}
	return out
}

func TestSLAAtRiskAndBreached(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o, clock := slaOffice(t, d, "2026-01-12 09:00")
		urgent := slaFile(t, o, "zoe@x.fr", request.Urgent) // 1 h / 4 h: at risk from 9:48, breached at 10:00
		normal := slaFile(t, o, "helene@x.fr", request.Normal)
		answered := slaFile(t, o, "zoe@x.fr", request.Urgent)
		if _, err := o.desk.Reply(ctx, o.jerome, answered.Number, "Je regarde.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		// Opened first, answered at 9:30: the reply changes no status, yet the first response is
		// met, and the filters must not take it for breached at 10:00.
		opened := slaFile(t, o, "helene@x.fr", request.Urgent)
		open := request.StatusOpen
		if _, err := o.desk.Update(ctx, o.jerome, opened.Number, request.Change{Status: &open}); err != nil {
			t.Fatal(err)
		}
		clock.Set(slaParis(t, "2026-01-12 09:30"))
		if _, err := o.desk.Reply(ctx, o.jerome, opened.Number, "C'est noté.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		states := func() map[int64]request.SLAState {
			p, err := o.desk.List(ctx, o.camille, request.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			slas, err := o.desk.SLAs(ctx, p.Items)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]request.SLAState{}
			for _, r := range p.Items {
				out[r.Number] = slas[r.ID].State(o.desk.Now())
			}
			return out
		}
		steps := []struct {
			at               string
			urgent, answered request.SLAState
			atRisk, breached []int64
		}{
			{"2026-01-12 09:47", request.SLAOK, request.SLAOK, nil, nil},
			{"2026-01-12 09:48", request.SLAAtRisk, request.SLAOK, []int64{urgent.Number}, nil},
			{"2026-01-12 10:00", request.SLABreached, request.SLAOK, nil, []int64{urgent.Number}},
			// The answered one only runs its resolution: at risk from 12:12, breached at 13:00.
			{"2026-01-12 12:12", request.SLABreached, request.SLAAtRisk, []int64{opened.Number, answered.Number}, []int64{urgent.Number}},
			{"2026-01-12 13:00", request.SLABreached, request.SLABreached, nil, []int64{opened.Number, answered.Number, urgent.Number}},
		}
		for _, st := range steps {
			clock.Set(slaParis(t, st.at))
			got := states()
			if got[urgent.Number] != st.urgent || got[answered.Number] != st.answered || got[opened.Number] != st.answered ||
				got[normal.Number] != request.SLAOK {
				t.Errorf("%s: states %v; want urgent %q, answered %q, normal ok", st.at, got, st.urgent, st.answered)
			}
			if got := slaListNumbers(t, o, request.SLAAtRisk); !slaEqualNumbers(got, st.atRisk) {
				t.Errorf("%s: at risk %v; want %v", st.at, got, st.atRisk)
			}
			if got := slaListNumbers(t, o, request.SLABreached); !slaEqualNumbers(got, st.breached) {
				t.Errorf("%s: breached %v; want %v", st.at, got, st.breached)
			}
		}
	})
}

func slaEqualNumbers(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// slaEvents returns the "to" of r's sla events, in order.
func slaEvents(t *testing.T, o office, number int64) []string {
	t.Helper()
	ctx := context.Background()
	r, err := o.desk.Get(ctx, o.camille, number)
	if err != nil {
		t.Fatal(err)
	}
	events, err := o.desk.Timeline(ctx, o.camille, r)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		if e.Kind == "sla" {
			out = append(out, e.To)
		}
	}
	return out
}

func TestSLAChecksNotifyOncePerChange(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o, clock := slaOffice(t, d, "2026-01-12 09:00")
		r := slaFile(t, o, "zoe@x.fr", request.Urgent)
		quiet := slaFile(t, o, "helene@x.fr", request.Low)
		check := func(at string, want int) {
			t.Helper()
			clock.Set(slaParis(t, at))
			// Two checks at once, as two instances would run them: one notification between them.
			var wg sync.WaitGroup
			got := make([]int, 2)
			errs := make([]error, 2)
			for i := range got {
				wg.Go(func() { got[i], errs[i] = o.desk.CheckSLAs(ctx) })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if got[0]+got[1] != want {
				t.Errorf("%s: notified %d + %d; want %d", at, got[0], got[1], want)
			}
		}
		check("2026-01-12 09:30", 0)
		check("2026-01-12 09:50", 1) // at risk
		check("2026-01-12 09:55", 0) // still at risk: told already
		check("2026-01-12 10:05", 1) // breached
		check("2026-01-12 10:06", 0)
		if got := slaEvents(t, o, r.Number); !slaEqualStrings(got, []string{"at_risk", "breached"}) {
			t.Errorf("sla events = %v; want at_risk, breached", got)
		}

		// The first response is given: the resolution is on track, and its own risk is told later.
		if _, err := o.desk.Reply(ctx, o.jerome, r.Number, "J'arrive avec une serpillière.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		check("2026-01-12 10:30", 0)
		check("2026-01-12 12:20", 1) // resolution at risk from 12:12
		check("2026-01-12 13:01", 1) // and breached at 13:00
		if got := slaEvents(t, o, r.Number); !slaEqualStrings(got, []string{"at_risk", "breached", "at_risk", "breached"}) {
			t.Errorf("sla events = %v", got)
		}
		if got := slaEvents(t, o, quiet.Number); len(got) != 0 {
			t.Errorf("a low request filed at 9:00 got sla events %v", got)
		}

		// Waiting on the requester: nothing to tell, however long it waits.
		waiting := request.StatusWaitingRequester
		other := slaFile(t, o, "helene@x.fr", request.Urgent)
		if _, err := o.desk.Update(ctx, o.camille, other.Number, request.Change{Status: &waiting}); err != nil {
			t.Fatal(err)
		}
		check("2026-01-19 09:00", 1) // the low one, breached a week on; not the waiting one
		if got := slaEvents(t, o, other.Number); len(got) != 0 {
			t.Errorf("a paused request got sla events %v", got)
		}
	})
}

func slaEqualStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSLASettings(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o, _ := slaOffice(t, d, "2026-01-12 09:00")
		targets, err := o.desk.SLATargets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(targets) != 4 || targets[0] != (request.SLATarget{Priority: request.Urgent, FirstResponse: time.Hour, Resolution: 4 * time.Hour}) ||
			targets[2].FirstResponse != 8*time.Hour {
			t.Errorf("targets = %+v", targets)
		}
		err = o.desk.SaveSLATargets(ctx, []request.SLATarget{{Priority: request.High, FirstResponse: 0, Resolution: time.Hour},
			{Priority: request.Low, FirstResponse: 5 * time.Hour, Resolution: time.Hour}})
		if got := fieldCodes(err); got["sla_first_response_high"] != "sla_target_range" || got["sla_resolution_low"] != "sla_resolution_before_response" {
			t.Errorf("bad targets: %v", err)
		}

		sites, err := o.desk.SitesHours(ctx)
		if err != nil || len(sites) != 1 || sites[0].Custom || sites[0].Start != 9*time.Hour {
			t.Fatalf("sites = %+v, %v", sites, err)
		}
		if _, err := o.desk.SaveSiteHours(ctx, sites[0].SiteID, request.SiteHoursInput{Start: "18:00", End: "8h", Days: nil}); len(fieldCodes(err)) != 2 {
			t.Errorf("bad hours: %v", err)
		}
		// Strasbourg works 8:00–12:00, Monday to Saturday: a request filed Friday 11:00 with 8 h
		// to its first response runs 1 h on Friday, 4 h on Saturday, 3 h on Monday.
		week := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
		h, err := o.desk.SaveSiteHours(ctx, sites[0].SiteID, request.SiteHoursInput{Start: "8:00", End: "12h", Days: week})
		if err != nil || !h.Custom || h.Workday() != 4*time.Hour {
			t.Fatalf("SaveSiteHours = %+v, %v", h, err)
		}
		o.desk.SetClock(func() time.Time { return slaParis(t, "2026-01-16 11:00") })
		r := slaFile(t, o, "astrid@x.fr", request.Normal)
		slaWantTime(t, "first response due in Strasbourg", r.FirstResponseDue, "2026-01-19 11:00")
		// Back to the default week: the custom hours are forgotten.
		h, err = o.desk.SaveSiteHours(ctx, sites[0].SiteID, request.SiteHoursInput{Start: "09:00", End: "18:00", Days: week[:5]})
		if err != nil || h.Custom {
			t.Errorf("default hours: %+v, %v", h, err)
		}
	})
}

func TestSLAChecksRunAsOneJobAcrossInstances(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o, clock := slaOffice(t, d, "2026-01-12 09:00")
		r := slaFile(t, o, "zoe@x.fr", request.Urgent)
		clock.Set(slaParis(t, "2026-01-12 10:05"))
		// Two instances start: each registers the checks and schedules them; one run waits.
		var queues []*jobs.Queue
		for range 2 {
			q := jobs.New(d, testutil.Quiet, jobs.Options{PollInterval: 20 * time.Millisecond})
			o.desk.RegisterSLAChecks(q)
			if err := o.desk.StartSLAChecks(ctx, q); err != nil {
				t.Fatal(err)
			}
			queues = append(queues, q)
		}
		if s, err := queues[0].Stats(ctx); err != nil || s.Pending != 1 {
			t.Fatalf("after two starts: %+v, %v; want one pending run", s, err)
		}
		runCtx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for _, q := range queues {
			wg.Go(func() { _ = q.Run(runCtx) })
		}
		deadline := time.Now().Add(10 * time.Second)
		for len(slaEvents(t, o, r.Number)) == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		wg.Wait()
		if got := slaEvents(t, o, r.Number); !slaEqualStrings(got, []string{"breached"}) {
			t.Errorf("sla events = %v; want one breached", got)
		}
		// Each run scheduled the next one first: one waits, for the next minute.
		if s, err := queues[0].Stats(ctx); err != nil || s.Pending != 1 || s.Dead != 0 {
			t.Errorf("after the runs: %+v, %v; want one pending run", s, err)
		}
	})
}
