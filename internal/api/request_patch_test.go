package api_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

func TestRequestPatch(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		req := k.file(request.NewRequest{Title: "Imprimante bloquée", RequesterEmail: "zoe.thomas@exemple.fr", Category: "IT & Wi-Fi",
			Tags: []string{"imprimante"}})
		path := "/api/v1/requests/" + itoa(req.Number)
		patch := func(body any, contentType string) requestJSON {
			t.Helper()
			r := k.do(call{method: "PATCH", path: path, token: k.agent, body: body, contentType: contentType})
			if r.Status != 200 {
				t.Fatalf("patch %v: %d %s", body, r.Status, r.Body)
			}
			var got requestJSON
			r.decode(t, &got)
			return got
		}

		got := patch(map[string]any{"status": "open", "assignee_email": "Jerome.Lefevre@exemple.fr", "priority": "high",
			"due_date": "15/10/2025", "tags": []string{"Toner", "imprimante"}}, "application/merge-patch+json")
		if got.Status != "open" || got.Assignee == nil || got.Assignee.ID != k.jerome.ID || got.Assignee.Name != "Jérôme Lefèvre" ||
			got.Priority != "high" || deref(got.DueDate) != "2025-10-15" || strings.Join(got.Tags, ",") != "imprimante,toner" ||
			deref(got.Category) != "IT & Wi-Fi" {
			t.Errorf("after the patch: %+v", got)
		}
		got = patch(`{"assignee_email": null, "category": null, "due_date": null, "tags": null}`, "application/json")
		if got.Assignee != nil || got.Category != nil || got.DueDate != nil || len(got.Tags) != 0 || got.Status != "open" || got.Priority != "high" {
			t.Errorf("null should clear assignee, category, due date and tags, and only them: %+v", got)
		}
		if same := patch(`{}`, ""); !reflect.DeepEqual(same, got) {
			t.Errorf("an empty patch changed the request:\n%+v\n%+v", same, got)
		}

		// Refusals write nothing.
		before := k.stored(req.Number)
		refusals := []struct {
			name       string
			body       map[string]any
			fields     map[string]string // field → code
			message    string            // a part of the French message of the first field
			docRejects bool
		}{
			{"an employee account", map[string]any{"assignee_email": "paul.durand@exemple.fr", "priority": "low"},
				map[string]string{"assignee_email": "assignee_unknown"}, "n'est pas un agent actif", false},
			{"no such account", map[string]any{"assignee_email": "personne@exemple.fr", "category": "Cuisine", "due_date": "31/02/2026"},
				map[string]string{"assignee_email": "assignee_unknown", "category": "category_unknown", "due_date": "date_invalid"}, "n'est pas un agent actif", false},
			{"unknown status", map[string]any{"status": "ouvert"}, map[string]string{"status": "status_invalid"}, "Statut inconnu", true},
			{"status cannot be cleared", map[string]any{"status": nil, "priority": "low"}, map[string]string{"status": "status_invalid"}, "Statut inconnu", true},
			{"bad priority", map[string]any{"priority": "asap"}, map[string]string{"priority": "priority_invalid"}, "Priorité inconnue", true},
			{"wrong JSON type", map[string]any{"confidential": "oui", "tags": "x"}, map[string]string{"confidential": "type_invalid", "tags": "type_invalid"}, "Confidentiel", true},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				r := k.do(call{method: "PATCH", path: path, token: k.agent, body: tt.body, docRejects: tt.docRejects})
				p := problemOf(t, r, 422)
				first := ""
				for field, code := range tt.fields {
					if got := p.fieldCode(field); got != code {
						t.Errorf("%s: code %q, want %q in %s", field, got, code, r.Body)
					}
					if first == "" || field < first {
						first = field
					}
				}
				if len(p.Errors) != len(tt.fields) {
					t.Errorf("want exactly %v: %s", tt.fields, r.Body)
				}
				if msg := p.message(first); !strings.Contains(msg, tt.message) {
					t.Errorf("%s: message %q does not contain %q", first, msg, tt.message)
				}
				if after := k.stored(req.Number); !reflect.DeepEqual(after, before) {
					t.Errorf("a refused patch was partly saved:\n%+v\n%+v", before, after)
				}
			})
		}

		// The workflow: resolved, then closed, which is final.
		if got = patch(map[string]any{"status": "resolved"}, ""); got.Status != "resolved" || got.ResolvedAt == nil {
			t.Fatalf("resolve: %+v", got)
		}
		if got = patch(map[string]any{"status": "closed"}, ""); got.Status != "closed" || got.ClosedAt == nil {
			t.Fatalf("close: %+v", got)
		}
		r := k.do(call{method: "PATCH", path: path, token: k.agent, body: map[string]any{"status": "open", "priority": "low"}})
		p := problemOf(t, r, 409)
		if p.Type != "https://majordome.dev/problems/invalid-transition" || !strings.Contains(p.Detail, "closed cannot become open") ||
			!strings.Contains(p.Detail, "final") {
			t.Errorf("invalid transition: %s", r.Body)
		}
		if after := k.stored(req.Number); after.Status != request.StatusClosed || after.Priority != request.High {
			t.Errorf("a refused transition changed the request: %s %s", after.Status, after.Priority)
		}
		// A move the workflow does not have, from a status that has others: the detail lists them.
		waiting := k.file(request.NewRequest{Title: "Clés", RequesterEmail: "zoe.thomas@exemple.fr"})
		k.do(call{method: "PATCH", path: "/api/v1/requests/" + itoa(waiting.Number), token: k.agent, body: map[string]any{"status": "resolved"}})
		r = k.do(call{method: "PATCH", path: "/api/v1/requests/" + itoa(waiting.Number), token: k.agent, body: map[string]any{"status": "waiting_requester"}})
		if p := problemOf(t, r, 409); !strings.Contains(p.Detail, "it may become open, closed") {
			t.Errorf("the detail should list the possible statuses: %q", p.Detail)
		}

		problemOf(t, k.do(call{method: "PATCH", path: "/api/v1/requests/999999", token: k.agent, body: map[string]any{"priority": "low"}}), 404)
		problemOf(t, k.do(call{method: "PATCH", path: "/api/v1/requests/abc", token: k.agent, body: map[string]any{"priority": "low"}, docRejects: true}), 404)
		problemOf(t, k.do(call{method: "PATCH", path: path, token: k.agent, body: map[string]any{"number": 2}, docRejects: true}), 400)
	})
}

func TestRequestPermissions(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		req := k.file(request.NewRequest{Title: "Chauffage", RequesterEmail: "zoe.thomas@exemple.fr"})
		path := "/api/v1/requests/" + itoa(req.Number)
		newRequest := map[string]any{"title": "Badge", "requester_email": "helene.dupre@exemple.fr"}
		tests := []struct {
			name, token  string
			method, path string
			body         any
			want         int
		}{
			// Any token files a request: employees are the ones who ask.
			{"employee files", k.employee, "POST", "/api/v1/requests", newRequest, 201},
			{"manager files", k.manager, "POST", "/api/v1/requests", newRequest, 201},
			// A token is no person: an employee token has no requests of its own to see.
			{"employee reads", k.employee, "GET", path, nil, 404},
			{"employee replies", k.employee, "POST", path + "/replies", map[string]any{"body": "Merci"}, 404},
			{"employee writes a note", k.employee, "POST", path + "/replies", map[string]any{"body": "Note", "internal": true}, 403},
			{"employee patches", k.employee, "PATCH", path, map[string]any{"status": "open"}, 403},
			{"manager patches", k.manager, "PATCH", path, map[string]any{"status": "open"}, 403},
			{"agent reads", k.agent, "GET", path, nil, 200},
			{"agent patches", k.agent, "PATCH", path, map[string]any{"priority": "high"}, 200},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := k.do(call{method: tt.method, path: tt.path, token: tt.token, body: tt.body})
				if r.Status != tt.want {
					t.Fatalf("status %d, want %d: %s", r.Status, tt.want, r.Body)
				}
				if tt.want >= 400 {
					problemOf(t, r, tt.want)
				}
			})
		}
		var l requestListJSON
		k.do(call{method: "GET", path: "/api/v1/requests", token: k.employee}).decode(t, &l)
		if len(l.Items) != 0 {
			t.Errorf("an employee token lists %v, want nothing", l.numbers())
		}
		if after := k.stored(req.Number); after.Status != request.StatusNew || after.Priority != request.High {
			t.Errorf("only the agent's patch should have gone through: %s %s", after.Status, after.Priority)
		}
	})
}

func TestRequestAuditNamesTheToken(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		ctx := context.Background()
		tok, secret, err := k.Auth.CreateToken(ctx, "Passerelle e-mail", auth.Agent, 0)
		if err != nil {
			t.Fatal(err)
		}
		r := k.do(call{method: "POST", path: "/api/v1/requests", token: secret,
			body: map[string]any{"title": "Colis à récupérer", "requester_email": "zoe.thomas@exemple.fr", "channel": "email"}})
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		k.do(call{method: "PATCH", path: "/api/v1/requests/1001", token: secret, body: map[string]any{"priority": "urgent"}})
		for _, action := range []string{"request.create", "request.update"} {
			entries, _, err := k.Audit.List(ctx, audit.Filter{Action: action})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				t.Fatalf("%d %s entries, want 1", len(entries), action)
			}
			a := entries[0]
			if a.ActorKind != "token" || a.ActorName != "Passerelle e-mail" || a.ActorID != tok.ID || a.EntityName != "#1001" {
				t.Errorf("%s: audit entry %+v, want actor token %d Passerelle e-mail on #1001", action, a, tok.ID)
			}
		}
		// The request's own timeline names the token too.
		events, err := k.Requests.Timeline(ctx, request.Viewer{Role: auth.Admin}, k.stored(1001))
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 || events[0].Kind != "created" || events[0].To != "email" || events[1].ActorName != "Passerelle e-mail" {
			t.Errorf("timeline %+v", events)
		}
	})
}
