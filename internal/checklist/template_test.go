package checklist_test

import (
	"context"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/checklist"
	"majordome/internal/db"
	"majordome/internal/testutil"
)

func TestUpsertTemplateIsIdempotent(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		changed, err := o.upsert(t, onboarding())
		if err != nil || !changed {
			t.Fatalf("create: changed %v, %v", changed, err)
		}
		// The same template again, with stray spaces a pack may carry: nothing changes.
		again := onboarding()
		again.Title = "  Onboarding "
		again.Tasks[2].Owner = " ROLE:Manager "
		if changed, err := o.upsert(t, again); err != nil || changed {
			t.Fatalf("same template: changed %v, %v", changed, err)
		}
		got, err := o.svc.TemplateBySlug(ctx, "onboarding")
		if err != nil {
			t.Fatal(err)
		}
		want := onboarding()
		if got.Title != want.Title || got.Anchor != want.Anchor || got.Description != want.Description ||
			len(got.Tasks) != len(want.Tasks) || got.ID == 0 || got.CreatedAt.IsZero() {
			t.Fatalf("stored %+v", got)
		}
		for i := range want.Tasks {
			if got.Tasks[i] != want.Tasks[i] {
				t.Errorf("task %d: %+v, want %+v", i, got.Tasks[i], want.Tasks[i])
			}
		}

		// A change of one task rewrites it, keeps the order, and is audited.
		edited := onboarding()
		edited.Tasks = append(edited.Tasks[:1], edited.Tasks[2:]...)
		edited.Tasks[0].Offset = -15
		if changed, err := o.upsert(t, edited); err != nil || !changed {
			t.Fatalf("edit: changed %v, %v", changed, err)
		}
		got, _ = o.svc.TemplateBySlug(ctx, "onboarding")
		if len(got.Tasks) != 5 || got.Tasks[0].Offset != -15 || got.Tasks[1].Title != "Préparer le poste" {
			t.Errorf("after edit: %+v", got.Tasks)
		}
		all, err := o.svc.Templates(ctx)
		if err != nil || len(all) != 1 || len(all[0].Tasks) != 5 {
			t.Fatalf("templates: %+v, %v", all, err)
		}
		entries, _, err := o.log.List(ctx, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			if e.EntityType == "checklist" {
				actions = append(actions, e.Action)
			}
		}
		if len(actions) != 2 || actions[0] != "checklist.update" || actions[1] != "checklist.create" {
			t.Errorf("audit: %v, want an update then a create (newest first)", actions)
		}
		if _, err := o.svc.TemplateBySlug(ctx, "nope"); err != checklist.ErrNotFound {
			t.Errorf("unknown slug: %v", err)
		}
	})
}

func TestUpsertTemplateValidates(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		bad := checklist.Template{Slug: "Mauvais Slug", Title: "", Anchor: "birthday", Recurrence: "weekly",
			Tasks: []checklist.Task{
				{Title: "", Offset: 0, Unit: "hours", Owner: "boss"},
				{Title: "Range à l'envers", Offset: -1, OffsetEnd: -8, Unit: "working", Owner: "person:pas-un-email"},
				{Title: "Trop loin", Offset: 5000, Unit: "calendar", Owner: "team:Produit", ArticleSlug: "Pas Un Slug"},
			}}
		_, err := o.upsert(t, bad)
		want := map[string]string{
			"slug": "checklist_slug_invalid", "title": "required", "anchor": "checklist_anchor_invalid",
			"recurrence":            "checklist_recurrence_invalid",
			"tasks[0].title":        "checklist_task_title_required",
			"tasks[0].unit":         "checklist_task_unit_invalid",
			"tasks[0].owner":        "checklist_task_owner_invalid",
			"tasks[1].offset_end":   "checklist_task_range_invalid",
			"tasks[1].owner":        "checklist_task_owner_invalid",
			"tasks[2].offset":       "checklist_task_offset_range",
			"tasks[2].article_slug": "checklist_task_article_invalid",
		}
		got := codes(err)
		for f, c := range want {
			if got[f] != c {
				t.Errorf("%s: %q, want %q", f, got[f], c)
			}
		}
		if len(got) != len(want) {
			t.Errorf("errors %v, want %v", got, want)
		}
		// Recurrence needs a date anchor and a day that exists.
		rec := checklist.Template{Slug: "extincteurs", Title: "Extincteurs", Anchor: "person_start", Recurrence: "yearly",
			RecurrenceDay: "02-30", Tasks: []checklist.Task{{Title: "Vérifier", Unit: "calendar", Owner: "role:office_manager"}}}
		got = codes(func() error { _, err := o.upsert(t, rec); return err }())
		if got["recurrence"] != "checklist_recurrence_anchor" || got["recurrence_day"] != "checklist_recurrence_day_invalid" {
			t.Errorf("recurring: %v", got)
		}
		if _, err := o.upsert(t, checklist.Template{Slug: "vide", Title: "Vide", Anchor: "date"}); codes(err)["tasks"] != "checklist_tasks_required" {
			t.Errorf("no task: %v", err)
		}
		if err := checklist.CheckSlug("onboarding-2"); err != nil {
			t.Error(err)
		}
		if checklist.Slugify("Arrivée d'un stagiaire") != "arrivee-d-un-stagiaire" {
			t.Error(checklist.Slugify("Arrivée d'un stagiaire"))
		}
	})
}
