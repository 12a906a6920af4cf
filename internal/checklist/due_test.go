package checklist_test

import (
	"context"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/calendar"
	"majordome/internal/checklist"
	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/testutil"
)

func date(t *testing.T, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDatesAroundHolidays checks working-day offsets around Easter Monday and 1 May, in
// metropolitan France and in Alsace-Moselle (Good Friday).
func TestDatesAroundHolidays(t *testing.T) {
	fr := checklist.DefaultHours()
	alsace := calendar.DefaultHours(paris, calendar.AlsaceMoselle)
	w := func(n int) checklist.Task { return checklist.Task{Offset: n, Unit: checklist.Working} }
	tests := []struct {
		name   string
		h      calendar.Hours
		anchor string
		task   checklist.Task
		end    bool
		want   string
	}{
		// Tuesday 7 April 2026, the day after Easter Monday (6 April).
		{"J-1 skips Easter Monday 2026", fr, "2026-04-07", w(-1), false, "2026-04-03"},
		{"J-10 before Easter 2026", fr, "2026-04-07", w(-10), false, "2026-03-23"},
		{"J+1 from the Friday before Easter Monday", fr, "2026-04-03", w(1), false, "2026-04-07"},
		{"J0 on Easter Monday moves to Tuesday", fr, "2026-04-06", w(0), false, "2026-04-07"},
		// Strasbourg also stops on Good Friday, 3 April 2026.
		{"J-1 skips Good Friday in Alsace", alsace, "2026-04-07", w(-1), false, "2026-04-02"},
		{"J-10 in Alsace", alsace, "2026-04-07", w(-10), false, "2026-03-20"},
		{"Good Friday is worked elsewhere", fr, "2026-04-02", w(1), false, "2026-04-03"},
		// Easter Monday 2027 is 29 March.
		{"J-1 skips Easter Monday 2027", fr, "2027-03-30", w(-1), false, "2027-03-26"},
		{"J+5 over Easter Monday 2027", fr, "2027-03-26", w(5), false, "2027-04-05"},
		// 1 May 2026 is a Friday: a holiday on a working day.
		{"J-1 skips 1 May 2026", fr, "2026-05-04", w(-1), false, "2026-04-30"},
		{"J-10 before 1 May 2026", fr, "2026-05-04", w(-10), false, "2026-04-17"},
		{"J0 on 1 May 2026 moves to Monday", fr, "2026-05-01", w(0), false, "2026-05-04"},
		{"J+1 from 1 May 2026", fr, "2026-05-01", w(1), false, "2026-05-04"},
		{"J-1 from 1 May 2026", fr, "2026-05-01", w(-1), false, "2026-04-30"},
		// 1 May 2027 is a Saturday: only the weekend is skipped.
		{"J-1 before 3 May 2027", fr, "2027-05-03", w(-1), false, "2027-04-30"},
		{"J-10 before 3 May 2027", fr, "2027-05-03", w(-10), false, "2027-04-19"},
		{"J+1 from Friday 30 April 2027", fr, "2027-04-30", w(1), false, "2027-05-03"},
		// An end date on a Sunday: J0 is the last working day; Whit Monday (25 May 2026) is skipped.
		{"J0 on a Sunday end date moves back", fr, "2026-05-31", w(0), true, "2026-05-29"},
		{"J0 on a Sunday start date moves forward", fr, "2026-05-31", w(0), false, "2026-06-01"},
		{"J-5 over Whit Monday 2026", fr, "2026-05-31", w(-5), true, "2026-05-22"},
		// Calendar days and months skip nothing.
		{"calendar J-10", fr, "2026-04-07", checklist.Task{Offset: -10, Unit: checklist.Calendar}, false, "2026-03-28"},
		{"calendar J+30", fr, "2026-04-07", checklist.Task{Offset: 30, Unit: checklist.Calendar}, false, "2026-05-07"},
		{"3 months", fr, "2026-04-07", checklist.Task{Offset: 3, Unit: checklist.Months}, false, "2026-07-07"},
		{"1 month from 31 January", fr, "2026-01-31", checklist.Task{Offset: 1, Unit: checklist.Months}, false, "2026-02-28"},
		{"-2 months from 31 December", fr, "2026-12-31", checklist.Task{Offset: -2, Unit: checklist.Months}, false, "2026-10-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, due := checklist.Dates(tt.task, date(t, tt.anchor), tt.h, tt.end)
			if due.String() != tt.want {
				t.Errorf("due %s, want %s", due, tt.want)
			}
		})
	}
}

func TestDatesRange(t *testing.T) {
	k := checklist.Task{Offset: -8, OffsetEnd: -1, Unit: checklist.Working}
	visible, due := checklist.Dates(k, date(t, "2026-04-07"), checklist.DefaultHours(), false)
	if visible.String() != "2026-03-25" || due.String() != "2026-04-03" {
		t.Errorf("J-8 à J-1 before 7 April 2026: visible %s, due %s; want 2026-03-25, 2026-04-03", visible, due)
	}
}

func TestHoursThatNeverOpenCountCalendarDays(t *testing.T) {
	var closed calendar.Hours // no working day
	_, due := checklist.Dates(checklist.Task{Offset: -3, Unit: checklist.Working}, date(t, "2026-04-07"), closed, false)
	if due.String() != "2026-04-04" {
		t.Errorf("due %s, want 2026-04-04", due)
	}
}

// TestOnboardingRun is the "done when": the onboarding checklist for a start date
// gives the right due dates and owners, in Paris and in Strasbourg.
func TestOnboardingRun(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		if _, err := o.upsert(t, onboarding()); err != nil {
			t.Fatal(err)
		}
		tmpl, err := o.svc.TemplateBySlug(context.Background(), "onboarding")
		if err != nil {
			t.Fatal(err)
		}
		// Jérôme (an agent) starts Zoé's onboarding; her start date is 7 April 2026.
		run, err := o.svc.StartRun(as(o.jerome, "Jérôme"), checklist.Start{TemplateID: tmpl.ID, PersonEmail: "zoe@x.fr"})
		if err != nil {
			t.Fatal(err)
		}
		if run.Title != "Onboarding — Zoé Thomas" || run.AnchorDate.String() != "2026-04-07" || run.Total != 6 {
			t.Fatalf("run %q on %s with %d tasks", run.Title, run.AnchorDate, run.Total)
		}
		type row struct{ visible, due, owner, team string }
		want := map[string]row{
			"Commander l'ordinateur":                {"2026-03-23", "2026-03-23", "Jérôme Petit", ""},
			"Faire la DPAE":                         {"2026-03-25", "2026-04-03", "Camille Martin", ""},
			"Préparer le poste":                     {"2026-04-03", "2026-04-03", "Hélène Bernard", ""},
			"Petit-déjeuner d'accueil":              {"2026-04-07", "2026-04-07", "", "Produit"},
			"Point d'étape":                         {"2026-05-07", "2026-05-07", "Hélène Bernard", ""},
			"Visite d'information et de prévention": {"2026-07-07", "2026-07-07", "Zoé Thomas", ""},
		}
		for _, k := range run.Tasks {
			got := row{k.VisibleFrom.String(), k.Due.String(), k.OwnerName, k.OwnerTeam}
			if got != want[k.Title] {
				t.Errorf("%s: %+v, want %+v", k.Title, got, want[k.Title])
			}
		}

		// Lucas works in Strasbourg: Good Friday is off, so J-1 is the Thursday. He has no
		// account and no team: his own task and the team breakfast go to the Office Manager,
		// the oldest admin, since an API token starts it.
		tok := audit.WithActor(context.Background(), audit.Actor{Kind: "token", ID: 1, Name: "Synchro"})
		run, err = o.svc.StartRun(tok, checklist.Start{TemplateID: tmpl.ID, PersonEmail: "lucas@x.fr"})
		if err != nil {
			t.Fatal(err)
		}
		want = map[string]row{
			"Commander l'ordinateur":                {"2026-03-20", "2026-03-20", "Camille Martin", ""},
			"Faire la DPAE":                         {"2026-03-24", "2026-04-02", "Camille Martin", ""},
			"Préparer le poste":                     {"2026-04-02", "2026-04-02", "Hélène Bernard", ""},
			"Petit-déjeuner d'accueil":              {"2026-04-07", "2026-04-07", "", "Produit"},
			"Point d'étape":                         {"2026-05-07", "2026-05-07", "Hélène Bernard", ""},
			"Visite d'information et de prévention": {"2026-07-07", "2026-07-07", "Camille Martin", ""},
		}
		for _, k := range run.Tasks {
			got := row{k.VisibleFrom.String(), k.Due.String(), k.OwnerName, k.OwnerTeam}
			if got != want[k.Title] {
				t.Errorf("Strasbourg %s: %+v, want %+v", k.Title, got, want[k.Title])
			}
		}

		// A given anchor date overrides the start date: Monday 4 May 2026, after 1 May.
		run, err = o.svc.StartRun(as(o.camille, "Camille"), checklist.Start{TemplateID: tmpl.ID, PersonEmail: "zoe@x.fr",
			AnchorDate: date(t, "2026-05-04")})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range run.Tasks {
			if k.Title == "Préparer le poste" && k.Due.String() != "2026-04-30" {
				t.Errorf("J-1 before 4 May 2026: %s, want 2026-04-30", k.Due)
			}
		}
	})
}

func TestStartRunBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		if _, err := o.upsert(t, onboarding()); err != nil {
			t.Fatal(err)
		}
		tmpl, _ := o.svc.TemplateBySlug(context.Background(), "onboarding")
		ctx := as(o.camille, "Camille")
		for _, tt := range []struct {
			in   checklist.Start
			want map[string]string
		}{
			{checklist.Start{TemplateID: tmpl.ID}, map[string]string{"person_email": "checklist_person_required"}},
			{checklist.Start{TemplateID: tmpl.ID, PersonEmail: "nobody@x.fr"}, map[string]string{"person_email": "checklist_person_unknown"}},
			{checklist.Start{TemplateID: tmpl.ID, PersonEmail: "helene@x.fr"}, map[string]string{"anchor_date": "checklist_anchor_no_start"}},
		} {
			_, err := o.svc.StartRun(ctx, tt.in)
			if got := codes(err); len(got) != len(tt.want) || got["person_email"] != tt.want["person_email"] ||
				got["anchor_date"] != tt.want["anchor_date"] {
				t.Errorf("%+v: %v, want %v", tt.in, got, tt.want)
			}
		}
		if _, err := o.svc.StartRun(ctx, checklist.Start{TemplateID: 999, AnchorDate: date(t, "2026-04-07")}); err != checklist.ErrNotFound {
			t.Errorf("unknown template: %v", err)
		}
	})
}
