package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/people"
)

// checklistForm is the editor's form for the onboarding checklist with rows.
func checklistForm(title string, rows [][5]string) url.Values {
	f := url.Values{"title": {title}, "anchor": {"person_start"}, "recurrence": {""}}
	for _, r := range rows { // title, offset, offset_end, unit, owner kind
		f.Add("task_title", r[0])
		f.Add("task_offset", r[1])
		f.Add("task_offset_end", r[2])
		f.Add("task_unit", r[3])
		f.Add("task_owner_kind", r[4])
		f.Add("task_owner_value", "")
		f.Add("task_article", "")
		f.Add("task_details", "")
	}
	return f
}

func TestChecklistPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	camille := e.signInAs(auth.Admin)
	zoe, err := e.App.People.Create(ctx, people.Input{FirstName: "Zoé", LastName: "Thomas", Email: "zoe@exemple.fr",
		StartDate: "2026-04-07"})
	if err != nil {
		t.Fatal(err)
	}

	// The empty list teaches what a checklist is.
	if res := camille.get("/bible/checklists"); res.StatusCode != 200 || !strings.Contains(res.Body, "Aucune checklist") {
		t.Fatalf("empty list: %d", res.StatusCode)
	}
	// The editor adds a row without saving.
	rows := [][5]string{{"Commander l'ordinateur", "J-10", "", "working", "role:office_manager"}}
	f := checklistForm("Onboarding", rows)
	f.Set("row_action", "add")
	res := camille.post("/bible/checklists", f)
	if res.StatusCode != 200 || strings.Count(res.Body, `name="task_title"`) != 2 || !strings.Contains(res.Body, "Commander l&#39;ordinateur") {
		t.Fatalf("add a row: %d", res.StatusCode)
	}
	// A wrong row is named and what was typed comes back.
	bad := checklistForm("Onboarding", append(rows, [5]string{"", "-8", "-9", "working", "role:manager"}))
	res = camille.post("/bible/checklists", bad)
	if res.StatusCode != 422 || !strings.Contains(res.Body, "Tâche 2 : donnez-lui un titre.") ||
		!strings.Contains(res.Body, "Tâche 2 : la fin de la période doit venir après son début") {
		t.Fatalf("bad rows: %d %s", res.StatusCode, errorsOf(res.Body))
	}
	// Saved.
	good := checklistForm("Onboarding", append(rows,
		[5]string{"Faire la DPAE", "-8", "-1", "working", "role:office_manager"},
		[5]string{"Préparer le poste", "-1", "", "working", "role:office_manager"}))
	res = camille.post("/bible/checklists", good)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/checklists/onboarding" {
		t.Fatalf("save: %d %s", res.StatusCode, errorsOf(res.Body))
	}
	// Moving a row on the edit page keeps the rest.
	moved := checklistForm("Onboarding", [][5]string{rows[0], {"Préparer le poste", "-1", "", "working", "role:office_manager"}})
	moved.Set("row_action", "up:1")
	res = camille.post("/checklists/onboarding", moved)
	if i, j := strings.Index(res.Body, "Préparer le poste"), strings.Index(res.Body, "Commander l&#39;ordinateur"); res.StatusCode != 200 || i < 0 || j < i {
		t.Fatalf("move up: %d", res.StatusCode)
	}

	// The person's page offers the onboarding, which opens the form filled for her.
	res = camille.get("/people/" + itoa(zoe.ID) + "/checklist?anchor=person_start")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/checklists/onboarding?person=") {
		t.Fatalf("start from the person: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res = camille.get(res.Header.Get("Location"))
	if res.StatusCode != 200 || !strings.Contains(res.Body, `value="zoe@exemple.fr"`) {
		t.Fatalf("start form: %d", res.StatusCode)
	}
	res = camille.post("/checklists/onboarding/runs", url.Values{"person_email": {"zoe@exemple.fr"}, "anchor_date": {""}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/checklists/runs/") {
		t.Fatalf("start: %d %s", res.StatusCode, errorsOf(res.Body))
	}
	runPath := res.Header.Get("Location")
	res = camille.get(runPath)
	// Easter Monday 2026 is skipped: J-1 is Friday 3 April, J-10 Monday 23 March.
	for _, want := range []string{"Onboarding — Zoé Thomas", "0 sur 3 faites", "Échéance 03/04/2026", "Échéance 23/03/2026",
		"Du 25/03/2026 au 03/04/2026", "Créer une demande"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("run page lacks %q", want)
		}
	}

	// The tasks are Camille's (she started it as the Office Manager): "Mes tâches" lists them.
	res = camille.get("/tasks")
	if res.StatusCode != 200 || strings.Count(res.Body, `data-task-toggle`) != 3 {
		t.Fatalf("my tasks: %d", res.StatusCode)
	}
	id := regexp.MustCompile(`/checklists/tasks/(\d+)/done`).FindStringSubmatch(res.Body)
	res = camille.post("/checklists/tasks/"+id[1]+"/done", url.Values{"done": {"1"}, "next": {"/tasks"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tasks" {
		t.Fatalf("tick: %d", res.StatusCode)
	}
	if res := camille.get(runPath); !strings.Contains(res.Body, "1 sur 3 faites") {
		t.Error("the run does not count the ticked task")
	}
	// An open redirect is refused.
	res = camille.post("/checklists/tasks/"+id[1]+"/done", url.Values{"done": {"0"}, "next": {"//evil.example"}})
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/checklists/runs/") {
		t.Errorf("next //evil.example went to %q", loc)
	}

	// The person page lists her runs; an employee can neither see checklists nor tick Camille's task.
	if res := camille.get("/checklists/runs?person=" + itoa(zoe.ID)); !strings.Contains(res.Body, "Onboarding — Zoé Thomas") {
		t.Error("person runs fragment")
	}
	emp := e.signInAs(auth.Employee)
	if res := emp.get("/bible/checklists"); res.StatusCode != 403 {
		t.Errorf("employee list: %d", res.StatusCode)
	}
	if res := emp.post("/checklists/tasks/"+id[1]+"/done", url.Values{"done": {"1"}}); res.StatusCode != 403 {
		t.Errorf("employee tick: %d", res.StatusCode)
	}
	if res := emp.get("/tasks"); res.StatusCode != 200 || !strings.Contains(res.Body, "Rien à faire") {
		t.Errorf("employee tasks: %d", res.StatusCode)
	}

	// "Créer une demande" files the task as a request for Zoé and links it back.
	tid := regexp.MustCompile(`/checklists/tasks/(\d+)/request`).FindStringSubmatch(camille.get(runPath).Body)
	res = camille.post("/checklists/tasks/"+tid[1]+"/request", nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/requests/") {
		t.Fatalf("create request: %d %s", res.StatusCode, res.Body)
	}
	number := strings.TrimPrefix(res.Header.Get("Location"), "/requests/")
	if !strings.Contains(camille.get(runPath).Body, "Demande #"+number) {
		t.Error("the task does not link to its request")
	}
	// Link the run to that request: both pages show it.
	res = camille.post(runPath+"/request", url.Values{"request_number": {"#" + number}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("link: %d %s", res.StatusCode, errorsOf(res.Body))
	}
	if res := camille.get("/checklists/runs?request=" + number); !strings.Contains(res.Body, "Onboarding — Zoé Thomas") {
		t.Error("request runs fragment")
	}
	if res := camille.post(runPath+"/request", url.Values{"request_number": {"99999"}}); res.StatusCode != 422 ||
		!strings.Contains(res.Body, "Il n&#39;y a pas de demande #99999.") {
		t.Errorf("unknown request: %d", res.StatusCode)
	}
}

// errorsOf extracts the field errors of a page, for failure messages.
func errorsOf(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`class="field-error"[^>]*>([^<]*)<`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}
