package api_test

import (
	"strings"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// incidentJSON is an incident as the API shows it, with its linked requests and updates.
type incidentJSON struct {
	ID          int64         `json:"id"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Status      string        `json:"status"`
	CreatedBy   *string       `json:"created_by"`
	ResolvedAt  *string       `json:"resolved_at"`
	Linked      int           `json:"linked"`
	Active      int           `json:"active"`
	Requests    []requestJSON `json:"requests"`
	Updates     []struct {
		Kind   string `json:"kind"`
		Author struct {
			Name string `json:"name"`
		} `json:"author"`
		Body string `json:"body"`
	} `json:"updates"`
}

func TestIncidentsThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		a := k.file(request.NewRequest{Title: "Wi-Fi coupé", RequesterEmail: "zoe.thomas@exemple.fr"})
		b := k.file(request.NewRequest{Title: "Plus d'internet", RequesterEmail: "helene.dupre@exemple.fr"})
		pay := k.file(request.NewRequest{Title: "Paie et Wi-Fi", RequesterEmail: "zoe.thomas@exemple.fr", Category: "RH & paie"})

		// Only agents work incidents; a title is needed.
		if r := k.do(call{method: "GET", path: "/api/v1/incidents", token: k.employee}); r.Status != 403 {
			t.Fatalf("employee token: %d", r.Status)
		}
		r := k.do(call{method: "POST", path: "/api/v1/incidents", token: k.agent, body: map[string]any{"title": " "}, docRejects: true})
		if p := problemOf(t, r, 422); p.fieldCode("title") != "required" {
			t.Fatalf("no title: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: "/api/v1/incidents", token: k.agent,
			body: map[string]any{"title": "Wi-Fi en panne au 3e étage", "description": "La borne est éteinte."}})
		var inc incidentJSON
		r.decode(t, &inc)
		if r.Status != 201 || r.Header.Get("Location") != "/api/v1/incidents/"+itoa(inc.ID) || inc.Status != "open" ||
			deref(inc.CreatedBy) != "Intégration Slack" || len(inc.Requests) != 0 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		path := "/api/v1/incidents/" + itoa(inc.ID)

		// The agent token cannot see the confidential request: nothing is linked, and it is named.
		r = k.do(call{method: "POST", path: path + "/link", token: k.agent, body: map[string]any{"numbers": []int64{a.Number, pay.Number}}})
		if p := problemOf(t, r, 409); !strings.HasSuffix(p.Type, "/requests-refused") || !strings.Contains(p.Detail, "#"+itoa(pay.Number)) ||
			strings.Contains(p.Detail, "#"+itoa(a.Number)) {
			t.Fatalf("link with a hidden request: %s", r.Body)
		}
		if k.stored(a.Number).IncidentID != 0 {
			t.Fatal("a refused link wrote something")
		}
		r = k.do(call{method: "POST", path: path + "/link", token: k.agent, body: map[string]any{"numbers": []any{"1001"}}, docRejects: true})
		if p := problemOf(t, r, 422); p.fieldCode("numbers") != "type_invalid" {
			t.Fatalf("numbers as strings: %s", r.Body)
		}
		if r := k.do(call{method: "POST", path: path + "/link", token: k.agent, body: map[string]any{"numbers": []int64{a.Number, b.Number}}}); r.Status != 200 {
			t.Fatalf("link: %d %s", r.Status, r.Body)
		}
		if r := k.do(call{method: "POST", path: path + "/link", token: k.admin, body: map[string]any{"numbers": []int64{pay.Number}}}); r.Status != 200 {
			t.Fatalf("admin links the confidential one: %d %s", r.Status, r.Body)
		}
		if _, got := k.get(k.admin, pay.Number); got.Number != pay.Number {
			t.Fatal("get")
		}

		// Each token sees and counts what it may see.
		r = k.do(call{method: "GET", path: path, token: k.agent})
		r.decode(t, &inc)
		if inc.Linked != 2 || len(inc.Requests) != 2 || strings.Contains(string(r.Body), "Paie") {
			t.Fatalf("agent's view: %s", r.Body)
		}
		var list struct {
			Items      []incidentJSON `json:"items"`
			NextCursor *string        `json:"next_cursor"`
		}
		r = k.do(call{method: "GET", path: "/api/v1/incidents?status=open", token: k.admin})
		r.decode(t, &list)
		if r.Status != 200 || len(list.Items) != 1 || list.Items[0].Linked != 3 || list.Items[0].Active != 3 || list.NextCursor != nil {
			t.Fatalf("admin's list: %s", r.Body)
		}
		if r := k.do(call{method: "GET", path: "/api/v1/incidents?status=later", token: k.admin, docRejects: true}); problemOf(t, r, 400).fieldCode("status") == "" {
			t.Fatalf("bad status filter: %s", r.Body)
		}

		// Reply to all, then resolve: every linked request, the confidential one included.
		if r := k.do(call{method: "POST", path: path + "/replies", token: k.agent, body: map[string]any{"body": "Le prestataire arrive."}}); r.Status != 200 {
			t.Fatalf("reply: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "POST", path: path + "/resolve", token: k.agent, body: map[string]any{"message": "C'est réparé."}})
		r.decode(t, &inc)
		if r.Status != 200 || inc.Status != "resolved" || inc.ResolvedAt == nil || len(inc.Updates) != 2 || inc.Updates[1].Kind != "resolution" {
			t.Fatalf("resolve: %d %s", r.Status, r.Body)
		}
		for _, n := range []int64{a.Number, b.Number, pay.Number} {
			got := k.stored(n)
			if got.Status != request.StatusResolved || got.IncidentID != inc.ID {
				t.Errorf("#%d: %s", n, got.Status)
			}
			if n == pay.Number && !got.Confidential {
				t.Error("the confidential request stays confidential")
			}
		}
		if _, got := k.get(k.agent, a.Number); got.Status != "resolved" {
			t.Fatalf("the request reads resolved: %+v", got)
		}
		r = k.do(call{method: "POST", path: path + "/resolve", token: k.agent, body: map[string]any{"message": "Encore"}})
		if p := problemOf(t, r, 409); !strings.HasSuffix(p.Type, "/incident-resolved") {
			t.Fatalf("resolve twice: %s", r.Body)
		}
		if r := k.do(call{method: "GET", path: "/api/v1/incidents/999", token: k.agent}); problemOf(t, r, 404).Detail != "No incident has this id." {
			t.Fatalf("unknown incident: %s", r.Body)
		}
	})
}

func TestMergeThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		target := k.file(request.NewRequest{Title: "Wi-Fi lent", RequesterEmail: "helene.dupre@exemple.fr"})
		dup := k.file(request.NewRequest{Title: "Le Wi-Fi rame", Description: "Depuis ce matin.", RequesterEmail: "zoe.thomas@exemple.fr"})
		pay := k.file(request.NewRequest{Title: "Paie", RequesterEmail: "zoe.thomas@exemple.fr", Category: "RH & paie"})
		path := "/api/v1/requests/" + itoa(dup.Number) + "/merge"

		r := k.do(call{method: "POST", path: path, token: k.agent, body: map[string]any{"into": dup.Number}})
		if p := problemOf(t, r, 422); p.fieldCode("into") != "merge_self" || p.message("into") == "" {
			t.Fatalf("into itself: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: path, token: k.agent, body: map[string]any{"into": pay.Number}})
		if p := problemOf(t, r, 422); p.fieldCode("into") != "request_unknown" {
			t.Fatalf("into a request the token may not see: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: path, token: k.agent, body: map[string]any{}, docRejects: true})
		if p := problemOf(t, r, 422); p.fieldCode("into") != "required" {
			t.Fatalf("no target: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: "/api/v1/requests/" + itoa(pay.Number) + "/merge", token: k.admin, body: map[string]any{"into": target.Number}})
		if p := problemOf(t, r, 409); !strings.HasSuffix(p.Type, "/merge-confidential") {
			t.Fatalf("confidential into open: %s", r.Body)
		}

		r = k.do(call{method: "POST", path: path, token: k.agent, body: map[string]any{"into": target.Number}})
		var got requestJSON
		r.decode(t, &got)
		if r.Status != 200 || got.Number != target.Number || got.Status != "new" { // the merge note answers no one
			t.Fatalf("merge: %d %s", r.Status, r.Body)
		}
		if merged := k.stored(dup.Number); merged.Status != request.StatusClosed || merged.MergedIntoID != k.stored(target.Number).ID {
			t.Fatalf("duplicate: %+v", merged)
		}
		r = k.do(call{method: "POST", path: path, token: k.agent, body: map[string]any{"into": target.Number}})
		if p := problemOf(t, r, 409); !strings.HasSuffix(p.Type, "/already-merged") {
			t.Fatalf("merge twice: %s", r.Body)
		}
	})
}
