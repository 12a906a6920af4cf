package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/testutil"
)

func TestAuthentication(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		live := e.token(auth.Employee, "Lecture annuaire")
		tok, revoked, err := e.Auth.CreateToken(ctx, "Ancienne synchro", auth.Admin, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Auth.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name          string
			authorization string
			want          int
			invalidToken  bool // the challenge says error="invalid_token"
		}{
			{"no header", "", 401, false},
			{"another scheme", "Basic " + live, 401, false},
			{"empty bearer", "Bearer ", 401, false},
			{"not a Majordome token", "Bearer abc", 401, true},
			{"unknown token", "Bearer mjd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 401, true},
			{"revoked token", "Bearer " + revoked, 401, true},
			{"live token", "Bearer " + live, 200, false},
			{"scheme in lower case", "bearer " + live, 200, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				req, _ := http.NewRequest("GET", e.URL+"/api/v1/people", nil)
				if tt.authorization != "" {
					req.Header.Set("Authorization", tt.authorization)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != tt.want {
					t.Fatalf("status %d, want %d", res.StatusCode, tt.want)
				}
				if tt.want != 401 {
					return
				}
				ch := res.Header.Get("WWW-Authenticate")
				if !strings.HasPrefix(ch, "Bearer ") || strings.Contains(ch, "invalid_token") != tt.invalidToken {
					t.Errorf("WWW-Authenticate %q", ch)
				}
				if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type %q", ct)
				}
			})
		}
		// The same refusals, checked against the document.
		problemOf(t, e.do(call{method: "GET", path: "/api/v1/people", docRejects: true}), 401)
		problemOf(t, e.do(call{method: "GET", path: "/api/v1/people", token: revoked}), 401)
		problemOf(t, e.do(call{method: "GET", path: "/api/v1/people/1", token: revoked}), 401)
	})
}

func TestPermissions(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.token(auth.Admin, "admin")
		r := e.do(call{method: "POST", path: "/api/v1/people", token: admin,
			body: map[string]any{"first_name": "Camille", "last_name": "Martin", "email": "camille.martin@exemple.fr"}})
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var camille personJSON
		r.decode(t, &camille)
		id := "/api/v1/people/" + itoa(camille.ID)
		newPerson := map[string]any{"first_name": "Jean", "last_name": "Petit", "email": "jean.petit@exemple.fr"}

		tests := []struct {
			role         auth.Role
			method, path string
			body         any
			want         int
		}{
			{auth.Employee, "GET", "/api/v1/people", nil, 200},
			{auth.Employee, "GET", id, nil, 200},
			{auth.Employee, "POST", "/api/v1/people", newPerson, 403},
			{auth.Employee, "PATCH", id, map[string]any{"team": "Ventes"}, 403},
			{auth.Employee, "DELETE", id, nil, 403},
			{auth.Manager, "POST", "/api/v1/people", newPerson, 403},
			{auth.Manager, "DELETE", id, nil, 403},
			{auth.Agent, "PATCH", id, map[string]any{"team": "Ventes"}, 200},
			{auth.Agent, "POST", "/api/v1/people", newPerson, 201},
		}
		for _, tt := range tests {
			t.Run(string(tt.role)+" "+tt.method+" "+tt.path, func(t *testing.T) {
				before := e.count()
				r := e.do(call{method: tt.method, path: tt.path, token: e.token(tt.role, "jeton "+string(tt.role)), body: tt.body})
				if r.Status != tt.want {
					t.Fatalf("status %d, want %d: %s", r.Status, tt.want, r.Body)
				}
				if tt.want == 403 {
					problemOf(t, r, 403)
					if after := e.count(); after != before {
						t.Errorf("a refused request changed the directory: %d people, then %d", before, after)
					}
				}
			})
		}
		// The refused PATCH and DELETEs left Camille as she was; the agent's PATCH went through.
		var after personJSON
		e.do(call{method: "GET", path: id, token: admin}).decode(t, &after)
		if !after.Active || deref(after.Team) != "Ventes" {
			t.Errorf("after the refusals: active %v, team %s", after.Active, deref(after.Team))
		}
	})
}
