package api_test

import (
	"context"
	"testing"

	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

type checklistRunJSON struct {
	ID            int64
	Title         string
	AnchorDate    string `json:"anchor_date"`
	RequestNumber *int64 `json:"request_number"`
	Total         int
	Tasks         []struct {
		Title       string
		OwnerName   string `json:"owner_name"`
		VisibleFrom string `json:"visible_from"`
		DueDate     string `json:"due_date"`
	}
}

func TestChecklistsThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		ctx := context.Background()
		if _, err := k.People.Create(ctx, people.Input{FirstName: "Léa", LastName: "Roux", Email: "lea.roux@exemple.fr",
			StartDate: "2026-05-04", ManagerEmail: "helene.dupre@exemple.fr"}); err != nil {
			t.Fatal(err)
		}

		// Employees may not read them.
		if r := k.do(call{method: "GET", path: "/api/v1/checklists", token: k.employee}); r.Status != 403 {
			t.Fatalf("employee list: %d", r.Status)
		}

		// An agent writes the onboarding checklist.
		body := map[string]any{"title": "Onboarding", "anchor": "person_start", "tasks": []map[string]any{
			{"title": "Commander l'ordinateur", "offset": -10, "unit": "working", "owner": "role:office_manager"},
			{"title": "Faire la DPAE", "offset": -8, "offset_end": -1, "unit": "working", "owner": "person:camille.martin@exemple.fr"},
			{"title": "Préparer le poste", "offset": -1, "unit": "working", "owner": "role:manager"},
			{"title": "Point d'étape", "offset": 30, "unit": "calendar", "owner": "role:manager"},
			{"title": "Visite d'information et de prévention", "offset": 3, "unit": "months", "owner": "role:person"},
		}}
		r := k.do(call{method: "POST", path: "/api/v1/checklists", token: k.agent, body: body})
		var created struct {
			ID    int64
			Slug  string
			Tasks []map[string]any
		}
		r.decode(t, &created)
		if r.Status != 201 || created.Slug != "onboarding" || len(created.Tasks) != 5 ||
			r.Header.Get("Location") != "/api/v1/checklists/"+itoa(created.ID) {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		// The same title again gets a slug of its own.
		r = k.do(call{method: "POST", path: "/api/v1/checklists", token: k.agent, body: body})
		var second struct{ Slug string }
		r.decode(t, &second)
		if r.Status != 201 || second.Slug != "onboarding-2" {
			t.Fatalf("second: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "GET", path: "/api/v1/checklists", token: k.agent})
		var list struct{ Items []struct{ Slug string } }
		r.decode(t, &list)
		if r.Status != 200 || len(list.Items) != 2 || list.Items[0].Slug != "onboarding" {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
		if r := k.do(call{method: "GET", path: "/api/v1/checklists/" + itoa(created.ID), token: k.agent}); r.Status != 200 {
			t.Fatalf("get: %d %s", r.Status, r.Body)
		}
		if r := k.do(call{method: "GET", path: "/api/v1/checklists/999", token: k.agent}); r.Status != 404 {
			t.Fatalf("get unknown: %d %s", r.Status, r.Body)
		}

		// Léa starts on Monday 4 May 2026, after 1 May (a Friday): working days skip it.
		runs := "/api/v1/checklists/" + itoa(created.ID) + "/runs"
		r = k.do(call{method: "POST", path: runs, token: k.agent, body: map[string]any{"person_email": "lea.roux@exemple.fr"}})
		var run checklistRunJSON
		r.decode(t, &run)
		if r.Status != 201 || run.AnchorDate != "2026-05-04" || run.Total != 5 || run.Title != "Onboarding — Léa Roux" {
			t.Fatalf("run: %d %s", r.Status, r.Body)
		}
		want := map[string][3]string{
			"Commander l'ordinateur":                {"2026-04-17", "2026-04-17", "Camille Martin"},
			"Faire la DPAE":                         {"2026-04-21", "2026-04-30", "Camille Martin"},
			"Préparer le poste":                     {"2026-04-30", "2026-04-30", "Camille Martin"}, // Hélène has no account
			"Point d'étape":                         {"2026-06-03", "2026-06-03", "Camille Martin"},
			"Visite d'information et de prévention": {"2026-08-04", "2026-08-04", "Camille Martin"},
		}
		for _, task := range run.Tasks {
			if got := [3]string{task.VisibleFrom, task.DueDate, task.OwnerName}; got != want[task.Title] {
				t.Errorf("%s: %v, want %v", task.Title, got, want[task.Title])
			}
		}

		// A given date, linked to a request.
		req := k.file(request.NewRequest{Title: "Arrivée de Léa", RequesterEmail: "helene.dupre@exemple.fr"})
		r = k.do(call{method: "POST", path: runs, token: k.agent, body: map[string]any{"person_email": "lea.roux@exemple.fr",
			"anchor_date": "2027-05-03", "request_number": req.Number}})
		r.decode(t, &run)
		if r.Status != 201 || run.AnchorDate != "2027-05-03" || run.RequestNumber == nil || *run.RequestNumber != req.Number {
			t.Fatalf("run with date: %d %s", r.Status, r.Body)
		}
		for _, task := range run.Tasks {
			if task.Title == "Préparer le poste" && task.DueDate != "2027-04-30" {
				t.Errorf("J-1 before 3 May 2027: %s", task.DueDate)
			}
		}

		// Bad input: each wrong field named, nothing saved.
		r = k.do(call{method: "POST", path: "/api/v1/checklists", token: k.agent, body: map[string]any{"title": "",
			"tasks": []map[string]any{{"title": "X", "offset": -1, "unit": "hours", "owner": "boss"}}}, docRejects: true})
		p := problemOf(t, r, 422)
		if p.fieldCode("title") != "required" || p.fieldCode("tasks[0].unit") != "checklist_task_unit_invalid" ||
			p.fieldCode("tasks[0].owner") != "checklist_task_owner_invalid" || p.message("tasks[0].owner") == "" {
			t.Errorf("bad template: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: runs, token: k.agent, body: map[string]any{}})
		if p := problemOf(t, r, 422); p.fieldCode("person_email") != "checklist_person_required" {
			t.Errorf("run without person: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: runs, token: k.agent, body: map[string]any{"person_email": "lea.roux@exemple.fr",
			"anchor_date": "31/02/2026"}, docRejects: true})
		if p := problemOf(t, r, 422); p.fieldCode("anchor_date") != "date_invalid" {
			t.Errorf("bad date: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: runs, token: k.agent, body: map[string]any{"person_email": "lea.roux@exemple.fr",
			"anchor_date": "2026-02-31"}})
		if p := problemOf(t, r, 422); p.fieldCode("anchor_date") != "date_invalid" {
			t.Errorf("impossible date: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: runs, token: k.agent, body: map[string]any{"person_email": "lea.roux@exemple.fr",
			"request_number": 99999}})
		if p := problemOf(t, r, 422); p.fieldCode("request_number") != "checklist_request_unknown" {
			t.Errorf("unknown request: %s", r.Body)
		}
		if r := k.do(call{method: "POST", path: runs, token: k.agent, body: map[string]any{"when": "demain"}, docRejects: true}); r.Status != 400 {
			t.Errorf("unknown field: %d", r.Status)
		}
	})
}
