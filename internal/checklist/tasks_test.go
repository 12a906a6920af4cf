package checklist_test

import (
	"context"
	"slices"
	"testing"

	"majordome/internal/checklist"
	"majordome/internal/db"
	"majordome/internal/notify"
	"majordome/internal/testutil"
)

// startOnboarding starts the onboarding of Zoé (7 April 2026) as Camille.
func startOnboarding(t *testing.T, o *office) checklist.Run {
	t.Helper()
	if _, err := o.upsert(t, onboarding()); err != nil {
		t.Fatal(err)
	}
	tmpl, err := o.svc.TemplateBySlug(context.Background(), "onboarding")
	if err != nil {
		t.Fatal(err)
	}
	run, err := o.svc.StartRun(as(o.camille, "Camille"), checklist.Start{TemplateID: tmpl.ID, PersonEmail: "zoe@x.fr"})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func titles(ks []checklist.RunTask) []string {
	var out []string
	for _, k := range ks {
		out = append(out, k.Title)
	}
	return out
}

func TestTaskLists(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		run := startOnboarding(t, o)

		// 26 March 2026: the laptop (23 March) is late, the DPAE (25 March to 3 April) is under
		// way, the rest comes later.
		o.clock.t = at(t, "2026-03-26 10:00")
		l, err := o.svc.MyTasks(ctx, o.camille)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(titles(l.Overdue), []string{"Commander l'ordinateur"}) || !slices.Equal(titles(l.Now), []string{"Faire la DPAE"}) ||
			len(l.Upcoming) != 0 || l.Overdue[0].RunTitle != run.Title {
			t.Errorf("Camille: overdue %v, now %v, upcoming %v", titles(l.Overdue), titles(l.Now), titles(l.Upcoming))
		}
		if n, err := o.svc.DueCount(ctx, o.camille); err != nil || n != 2 {
			t.Errorf("Camille's count: %d, %v", n, err)
		}
		// Hélène (the manager) has her two tasks and, in the Produit team, the breakfast.
		l, _ = o.svc.MyTasks(ctx, o.helene)
		if !slices.Equal(titles(l.Upcoming), []string{"Préparer le poste", "Petit-déjeuner d'accueil", "Point d'étape"}) || l.Due() != 0 {
			t.Errorf("Hélène: %v / %v", titles(l.Upcoming), l.Due())
		}

		// Zoé is in the team: she may tick the breakfast, not Hélène's task; Jérôme (agent) may.
		var breakfast, prepare checklist.RunTask
		for _, k := range run.Tasks {
			switch k.Title {
			case "Petit-déjeuner d'accueil":
				breakfast = k
			case "Préparer le poste":
				prepare = k
			}
		}
		zoe := checklist.Account{ID: o.zoe, Role: "employee"}
		if _, err := o.svc.SetDone(ctx, zoe, prepare.ID, true); err != checklist.ErrForbidden {
			t.Errorf("Zoé ticks Hélène's task: %v", err)
		}
		k, err := o.svc.SetDone(as(o.zoe, "Zoé"), zoe, breakfast.ID, true)
		if err != nil || !k.Done() {
			t.Fatalf("Zoé ticks the team's breakfast: %+v, %v", k, err)
		}
		for _, k := range run.Tasks {
			if _, err := o.svc.SetDone(ctx, checklist.Account{ID: o.jerome, Role: "agent"}, k.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		done, _ := o.svc.Run(ctx, run.ID)
		if done.Done != done.Total || done.CompletedAt == nil || done.Progress() != 100 {
			t.Errorf("all ticked: %d/%d, completed %v", done.Done, done.Total, done.CompletedAt)
		}
		if _, err := o.svc.SetDone(ctx, checklist.Account{ID: o.camille, Role: "admin"}, prepare.ID, false); err != nil {
			t.Fatal(err)
		}
		if again, _ := o.svc.Run(ctx, run.ID); again.CompletedAt != nil || again.Done != again.Total-1 {
			t.Errorf("unticked: %d/%d, completed %v", again.Done, again.Total, again.CompletedAt)
		}
	})
}

func TestReminders(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		startOnboarding(t, o)
		inbox := func(user int64) []string {
			t.Helper()
			l, err := o.notify.List(ctx, user, notify.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, n := range l.Items {
				title, _ := o.notify.Text("fr", n)
				out = append(out, title)
			}
			return out
		}
		run := func(at0 string, want int) {
			t.Helper()
			o.clock.t = at(t, at0)
			n, err := o.svc.RunReminders(ctx)
			if err != nil || n != want {
				t.Fatalf("reminders at %s: %d, %v; want %d", at0, n, err, want)
			}
		}
		// The night before nothing goes out; from 8:00 the day before, the laptop (due Monday
		// 23 March) is recalled once, however often the job runs that day.
		run("2026-03-22 07:30", 0)
		run("2026-03-22 08:05", 1)
		run("2026-03-22 15:00", 0)
		if got := inbox(o.camille); !slices.Equal(got, []string{"Pour demain : Commander l'ordinateur"}) {
			t.Errorf("Camille, the day before: %v", got)
		}
		// On the day, once more.
		run("2026-03-23 09:00", 1)
		run("2026-03-23 18:00", 0)
		if got := inbox(o.camille); len(got) != 2 || got[0] != "À faire aujourd'hui : Commander l'ordinateur" {
			t.Errorf("Camille, on the day: %v", got)
		}
		// The team's breakfast (7 April) is told to every member with an account: Hélène and Zoé.
		run("2026-04-06 09:00", 1)
		for name, user := range map[string]int64{"Zoé": o.zoe, "Hélène": o.helene} {
			if got := inbox(user); !slices.Contains(got, "Pour demain : Petit-déjeuner d'accueil") {
				t.Errorf("%s: %v", name, got)
			}
		}
	})
}
