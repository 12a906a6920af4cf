package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// bulkJSON is the answer of a bulk action.
type bulkJSON struct {
	Count int           `json:"count"`
	Items []requestJSON `json:"items"`
}

// bulkProblemJSON is a refused bulk action.
type bulkProblemJSON struct {
	Type     string `json:"type"`
	Detail   string `json:"detail"`
	Failures []struct {
		Number        int64
		Code, Message string
		From, To      string
	} `json:"failures"`
}

func TestBulkThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		ctx := context.Background()
		a := k.file(request.NewRequest{Title: "Wi-Fi lent", RequesterEmail: "helene.dupre@exemple.fr"})
		b := k.file(request.NewRequest{Title: "Le Wi-Fi rame", RequesterEmail: "zoe.thomas@exemple.fr", Tags: []string{"3e"}})
		pay := k.file(request.NewRequest{Title: "Paie", RequesterEmail: "zoe.thomas@exemple.fr", Category: "RH & paie"})
		done := k.file(request.NewRequest{Title: "Ampoule", RequesterEmail: "zoe.thomas@exemple.fr"})
		admin := request.Viewer{Role: auth.Admin, Name: "test"}
		closed := request.StatusClosed
		if _, err := k.Requests.Update(ctx, admin, done.Number, request.Change{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		inc, err := k.Requests.CreateIncident(ctx, admin, "Wi-Fi du 3e", "")
		if err != nil {
			t.Fatal(err)
		}
		tok, agent, err := k.Auth.CreateToken(ctx, "Tri du matin", auth.Agent, 0)
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/requests/bulk"

		// Some requests cannot take it (a closed request joins no incident): nothing is saved, and each is named with its reason, in
		// the caller's language. A confidential request is "not found" for an agent token.
		before := k.stored(a.Number)
		for _, c := range []struct{ lang, closedMsg, hiddenMsg string }{
			{"", "#" + itoa(done.Number) + " (fermée)", "#" + itoa(pay.Number) + " (introuvable)"},
			{"en", "#" + itoa(done.Number) + " (closed)", "#" + itoa(pay.Number) + " (not found)"},
		} {
			r := k.do(call{method: "POST", path: path, token: agent, lang: c.lang,
				body: map[string]any{"numbers": []int64{a.Number, done.Number, pay.Number}, "priority": "high", "incident_id": inc.ID}})
			problemOf(t, r, 422)
			var p bulkProblemJSON
			r.decode(t, &p)
			if !strings.HasSuffix(p.Type, "/bulk-refused") || len(p.Failures) != 2 {
				t.Fatalf("refused: %s", r.Body)
			}
			got := map[int64][2]string{}
			for _, f := range p.Failures {
				got[f.Number] = [2]string{f.Code, f.Message}
			}
			if got[done.Number] != [2]string{"closed", c.closedMsg} || got[pay.Number] != [2]string{"not_found", c.hiddenMsg} {
				t.Errorf("failures (%q): %v", c.lang, got)
			}
			if strings.Contains(string(r.Body), "Paie") {
				t.Errorf("the refusal reveals the confidential request: %s", r.Body)
			}
		}
		if after := k.stored(a.Number); after.Priority != before.Priority || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("a refused bulk action changed #%d: %+v", a.Number, after)
		}

		// A status the workflow forbids says from what to what.
		r := k.do(call{method: "POST", path: path, token: k.admin, lang: "en",
			body: map[string]any{"numbers": []int64{done.Number}, "status": "open"}})
		problemOf(t, r, 422)
		var p bulkProblemJSON
		r.decode(t, &p)
		if len(p.Failures) != 1 || p.Failures[0].Code != "invalid_transition" || p.Failures[0].From != "closed" ||
			p.Failures[0].To != "open" || !strings.Contains(p.Failures[0].Message, "“Closed”") {
			t.Errorf("transition: %s", r.Body)
		}

		// Wrong fields are validation problems, under their API names.
		for _, c := range []struct {
			body       map[string]any
			field      string
			code       string
			docRejects bool
		}{
			{map[string]any{"numbers": []int64{a.Number}, "category": "Nulle part"}, "category", "category_unknown", false},
			{map[string]any{"numbers": []int64{a.Number}, "assignee_email": "paul.durand@exemple.fr"}, "assignee_email", "assignee_unknown", false},
			{map[string]any{"numbers": []int64{a.Number}, "assignee_email": "personne@exemple.fr"}, "assignee_email", "assignee_unknown", false},
			{map[string]any{"numbers": []int64{a.Number}, "incident_id": 999}, "incident_id", "incident_unknown", false},
			{map[string]any{"numbers": []int64{a.Number}, "merge_into": 9999}, "merge_into", "request_unknown", false},
			{map[string]any{"status": "open"}, "numbers", "required", true},
			{map[string]any{"numbers": manyNumbers(201), "status": "open"}, "numbers", "too_many", true},
			{map[string]any{"numbers": []string{"1001"}, "status": "open"}, "numbers", "type_invalid", true},
		} {
			r := k.do(call{method: "POST", path: path, token: agent, body: c.body, docRejects: c.docRejects})
			if p := problemOf(t, r, 422); p.fieldCode(c.field) != c.code || p.message(c.field) == "" {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		r = k.do(call{method: "POST", path: path, token: agent, body: map[string]any{"numbers": []int64{a.Number}}})
		if p := problemOf(t, r, 400); !strings.Contains(p.Detail, "no action") {
			t.Errorf("no action: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: path, token: agent, docRejects: true,
			body: map[string]any{"numbers": []int64{a.Number}, "statut": "open"}})
		if p := problemOf(t, r, 400); p.fieldCode("statut") != "unknown_field" {
			t.Errorf("unknown field: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: path, token: k.employee, body: map[string]any{"numbers": []int64{a.Number}, "status": "open"}})
		problemOf(t, r, 403)

		// It works: every action of the bar at once, on each request, in the order sent.
		r = k.do(call{method: "POST", path: path, token: agent, body: map[string]any{
			"numbers": []int64{b.Number, a.Number, b.Number}, "status": "open", "priority": "high",
			"category": "IT & Wi-Fi", "assignee_email": "jerome.lefevre@exemple.fr", "add_tags": []string{"wifi"}}})
		var got bulkJSON
		r.decode(t, &got)
		if r.Status != 200 || got.Count != 2 || len(got.Items) != 2 || got.Items[0].Number != b.Number || got.Items[1].Number != a.Number {
			t.Fatalf("bulk: %d %s", r.Status, r.Body)
		}
		for _, it := range got.Items {
			if it.Status != "open" || it.Priority != "high" || deref(it.Category) != "IT & Wi-Fi" || it.Assignee == nil ||
				it.Assignee.ID != k.jerome.ID || !slices.Contains(it.Tags, "wifi") {
				t.Errorf("#%d after bulk: %+v", it.Number, it)
			}
		}
		if tags := k.stored(b.Number).Tags; !slices.Equal(tags, []string{"3e", "wifi"}) {
			t.Errorf("tags are added to each request's own: %v", tags)
		}
		// Each change is audited under the token's name.
		entries, _, err := k.Audit.List(ctx, audit.Filter{Action: "request.update"})
		if err != nil {
			t.Fatal(err)
		}
		var byToken []string
		for _, e := range entries {
			if e.ActorKind == "token" && e.ActorID == tok.ID {
				byToken = append(byToken, e.EntityName)
			}
		}
		slices.Sort(byToken)
		if want := []string{"#" + itoa(a.Number), "#" + itoa(b.Number)}; !slices.Equal(byToken, want) {
			t.Errorf("audit by the token: %v, want %v", byToken, want)
		}
		// Null clears: the category goes, the assignee too.
		r = k.do(call{method: "POST", path: path, token: agent, body: map[string]any{
			"numbers": []int64{a.Number}, "category": nil, "assignee_email": nil}})
		if r.decode(t, &got); r.Status != 200 || got.Items[0].Category != nil || got.Items[0].Assignee != nil {
			t.Errorf("clear: %d %s", r.Status, r.Body)
		}

		// Link to an incident, then merge one into the other.
		r = k.do(call{method: "POST", path: path, token: agent, body: map[string]any{"numbers": []int64{a.Number, b.Number}, "incident_id": inc.ID}})
		if r.Status != 200 || k.stored(a.Number).IncidentID != inc.ID || k.stored(b.Number).IncidentID != inc.ID {
			t.Errorf("link: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "POST", path: path, token: agent, body: map[string]any{"numbers": []int64{a.Number, b.Number}, "merge_into": a.Number}})
		if r.Status != 200 {
			t.Fatalf("merge: %d %s", r.Status, r.Body)
		}
		if dup := k.stored(b.Number); dup.Status != request.StatusClosed || dup.MergedIntoID != k.stored(a.Number).ID {
			t.Errorf("merged: %+v", dup)
		}
	})
}

// manyNumbers is 1001, 1002… n of them.
func manyNumbers(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(1001 + i)
	}
	return out
}
