package api_test

import (
	"slices"
	"strings"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// ruleJSON is a routing rule as the API shows it.
type ruleJSON struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Enabled    bool   `json:"enabled"`
	Stop       bool   `json:"stop"`
	Position   int    `json:"position"`
	Conditions struct {
		Words    []string `json:"words"`
		Category *string  `json:"category"`
		Team     *string  `json:"team"`
		Site     *string  `json:"site"`
		Channel  *string  `json:"channel"`
	} `json:"conditions"`
	Actions struct {
		Category      *string  `json:"category"`
		Priority      *string  `json:"priority"`
		AssigneeEmail *string  `json:"assignee_email"`
		Tags          []string `json:"tags"`
		Confidential  bool     `json:"confidential"`
	} `json:"actions"`
}

// rules lists the rules in running order, by name.
func (k desk) rules() []string {
	k.t.Helper()
	r := k.do(call{method: "GET", path: "/api/v1/rules", token: k.admin})
	if r.Status != 200 {
		k.t.Fatalf("list rules: %d %s", r.Status, r.Body)
	}
	var page struct{ Items []ruleJSON }
	r.decode(k.t, &page)
	var out []string
	for i, ru := range page.Items {
		if ru.Position != i+1 {
			k.t.Errorf("rule %q at rank %d says position %d", ru.Name, i+1, ru.Position)
		}
		out = append(out, ru.Name)
	}
	return out
}

func TestRulesThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)

		// Admins only: an agent token may not even read them.
		for _, c := range []call{
			{method: "GET", path: "/api/v1/rules", token: k.agent},
			{method: "POST", path: "/api/v1/rules", token: k.agent, body: map[string]any{"name": "X", "actions": map[string]any{"priority": "high"}}},
			{method: "DELETE", path: "/api/v1/rules/1", token: k.agent},
		} {
			if r := k.do(c); r.Status != 403 {
				t.Fatalf("agent %s %s: %d", c.method, c.path, r.Status)
			}
		}

		// A rule by names and email, as requests take them.
		r := k.do(call{method: "POST", path: "/api/v1/rules", token: k.admin, body: map[string]any{
			"name":       "Imprimante",
			"conditions": map[string]any{"words": []string{"imprimante", " scanner "}, "channel": "web"},
			"actions": map[string]any{"category": "it & wi-fi", "priority": "high", "assignee_email": "Jerome.Lefevre@exemple.fr",
				"tags": []string{"Impression"}},
		}})
		var printer ruleJSON
		r.decode(t, &printer)
		if r.Status != 201 || !printer.Enabled || printer.Position != 1 || !slices.Equal(printer.Conditions.Words, []string{"imprimante", "scanner"}) ||
			deref(printer.Conditions.Channel) != "web" || printer.Conditions.Category != nil ||
			deref(printer.Actions.Category) != "IT & Wi-Fi" || deref(printer.Actions.Priority) != "high" ||
			deref(printer.Actions.AssigneeEmail) != "jerome.lefevre@exemple.fr" || !slices.Equal(printer.Actions.Tags, []string{"impression"}) ||
			r.Header.Get("Location") != "/api/v1/rules/"+itoa(printer.ID) {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}

		// It runs on new requests.
		req := k.file(request.NewRequest{Title: "L'imprimante du 2e bourre", RequesterEmail: "zoe.thomas@exemple.fr", Channel: request.Web})
		if req.Category != "IT & Wi-Fi" || req.Priority != request.High || req.AssigneeID != k.jerome.ID {
			t.Fatalf("the rule did not route: %+v", req)
		}

		// Wrong fields are named as the API names them, with the desk's messages; nothing is saved.
		r = k.do(call{method: "POST", path: "/api/v1/rules", token: k.admin, body: map[string]any{"name": "Cuisine",
			"conditions": map[string]any{"team": "Nulle part"},
			"actions":    map[string]any{"category": "Cuisine", "assignee_email": "paul.durand@exemple.fr"}}})
		p := problemOf(t, r, 422)
		if p.fieldCode("actions.category") != "rule_category_unknown" || p.fieldCode("actions.assignee_email") != "assignee_unknown" ||
			p.fieldCode("conditions.team") != "rule_team_unknown" || strings.Contains(p.message("actions.assignee_email"), "n'est pas valide") {
			t.Fatalf("unknown names: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: "/api/v1/rules", token: k.admin, body: map[string]any{"name": "Rien", "conditions": map[string]any{"words": []string{"rien"}}}})
		if p := problemOf(t, r, 422); p.fieldCode("actions") != "rule_no_action" {
			t.Fatalf("no action: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: "/api/v1/rules", token: k.admin, docRejects: true,
			body: map[string]any{"name": "Faute", "conditions": map[string]any{"mots": "fuite"}, "actions": map[string]any{"priority": "urgent"}}})
		if p := problemOf(t, r, 400); p.fieldCode("conditions.mots") != "unknown_field" {
			t.Fatalf("unknown condition: %s", r.Body)
		}
		if got := k.rules(); !slices.Equal(got, []string{"Imprimante"}) {
			t.Fatalf("a refused rule was saved: %v", got)
		}

		// A second rule placed first; a patch changes only what it sends, and moves.
		r = k.do(call{method: "POST", path: "/api/v1/rules", token: k.admin, body: map[string]any{"name": "Paie", "position": 1, "stop": true,
			"conditions": map[string]any{"words": []string{"salaire"}}, "actions": map[string]any{"category": "RH & paie", "confidential": true}}})
		var paie ruleJSON
		r.decode(t, &paie)
		if r.Status != 201 || paie.Position != 1 || !paie.Stop || !slices.Equal(k.rules(), []string{"Paie", "Imprimante"}) {
			t.Fatalf("create first: %d %s", r.Status, r.Body)
		}
		path := "/api/v1/rules/" + itoa(printer.ID)
		r = k.do(call{method: "PATCH", path: path, token: k.admin, contentType: "application/merge-patch+json",
			body: map[string]any{"enabled": false, "position": 1, "actions": map[string]any{"assignee_email": nil}}})
		var got ruleJSON
		r.decode(t, &got)
		if r.Status != 200 || got.Enabled || got.Position != 1 || got.Actions.AssigneeEmail != nil || deref(got.Actions.Priority) != "high" ||
			!slices.Equal(got.Conditions.Words, printer.Conditions.Words) || !slices.Equal(k.rules(), []string{"Imprimante", "Paie"}) {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "PATCH", path: path, token: k.admin, body: map[string]any{"actions": map[string]any{"priority": nil, "category": nil, "tags": nil}}})
		if p := problemOf(t, r, 422); p.fieldCode("actions") != "rule_no_action" {
			t.Fatalf("patch away every action: %s", r.Body)
		}

		// Deleting, and unknown ids.
		if r := k.do(call{method: "DELETE", path: path, token: k.admin}); r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		problemOf(t, k.do(call{method: "DELETE", path: path, token: k.admin}), 404)
		problemOf(t, k.do(call{method: "PATCH", path: path, token: k.admin, body: map[string]any{"stop": true}}), 404)
		if got := k.rules(); !slices.Equal(got, []string{"Paie"}) {
			t.Fatalf("after delete: %v", got)
		}
	})
}
