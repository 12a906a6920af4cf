package api_test

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/testutil"
)

func TestCreateThenGet(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tok := e.token(auth.Agent, "Synchro SIRH")
		create := func(body map[string]any) personJSON {
			t.Helper()
			r := e.do(call{method: "POST", path: "/api/v1/people", token: tok, body: body})
			if r.Status != 201 {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
			var p personJSON
			r.decode(t, &p)
			if loc := r.Header.Get("Location"); loc != "/api/v1/people/"+itoa(p.ID) {
				t.Errorf("Location %q for id %d", loc, p.ID)
			}
			return p
		}
		camille := create(map[string]any{"first_name": "Camille", "last_name": "Martin", "email": "camille.martin@exemple.fr"})
		if camille.Team != nil || camille.Site != nil || camille.ManagerEmail != nil || camille.StartDate != nil || camille.EndDate != nil {
			t.Errorf("empty optional values should be null: %+v", camille)
		}
		if !camille.Active || camille.Language != "fr" || !strings.HasSuffix(camille.CreatedAt, "Z") {
			t.Errorf("defaults: active %v, language %q, created_at %q", camille.Active, camille.Language, camille.CreatedAt)
		}

		helene := create(map[string]any{"first_name": "Hélène", "last_name": "Dupré", "email": "Helene.Dupre@exemple.fr",
			"team": "Produit", "site": "Lyon", "manager_email": "CAMILLE.MARTIN@exemple.fr", "start_date": "02/09/2024",
			"end_date": "2025-12-31", "language": "en", "active": true})
		r := e.do(call{method: "GET", path: "/api/v1/people/" + itoa(helene.ID), token: tok})
		if r.Status != 200 {
			t.Fatalf("get: %d %s", r.Status, r.Body)
		}
		var got personJSON
		r.decode(t, &got)
		if !reflect.DeepEqual(got, helene) {
			t.Errorf("GET differs from the POST answer:\n%+v\n%+v", got, helene)
		}
		checks := map[string][2]string{
			"first_name":    {got.FirstName, "Hélène"},
			"email":         {got.Email, "Helene.Dupre@exemple.fr"},
			"team":          {deref(got.Team), "Produit"},
			"site":          {deref(got.Site), "Lyon"},
			"manager_email": {deref(got.ManagerEmail), "camille.martin@exemple.fr"},
			"start_date":    {deref(got.StartDate), "2024-09-02"}, // typed the French way, shown the ISO way
			"end_date":      {deref(got.EndDate), "2025-12-31"},
			"language":      {got.Language, "en"},
		}
		for field, c := range checks {
			if c[0] != c[1] {
				t.Errorf("%s = %q, want %q", field, c[0], c[1])
			}
		}
	})
}

func TestCreateValidation(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tok := e.token(auth.Admin, "admin")
		if _, err := e.People.Create(context.Background(), people.Input{FirstName: "Camille", LastName: "Martin",
			Email: "camille.martin@exemple.fr"}); err != nil {
			t.Fatal(err)
		}
		valid := func(changes map[string]any) map[string]any {
			p := map[string]any{"first_name": "Jean", "last_name": "Petit", "email": "jean.petit@exemple.fr"}
			for k, v := range changes {
				if v == nil {
					delete(p, k)
				} else {
					p[k] = v
				}
			}
			return p
		}
		tests := []struct {
			name       string
			body       map[string]any
			field      string
			code       string
			message    string // a part of the French message
			docRejects bool   // openapi.json already forbids it (format, length, required)
		}{
			{"bad email", valid(map[string]any{"email": "jean.petit@"}), "email", "email_invalid", "n'est pas valide", true},
			{"email taken whatever its case", valid(map[string]any{"email": "Camille.MARTIN@Exemple.fr"}), "email", "email_taken", "déjà utilisée", false},
			{"unknown manager", valid(map[string]any{"manager_email": "paul.durand@exemple.fr"}), "manager_email", "manager_unknown", "paul.durand@exemple.fr", false},
			{"impossible date", valid(map[string]any{"start_date": "31/02/2022"}), "start_date", "date_invalid", "« 31/02/2022 » n'est pas une date valide", false},
			{"end before start", valid(map[string]any{"start_date": "2024-09-02", "end_date": "2024-01-01"}), "end_date", "end_before_start", "avant", false},
			{"over-long first name", valid(map[string]any{"first_name": strings.Repeat("é", 101)}), "first_name", "too_long", "100 caractères", true},
			{"missing last name", valid(map[string]any{"last_name": nil}), "last_name", "required", "obligatoire", true},
			{"unknown language", valid(map[string]any{"language": "de"}), "language", "language_invalid", "fr ou en", true},
			{"wrong JSON type", valid(map[string]any{"active": "oui"}), "active", "type_invalid", "Actif", true},
			{"number for a string", valid(map[string]any{"team": 12}), "team", "type_invalid", "Équipe", true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := e.count()
				r := e.do(call{method: "POST", path: "/api/v1/people", token: tok, body: tt.body, docRejects: tt.docRejects})
				p := problemOf(t, r, 422)
				if p.Type != "https://majordome.dev/problems/validation" {
					t.Errorf("type %q", p.Type)
				}
				if code := p.fieldCode(tt.field); code != tt.code {
					t.Errorf("%s: code %q, want %q in %s", tt.field, code, tt.code, r.Body)
				}
				if msg := p.message(tt.field); !strings.Contains(msg, tt.message) {
					t.Errorf("%s: message %q does not contain %q", tt.field, msg, tt.message)
				}
				if !strings.Contains(p.Detail, tt.field) {
					t.Errorf("detail %q does not name %s", p.Detail, tt.field)
				}
				if after := e.count(); after != before {
					t.Errorf("a refused create changed the directory: %d people, then %d", before, after)
				}
			})
		}
	})
}

func TestMessagesFollowAcceptLanguage(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tok := e.token(auth.Admin, "admin")
		body := map[string]any{"first_name": "Jean", "last_name": "Petit", "email": "jean.petit@exemple.fr",
			"manager_email": "paul.durand@exemple.fr"}
		tests := []struct{ lang, want string }{
			{"", "Le manager paul.durand@exemple.fr"},
			{"fr-FR,fr;q=0.9", "Le manager paul.durand@exemple.fr"},
			{"en", "The manager paul.durand@exemple.fr"},
			{"en-GB,en;q=0.9", "The manager paul.durand@exemple.fr"},
			{"de-DE", "Le manager paul.durand@exemple.fr"}, // a language Majordome does not speak: French
		}
		for _, tt := range tests {
			t.Run("lang="+tt.lang, func(t *testing.T) {
				p := problemOf(t, e.do(call{method: "POST", path: "/api/v1/people", token: tok, body: body, lang: tt.lang}), 422)
				if msg := p.message("manager_email"); !strings.HasPrefix(msg, tt.want) {
					t.Errorf("message %q, want it to start with %q", msg, tt.want)
				}
			})
		}
	})
}

func TestPatch(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tok := e.token(auth.Agent, "agent")
		ctx := context.Background()
		helene, err := e.People.Create(ctx, people.Input{FirstName: "Hélène", LastName: "Dupré", Email: "helene.dupre@exemple.fr",
			Team: "Produit", Site: "Lyon", StartDate: "2024-09-02"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/people/" + itoa(helene.ID)
		patch := func(body any, contentType string) personJSON {
			t.Helper()
			r := e.do(call{method: "PATCH", path: path, token: tok, body: body, contentType: contentType})
			if r.Status != 200 {
				t.Fatalf("patch %v: %d %s", body, r.Status, r.Body)
			}
			var p personJSON
			r.decode(t, &p)
			return p
		}

		p := patch(map[string]any{"site": "Paris"}, "application/merge-patch+json")
		if deref(p.Site) != "Paris" || deref(p.Team) != "Produit" || p.FirstName != "Hélène" || deref(p.StartDate) != "2024-09-02" {
			t.Errorf("only the site should change: %+v", p)
		}
		p = patch(`{"team": null}`, "application/json")
		if p.Team != nil || deref(p.Site) != "Paris" {
			t.Errorf("null should clear the team and only it: team %s, site %s", deref(p.Team), deref(p.Site))
		}
		if same := patch(`{}`, ""); !reflect.DeepEqual(same, p) {
			t.Errorf("an empty patch changed the person:\n%+v\n%+v", same, p)
		}

		r := e.do(call{method: "PATCH", path: path, token: tok, body: map[string]any{"email": "pas-une-adresse", "site": "Nantes"}, docRejects: true})
		if pr := problemOf(t, r, 422); pr.fieldCode("email") != "email_invalid" {
			t.Errorf("want email_invalid: %s", r.Body)
		}
		stored, err := e.People.Get(ctx, helene.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Site != "Paris" || stored.Email != "helene.dupre@exemple.fr" {
			t.Errorf("a refused patch was partly saved: site %q, email %q", stored.Site, stored.Email)
		}
		problemOf(t, e.do(call{method: "PATCH", path: "/api/v1/people/999999", token: tok, body: map[string]any{"site": "Paris"}}), 404)
	})
}

func TestDeleteDeactivates(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tok := e.token(auth.Agent, "Départs RH")
		ctx := context.Background()
		p, err := e.People.Create(ctx, people.Input{FirstName: "Jean", LastName: "Petit", Email: "jean.petit@exemple.fr"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/people/" + itoa(p.ID)
		for i := range 2 { // a second DELETE finds them gone already, and says the same
			r := e.do(call{method: "DELETE", path: path, token: tok})
			if r.Status != 204 || len(r.Body) != 0 {
				t.Fatalf("delete %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		var got personJSON
		e.do(call{method: "GET", path: path, token: tok}).decode(t, &got)
		if got.Active || got.Email != "jean.petit@exemple.fr" {
			t.Errorf("after DELETE the person should still exist, inactive: %+v", got)
		}
		ids := func(query string) []int64 {
			var l listJSON
			e.do(call{method: "GET", path: "/api/v1/people?" + query, token: tok}).decode(t, &l)
			return l.ids()
		}
		if slices.Contains(ids("active=true"), p.ID) || !slices.Contains(ids("active=false"), p.ID) || !slices.Contains(ids(""), p.ID) {
			t.Error("a deactivated person should be listed with active=false and by default, not with active=true")
		}
		entries, _, err := e.Audit.List(ctx, audit.Filter{Action: "person.deactivate"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].ActorName != "Départs RH" {
			t.Errorf("want one person.deactivate by the token, got %+v", entries)
		}
		problemOf(t, e.do(call{method: "DELETE", path: "/api/v1/people/999999", token: tok}), 404)
	})
}

// listJSON is a page of people as the API shows it.
type listJSON struct {
	Items      []personJSON `json:"items"`
	NextCursor *string      `json:"next_cursor"`
}

func (l listJSON) ids() []int64 {
	var out []int64
	for _, p := range l.Items {
		out = append(out, p.ID)
	}
	return out
}

func TestListFilters(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tok := e.token(auth.Employee, "lecture")
		ctx := context.Background()
		f := false
		for _, in := range []people.Input{
			{FirstName: "Hélène", LastName: "Dupré", Email: "helene.dupre@exemple.fr", Team: "Produit", Site: "Lyon"},
			{FirstName: "Camille", LastName: "Martin", Email: "camille.martin@exemple.fr", Team: "Ventes", Site: "Paris"},
			{FirstName: "Zoé", LastName: "Thomas", Email: "zoe.thomas@exemple.fr", Team: "Produit", Site: "Paris"},
			{FirstName: "Jean", LastName: "Petit", Email: "jean.petit@exemple.fr", Team: "Produit", Active: &f},
		} {
			if _, err := e.People.Create(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			query string
			want  []string // emails, in name order
		}{
			{"", []string{"helene.dupre@exemple.fr", "camille.martin@exemple.fr", "jean.petit@exemple.fr", "zoe.thomas@exemple.fr"}},
			{"q=helene", []string{"helene.dupre@exemple.fr"}},
			{"q=" + url.QueryEscape("HÉLÈNE dupre"), []string{"helene.dupre@exemple.fr"}},
			{"q=zoe", []string{"zoe.thomas@exemple.fr"}},
			{"team=Produit", []string{"helene.dupre@exemple.fr", "jean.petit@exemple.fr", "zoe.thomas@exemple.fr"}},
			{"team=produit&active=true", []string{"helene.dupre@exemple.fr", "zoe.thomas@exemple.fr"}},
			{"team=Produit&site=Paris", []string{"zoe.thomas@exemple.fr"}},
			{"site=" + url.QueryEscape("Paris"), []string{"camille.martin@exemple.fr", "zoe.thomas@exemple.fr"}},
			{"team=Inconnue", nil},
			{"site=Marseille", nil},
			{"active=false", []string{"jean.petit@exemple.fr"}},
			{"active=all&q=petit", []string{"jean.petit@exemple.fr"}},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				r := e.do(call{method: "GET", path: "/api/v1/people?" + tt.query, token: tok})
				if r.Status != 200 {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
				if tt.want == nil && !strings.Contains(string(r.Body), `"items":[]`) {
					t.Errorf("an empty list should be [] not null: %s", r.Body)
				}
				var l listJSON
				r.decode(t, &l)
				var got []string
				for _, p := range l.Items {
					got = append(got, p.Email)
				}
				if !slices.Equal(got, tt.want) || l.NextCursor != nil {
					t.Errorf("got %v (next %s), want %v", got, deref(l.NextCursor), tt.want)
				}
			})
		}
	})
}

func TestPagination(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tok := e.token(auth.Employee, "lecture")
		ctx := context.Background()
		for i := range 120 {
			// Pairs of people share a last name, so the cursor must also order by first name and id.
			_, err := e.People.Create(ctx, people.Input{FirstName: fmt.Sprintf("Prénom%03d", i),
				LastName: fmt.Sprintf("Nom%02d", i/2), Email: fmt.Sprintf("p%03d@exemple.fr", i)})
			if err != nil {
				t.Fatal(err)
			}
		}
		seen := map[int64]bool{}
		var sizes []int
		var names []string
		path := "/api/v1/people?limit=50"
		for pages := 0; ; pages++ {
			if pages > 3 {
				t.Fatal("more than 3 pages for 120 people by 50")
			}
			r := e.do(call{method: "GET", path: path, token: tok})
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			var l listJSON
			r.decode(t, &l)
			sizes = append(sizes, len(l.Items))
			for _, p := range l.Items {
				if seen[p.ID] {
					t.Errorf("%s %s appears twice", p.FirstName, p.LastName)
				}
				seen[p.ID] = true
				names = append(names, p.LastName+" "+p.FirstName)
			}
			if l.NextCursor == nil {
				break
			}
			path = "/api/v1/people?limit=50&cursor=" + url.QueryEscape(*l.NextCursor)
		}
		if !slices.Equal(sizes, []int{50, 50, 20}) || len(seen) != 120 {
			t.Errorf("pages of %v, %d people, want 50, 50, 20 and 120", sizes, len(seen))
		}
		if !slices.IsSorted(names) {
			t.Error("pages are not in name order")
		}
	})
}

func TestAuditNamesTheToken(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		tok, secret, err := e.Auth.CreateToken(ctx, "Synchro SIRH", auth.Agent, 0)
		if err != nil {
			t.Fatal(err)
		}
		r := e.do(call{method: "POST", path: "/api/v1/people", token: secret,
			body: map[string]any{"first_name": "Jean", "last_name": "Petit", "email": "jean.petit@exemple.fr"}})
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		entries, _, err := e.Audit.List(ctx, audit.Filter{Action: "person.create"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			t.Fatalf("%d person.create entries, want 1", len(entries))
		}
		a := entries[0]
		if a.ActorKind != "token" || a.ActorName != "Synchro SIRH" || a.ActorID != tok.ID || a.EntityName != "Jean Petit" {
			t.Errorf("audit entry %+v, want actor token %d Synchro SIRH", a, tok.ID)
		}
	})
}
