package checklist_test

import (
	"context"
	"sync"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/checklist"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/testutil"
)

func extincteurs() checklist.Template {
	return checklist.Template{Slug: "verification-extincteurs", Title: "Vérification des extincteurs", Anchor: "date",
		Recurrence: "yearly", RecurrenceDay: "03-15", Tasks: []checklist.Task{
			{Title: "Appeler le prestataire", Offset: -10, Unit: "working", Owner: "role:office_manager"},
			{Title: "Vérification sur place", Offset: 0, Unit: "working", Owner: "role:office_manager"},
		}}
}

func TestOccurrences(t *testing.T) {
	tests := []struct {
		recurrence, day, from, to string
		want                      []string
	}{
		{"monthly", "31", "2026-01-15", "2026-04-30", []string{"2026-01:2026-01-31", "2026-02:2026-02-28", "2026-03:2026-03-31", "2026-04:2026-04-30"}},
		{"monthly", "", "2026-01-02", "2026-02-01", []string{"2026-02:2026-02-01"}},
		{"quarterly", "02-01", "2026-01-01", "2026-12-31", []string{"2026-Q1:2026-02-01", "2026-Q2:2026-05-01", "2026-Q3:2026-08-01", "2026-Q4:2026-11-01"}},
		{"quarterly", "01-31", "2026-04-01", "2026-05-31", []string{"2026-Q2:2026-04-30"}},
		{"yearly", "03-15", "2026-03-16", "2027-12-31", []string{"2027:2027-03-15"}},
		{"yearly", "02-29", "2027-01-01", "2028-12-31", []string{"2027:2027-02-28", "2028:2028-02-29"}},
	}
	for _, tt := range tests {
		tmpl := checklist.Template{Recurrence: tt.recurrence, RecurrenceDay: tt.day}
		var got []string
		for _, o := range checklist.Occurrences(tmpl, date(t, tt.from), date(t, tt.to)) {
			got = append(got, o.Period+":"+o.Date.String())
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s %s: %v, want %v", tt.recurrence, tt.day, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s %s: %v, want %v", tt.recurrence, tt.day, got, tt.want)
				break
			}
		}
	}
}

func TestRecurringGeneration(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		if _, err := o.upsert(t, extincteurs()); err != nil {
			t.Fatal(err)
		}
		// 1 February 2026: the 15 March check is 42 days away, its run not yet due (30 days).
		o.clock.t = at(t, "2026-02-01 09:00")
		if n, err := o.svc.GenerateRecurring(ctx); err != nil || n != 0 {
			t.Fatalf("1 February: %d runs, %v", n, err)
		}
		// 13 February: 30 days before; made once, whatever the number of runs of the job.
		o.clock.t = at(t, "2026-02-13 09:00")
		for i, want := range []int{1, 0} {
			if n, err := o.svc.GenerateRecurring(ctx); err != nil || n != want {
				t.Fatalf("13 February, pass %d: %d runs, %v", i, n, err)
			}
		}
		runs, err := o.svc.Runs(ctx, checklist.RunFilter{})
		if err != nil || len(runs) != 1 {
			t.Fatalf("runs: %+v, %v", runs, err)
		}
		run, err := o.svc.Run(ctx, runs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		// The job has no person: the default week, the Office Manager (the oldest admin).
		if run.Title != "Vérification des extincteurs — 2026" || run.Period != "2026" || run.AnchorDate.String() != "2026-03-15" ||
			run.Tasks[0].Due.String() != "2026-03-02" || run.Tasks[1].Due.String() != "2026-03-16" || run.Tasks[0].OwnerName != "Camille Martin" {
			t.Errorf("run %+v, tasks %+v", run, run.Tasks)
		}
		// A task far ahead makes the run earlier: J-60 working days before 15 March 2027.
		tmpl := extincteurs()
		tmpl.Tasks = append(tmpl.Tasks, checklist.Task{Title: "Budget", Offset: -60, Unit: "working", Owner: "role:office_manager"})
		if _, err := o.upsert(t, tmpl); err != nil {
			t.Fatal(err)
		}
		o.clock.t = at(t, "2026-12-01 09:00")
		if n, err := o.svc.GenerateRecurring(ctx); err != nil || n != 0 {
			t.Fatalf("1 December: %d runs, %v", n, err)
		}
		o.clock.t = at(t, "2026-12-18 09:00")
		if n, err := o.svc.GenerateRecurring(ctx); err != nil || n != 1 {
			t.Fatalf("18 December: %d runs, %v", n, err)
		}
	})
}

// TestRecurringNeverTwice runs the job on two instances at once, many times over: each period
// has one run.
func TestRecurringNeverTwice(t *testing.T) {
	testutil.EachSharedDB(t, func(t *testing.T, d1, d2 *db.DB) {
		o := newOffice(t, d1)
		monthly := extincteurs()
		monthly.Slug, monthly.Recurrence, monthly.RecurrenceDay = "affichages", "monthly", "01"
		for _, tmpl := range []checklist.Template{extincteurs(), monthly} {
			if _, err := o.upsert(t, tmpl); err != nil {
				t.Fatal(err)
			}
		}
		log2 := audit.New(d2)
		other := checklist.New(checklist.Deps{DB: d2, Audit: log2, People: people.New(d2, log2)})
		o.clock.t = at(t, "2026-02-20 09:00")
		other.SetClock(o.clock.Now)
		var wg sync.WaitGroup
		made := make([]int, 8)
		errs := make([]error, 8)
		for i := range made {
			svc := o.svc
			if i%2 == 1 {
				svc = other
			}
			wg.Go(func() { made[i], errs[i] = svc.GenerateRecurring(context.Background()) })
		}
		wg.Wait()
		total := 0
		for i := range made {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			total += made[i]
		}
		// On 20 February: the yearly check of 15 March, and March's posters (1 March); February's
		// are past, April's not yet due.
		runs, err := o.svc.Runs(context.Background(), checklist.RunFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(runs) != 2 {
			t.Errorf("made %d, stored %d runs, want 2 (the 2026 check, March's posters)", total, len(runs))
		}
	})
}
