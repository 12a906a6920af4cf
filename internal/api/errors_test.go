package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/testutil"
)

// TestProblems checks that every way a request can go wrong answers an RFC 9457 problem with
// the right status, and names what to fix.
func TestProblems(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tok := e.token(auth.Admin, "admin")
		p, err := e.People.Create(context.Background(), people.Input{FirstName: "Jean", LastName: "Petit", Email: "jean.petit@exemple.fr"})
		if err != nil {
			t.Fatal(err)
		}
		id := "/api/v1/people/" + itoa(p.ID)
		huge := `{"first_name": "` + strings.Repeat("a", 1<<20) + `"}`
		tests := []struct {
			name   string
			c      call
			status int
			typ    string   // problem type, about:blank when ""
			fields []string // the fields or parameters errors must name, in order
			detail string   // a part of the detail
			allow  string   // the Allow header of a 405
		}{
			{name: "unknown path", c: call{method: "GET", path: "/api/v1/nothing-here", token: tok}, status: 404, detail: "/api/v1/nothing-here"},
			{name: "unknown version", c: call{method: "GET", path: "/api/v2/people", token: tok}, status: 404},
			{name: "path under a person", c: call{method: "GET", path: id + "/manager", token: tok}, status: 404},
			{name: "id not a number", c: call{method: "GET", path: "/api/v1/people/abc", token: tok, docRejects: true}, status: 404},
			{name: "id zero", c: call{method: "GET", path: "/api/v1/people/0", token: tok, docRejects: true}, status: 404},
			{name: "unknown id", c: call{method: "GET", path: "/api/v1/people/999999", token: tok}, status: 404},
			{name: "PUT on the list", c: call{method: "PUT", path: "/api/v1/people", token: tok}, status: 405, allow: "GET, HEAD, POST"},
			{name: "POST on a person", c: call{method: "POST", path: id, token: tok}, status: 405, allow: "GET, HEAD, PATCH, DELETE"},
			{name: "DELETE on the document", c: call{method: "DELETE", path: "/api/v1/openapi.json"}, status: 405, allow: "GET, HEAD"},
			{name: "malformed JSON", c: call{method: "POST", path: "/api/v1/people", token: tok, body: `{"first_name": "Jean",}`, docRejects: true},
				status: 400, typ: "invalid-body", detail: "not valid JSON"},
			{name: "empty body", c: call{method: "POST", path: "/api/v1/people", token: tok, body: ``, contentType: "application/json", docRejects: true},
				status: 400, typ: "invalid-body"},
			{name: "array body", c: call{method: "POST", path: "/api/v1/people", token: tok, body: `[{"first_name": "Jean"}]`, docRejects: true},
				status: 400, typ: "invalid-body", detail: "JSON object"},
			{name: "null body", c: call{method: "PATCH", path: id, token: tok, body: `null`, docRejects: true},
				status: 400, typ: "invalid-body", detail: "JSON object"},
			// kin-openapi reads only the first JSON value of a body, so the document cannot refuse this one.
			{name: "two objects", c: call{method: "PATCH", path: id, token: tok, body: `{} {}`},
				status: 400, typ: "invalid-body", detail: "one JSON object"},
			{name: "unknown fields", c: call{method: "POST", path: "/api/v1/people", token: tok, docRejects: true,
				body: map[string]any{"first_name": "Jean", "last_name": "Petit", "email": "j.p@exemple.fr", "prenom": "Jean", "id": 3}},
				status: 400, typ: "invalid-body", fields: []string{"id", "prenom"}, detail: "Unknown fields: id, prenom"},
			{name: "field names are case-sensitive", c: call{method: "PATCH", path: id, token: tok, body: `{"First_Name": "Jo"}`, docRejects: true},
				status: 400, typ: "invalid-body", fields: []string{"First_Name"}},
			{name: "form instead of JSON", c: call{method: "POST", path: "/api/v1/people", token: tok, body: "first_name=Jean",
				contentType: "application/x-www-form-urlencoded", docRejects: true}, status: 415, detail: "application/json"},
			{name: "body over 1 MiB", c: call{method: "POST", path: "/api/v1/people", token: tok, body: huge, docRejects: true}, status: 413},
			{name: "wrong types, all named", c: call{method: "PATCH", path: id, token: tok, body: `{"active": "yes", "first_name": 3, "site": "Lyon"}`, docRejects: true},
				status: 422, typ: "validation", fields: []string{"first_name", "active"}},
			{name: "null for a yes-or-no", c: call{method: "PATCH", path: id, token: tok, body: `{"active": null}`, docRejects: true},
				status: 422, typ: "validation", fields: []string{"active"}},
			{name: "limit too big", c: call{method: "GET", path: "/api/v1/people?limit=500", token: tok, docRejects: true},
				status: 400, typ: "invalid-parameter", fields: []string{"limit"}, detail: "1 to 200"},
			{name: "limit zero", c: call{method: "GET", path: "/api/v1/people?limit=0", token: tok, docRejects: true},
				status: 400, typ: "invalid-parameter", fields: []string{"limit"}},
			{name: "limit not a number", c: call{method: "GET", path: "/api/v1/people?limit=ten", token: tok, docRejects: true},
				status: 400, typ: "invalid-parameter", fields: []string{"limit"}},
			{name: "cursor not ours", c: call{method: "GET", path: "/api/v1/people?cursor=n0t-a-cursor!", token: tok},
				status: 400, typ: "invalid-parameter", fields: []string{"cursor"}},
			{name: "active not a choice", c: call{method: "GET", path: "/api/v1/people?active=yes", token: tok, docRejects: true},
				status: 400, typ: "invalid-parameter", fields: []string{"active"}, detail: "true, false or all"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := e.count()
				r := e.do(tt.c)
				pr := problemOf(t, r, tt.status)
				want := "about:blank"
				if tt.typ != "" {
					want = "https://majordome.dev/problems/" + tt.typ
				}
				if pr.Type != want {
					t.Errorf("type %q, want %q", pr.Type, want)
				}
				var fields []string
				for _, fe := range pr.Errors {
					fields = append(fields, fe.Field)
					if fe.Code == "" || fe.Message == "" {
						t.Errorf("error without code or message: %+v", fe)
					}
				}
				if !slices.Equal(fields, tt.fields) {
					t.Errorf("errors name %v, want %v", fields, tt.fields)
				}
				if !strings.Contains(pr.Detail, tt.detail) {
					t.Errorf("detail %q does not contain %q", pr.Detail, tt.detail)
				}
				if got := r.Header.Get("Allow"); got != tt.allow {
					t.Errorf("Allow %q, want %q", got, tt.allow)
				}
				if after := e.count(); after != before {
					t.Errorf("a refused request changed the directory: %d people, then %d", before, after)
				}
			})
		}
	})
}

// TestInternalError checks that a failure of the server itself (here, a database that went
// away) is a 500 problem that blames no one and leaks nothing.
func TestInternalError(t *testing.T) {
	d := testutil.SQLite(t)
	e := newEnv(t, d)
	tok := e.token(auth.Admin, "admin")
	d.Close()
	pr := problemOf(t, e.do(call{method: "GET", path: "/api/v1/people", token: tok}), 500)
	if pr.Type != "about:blank" || !strings.Contains(pr.Detail, "on our side") || strings.Contains(pr.Detail, "sql") {
		t.Errorf("problem %+v", pr)
	}
}
