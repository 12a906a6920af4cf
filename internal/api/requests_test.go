package api_test

import (
	"context"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// requestJSON is a request as the API shows it, for reading replies.
type requestJSON struct {
	Number      int64  `json:"number"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Requester   struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"requester"`
	Category *string `json:"category"`
	Priority string  `json:"priority"`
	Status   string  `json:"status"`
	Assignee *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"assignee"`
	DueDate         *string  `json:"due_date"`
	Channel         string   `json:"channel"`
	Confidential    bool     `json:"confidential"`
	Tags            []string `json:"tags"`
	FirstResponseAt *string  `json:"first_response_at"`
	ResolvedAt      *string  `json:"resolved_at"`
	ClosedAt        *string  `json:"closed_at"`
	Satisfaction    *int     `json:"satisfaction"`
	CreatedAt       string   `json:"created_at"`
	UpdatedAt       string   `json:"updated_at"`
}

// requestListJSON is a page of requests.
type requestListJSON struct {
	Items      []requestJSON `json:"items"`
	NextCursor *string       `json:"next_cursor"`
}

func (l requestListJSON) numbers() []int64 {
	var out []int64
	for _, r := range l.Items {
		out = append(out, r.Number)
	}
	return out
}

// desk is a small office around the API: Zoé and Hélène ask; Jérôme (agent) and Camille (admin)
// have accounts; Paul has an employee account, so cannot be assigned. Each role has a token.
type desk struct {
	*env
	jerome, camille, paul           auth.User
	admin, agent, manager, employee string // token secrets
}

func newDesk(t *testing.T, d *db.DB) desk {
	t.Helper()
	e := newEnv(t, d)
	ctx := context.Background()
	for _, in := range []people.Input{
		{FirstName: "Zoé", LastName: "Thomas", Email: "zoe.thomas@exemple.fr"},
		{FirstName: "Hélène", LastName: "Dupré", Email: "helene.dupre@exemple.fr"},
	} {
		if _, err := e.People.Create(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	user := func(name, email string, role auth.Role) auth.User {
		u, err := e.Auth.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	return desk{env: e,
		jerome:  user("Jérôme Lefèvre", "jerome.lefevre@exemple.fr", auth.Agent),
		camille: user("Camille Martin", "camille.martin@exemple.fr", auth.Admin),
		paul:    user("Paul Durand", "paul.durand@exemple.fr", auth.Employee),
		admin:   e.token(auth.Admin, "Admin"), agent: e.token(auth.Agent, "Intégration Slack"),
		employee: e.token(auth.Employee, "Portail salariés"), manager: e.token(auth.Manager, "Managers")}
}

// file creates a request through the domain, as another channel would.
func (k desk) file(in request.NewRequest) request.Request {
	k.t.Helper()
	r, err := k.Requests.Create(context.Background(), in)
	if err != nil {
		k.t.Fatal(err)
	}
	return r
}

// numbers lists every request, as an admin sees them: the truth a refused write must not change.
func (k desk) numbers() []int64 {
	k.t.Helper()
	p, err := k.Requests.List(context.Background(), request.Viewer{Role: auth.Admin}, request.Filter{Limit: 200})
	if err != nil {
		k.t.Fatal(err)
	}
	var out []int64
	for _, r := range p.Items {
		out = append(out, r.Number)
	}
	return out
}

// stored reads a request through the domain, whoever may see it.
func (k desk) stored(number int64) request.Request {
	k.t.Helper()
	r, err := k.Requests.Get(context.Background(), request.Viewer{Role: auth.Admin}, number)
	if err != nil {
		k.t.Fatal(err)
	}
	return r
}

func (k desk) get(token string, number int64) (reply, requestJSON) {
	k.t.Helper()
	r := k.do(call{method: "GET", path: "/api/v1/requests/" + itoa(number), token: token})
	var got requestJSON
	if r.Status == 200 {
		r.decode(k.t, &got)
	}
	return r, got
}

func TestRequestCreateThenGet(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		create := func(body map[string]any) (requestJSON, reply) {
			t.Helper()
			r := k.do(call{method: "POST", path: "/api/v1/requests", token: k.agent, body: body})
			if r.Status != 201 {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
			var got requestJSON
			r.decode(t, &got)
			if loc := r.Header.Get("Location"); loc != "/api/v1/requests/"+itoa(got.Number) {
				t.Errorf("Location %q for number %d", loc, got.Number)
			}
			return got, r
		}
		plain, raw := create(map[string]any{"title": "Badge perdu", "requester_email": "zoe.thomas@exemple.fr"})
		if plain.Number != 1001 || plain.Channel != "api" || plain.Priority != "normal" || plain.Status != "new" ||
			plain.Description != "" || plain.Confidential {
			t.Errorf("defaults: %+v", plain)
		}
		if plain.Category != nil || plain.Assignee != nil || plain.DueDate != nil || plain.FirstResponseAt != nil ||
			plain.ResolvedAt != nil || plain.ClosedAt != nil || plain.Satisfaction != nil {
			t.Errorf("empty optional values should be null: %s", raw.Body)
		}
		if !strings.Contains(string(raw.Body), `"tags":[]`) {
			t.Errorf("no tags should be [] not null: %s", raw.Body)
		}
		if !strings.HasSuffix(plain.CreatedAt, "Z") || !strings.HasSuffix(plain.UpdatedAt, "Z") {
			t.Errorf("times in UTC: %s %s", plain.CreatedAt, plain.UpdatedAt)
		}

		full, _ := create(map[string]any{"title": "  Plus d'eau   chaude ", "description": "Le ballon fait un bruit.",
			"requester_email": "Helene.DUPRE@exemple.fr", "category": "locaux & MAINTENANCE", "priority": "high",
			"channel": "slack", "tags": []string{"Cuisine", "3e étage", "cuisine"}})
		r, got := k.get(k.agent, full.Number)
		if r.Status != 200 {
			t.Fatalf("get: %d %s", r.Status, r.Body)
		}
		if !reflect.DeepEqual(got, full) {
			t.Errorf("GET differs from the POST answer:\n%+v\n%+v", got, full)
		}
		checks := map[string][2]string{
			"number":    {itoa(got.Number), "1002"},
			"title":     {got.Title, "Plus d'eau chaude"},
			"requester": {got.Requester.Name + " <" + got.Requester.Email + ">", "Hélène Dupré <helene.dupre@exemple.fr>"},
			"category":  {deref(got.Category), "Locaux & maintenance"},
			"priority":  {got.Priority, "high"},
			"channel":   {got.Channel, "slack"},
			"tags":      {strings.Join(got.Tags, ","), "3e-étage,cuisine"},
		}
		for field, c := range checks {
			if c[0] != c[1] {
				t.Errorf("%s = %q, want %q", field, c[0], c[1])
			}
		}

		// RH & paie is confidential by default; the caller may say otherwise.
		pay, _ := create(map[string]any{"title": "Fiche de paie", "requester_email": "zoe.thomas@exemple.fr", "category": "RH & paie"})
		mutuelle, _ := create(map[string]any{"title": "Mutuelle", "requester_email": "zoe.thomas@exemple.fr", "category": "RH & paie", "confidential": false})
		if !pay.Confidential || mutuelle.Confidential {
			t.Errorf("confidential: default %v, explicit false %v", pay.Confidential, mutuelle.Confidential)
		}
	})
}

func TestRequestCreateValidation(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		k.file(request.NewRequest{Title: "Première", RequesterEmail: "zoe.thomas@exemple.fr"})
		valid := func(changes map[string]any) map[string]any {
			p := map[string]any{"title": "Wi-Fi en panne", "requester_email": "zoe.thomas@exemple.fr"}
			for name, v := range changes {
				if v == nil {
					delete(p, name)
				} else {
					p[name] = v
				}
			}
			return p
		}
		type want struct{ field, code, message string } // message: a part of the French one
		tests := []struct {
			name       string
			body       map[string]any
			want       []want
			docRejects bool // openapi.json already forbids it
		}{
			{"empty title", valid(map[string]any{"title": ""}), []want{{"title", "required", "Titre est obligatoire"}}, true},
			{"blank title", valid(map[string]any{"title": "   "}), []want{{"title", "required", "obligatoire"}}, true},
			{"no title", valid(map[string]any{"title": nil}), []want{{"title", "required", "obligatoire"}}, true},
			{"unknown requester", valid(map[string]any{"requester_email": "paul.durand@exemple.fr"}),
				[]want{{"requester_email", "requester_unknown", "paul.durand@exemple.fr"}}, false},
			{"unknown category", valid(map[string]any{"category": "Cuisine"}), []want{{"category", "category_unknown", "« Cuisine »"}}, false},
			{"bad priority", valid(map[string]any{"priority": "asap"}), []want{{"priority", "priority_invalid", "urgent, high, normal ou low"}}, true},
			{"bad channel", valid(map[string]any{"channel": "fax"}), []want{{"channel", "channel_invalid", "web, api"}}, true},
			{"too many tags", valid(map[string]any{"tags": strings.Fields("a b c d e f g h i j k")}), []want{{"tags", "too_many", "trop"}}, true},
			{"tags not a list", valid(map[string]any{"tags": "cuisine"}), []want{{"tags", "type_invalid", "Étiquettes"}}, true},
			{"everything wrong at once", map[string]any{"title": "", "requester_email": "personne@exemple.fr", "category": "Cuisine", "priority": "asap"},
				[]want{{"title", "required", ""}, {"requester_email", "requester_unknown", ""}, {"category", "category_unknown", ""}, {"priority", "priority_invalid", ""}}, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := k.numbers()
				r := k.do(call{method: "POST", path: "/api/v1/requests", token: k.agent, body: tt.body, docRejects: tt.docRejects})
				p := problemOf(t, r, 422)
				if p.Type != "https://majordome.dev/problems/validation" {
					t.Errorf("type %q", p.Type)
				}
				for _, w := range tt.want {
					if code := p.fieldCode(w.field); code != w.code {
						t.Errorf("%s: code %q, want %q in %s", w.field, code, w.code, r.Body)
					}
					if msg := p.message(w.field); !strings.Contains(msg, w.message) {
						t.Errorf("%s: message %q does not contain %q", w.field, msg, w.message)
					}
					if !strings.Contains(p.Detail, w.field) {
						t.Errorf("detail %q does not name %s", p.Detail, w.field)
					}
				}
				if after := k.numbers(); !slices.Equal(after, before) {
					t.Errorf("a refused create wrote a request: %v, then %v", before, after)
				}
			})
		}
		// No refused request used a number.
		r := k.do(call{method: "POST", path: "/api/v1/requests", token: k.agent, body: valid(nil)})
		var next requestJSON
		r.decode(t, &next)
		if r.Status != 201 || next.Number != 1002 {
			t.Fatalf("the next request after the refusals: %d, number %d, want 1002", r.Status, next.Number)
		}
	})
}

func TestRequestListFilters(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		ctx := context.Background()
		zoe, helene := "zoe.thomas@exemple.fr", "helene.dupre@exemple.fr"
		wifi := k.file(request.NewRequest{Title: "Wi-Fi en panne", RequesterEmail: zoe, Category: "IT & Wi-Fi", Priority: request.Urgent})            // 1001
		chair := k.file(request.NewRequest{Title: "Chaise cassée", RequesterEmail: helene, Category: "Locaux & maintenance", Channel: request.Slack}) // 1002
		pay := k.file(request.NewRequest{Title: "Fiche de paie", RequesterEmail: zoe, Category: "RH & paie"})                                         // 1003, confidential
		screen := k.file(request.NewRequest{Title: "Écran", RequesterEmail: helene, Category: "IT & Wi-Fi", Priority: request.Low})                   // 1004
		pens := k.file(request.NewRequest{Title: "Stylos", RequesterEmail: zoe, Category: "Fournitures"})                                             // 1005
		admin := request.Viewer{Role: auth.Admin, Name: "test"}
		resolved := request.StatusResolved
		if _, err := k.Requests.Update(ctx, admin, chair.Number, request.Change{AssigneeID: &k.jerome.ID, Status: &resolved}); err != nil {
			t.Fatal(err)
		}
		if _, err := k.Requests.Update(ctx, admin, wifi.Number, request.Change{AssigneeID: &k.jerome.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := k.Requests.Update(ctx, admin, pay.Number, request.Change{AssigneeID: &k.camille.ID}); err != nil {
			t.Fatal(err)
		}
		all := []int64{pens.Number, screen.Number, pay.Number, chair.Number, wifi.Number}
		tests := []struct {
			query string
			want  []int64 // newest first
		}{
			{"", all},
			{"status=active", []int64{1005, 1004, 1003, 1001}},
			{"status=resolved", []int64{1002}},
			{"status=closed", nil},
			{"priority=urgent", []int64{1001}},
			{"priority=low", []int64{1004}},
			{"category=" + url.QueryEscape("it & wi-fi"), []int64{1004, 1001}},
			{"category=Inconnue", nil},
			{"assignee=jerome.lefevre@exemple.fr", []int64{1002, 1001}},
			{"assignee=" + url.QueryEscape("Camille.Martin@exemple.fr"), []int64{1003}},
			{"assignee=none", []int64{1005, 1004}},
			{"assignee=personne@exemple.fr", nil},
			{"confidential=true", []int64{1003}},
			{"confidential=false", []int64{1005, 1004, 1002, 1001}},
			{"channel=slack", []int64{1002}},
			{"channel=api", nil},
			{"status=active&category=" + url.QueryEscape("IT & Wi-Fi") + "&assignee=none", []int64{1004}},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				r := k.do(call{method: "GET", path: "/api/v1/requests?" + tt.query, token: k.admin})
				if r.Status != 200 {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
				if tt.want == nil && !strings.Contains(string(r.Body), `"items":[]`) {
					t.Errorf("an empty list should be [] not null: %s", r.Body)
				}
				var l requestListJSON
				r.decode(t, &l)
				if got := l.numbers(); !slices.Equal(got, tt.want) || l.NextCursor != nil {
					t.Errorf("got %v (next %s), want %v", got, deref(l.NextCursor), tt.want)
				}
			})
		}

		t.Run("pages", func(t *testing.T) {
			var got []int64
			var sizes []int
			path := "/api/v1/requests?limit=2"
			for pages := 0; ; pages++ {
				if pages > 3 {
					t.Fatal("more than 3 pages for 5 requests by 2")
				}
				var l requestListJSON
				r := k.do(call{method: "GET", path: path, token: k.admin})
				if r.Status != 200 {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
				r.decode(t, &l)
				got, sizes = append(got, l.numbers()...), append(sizes, len(l.Items))
				if l.NextCursor == nil {
					break
				}
				path = "/api/v1/requests?limit=2&cursor=" + url.QueryEscape(*l.NextCursor)
			}
			if !slices.Equal(got, all) || !slices.Equal(sizes, []int{2, 2, 1}) {
				t.Errorf("pages of %v: %v, want %v", sizes, got, all)
			}
		})

		bad := []struct {
			query, param string
			docRejects   bool
		}{
			{"status=ouvert", "status", true},
			{"priority=asap", "priority", true},
			{"confidential=oui", "confidential", true},
			{"channel=fax", "channel", true},
			{"limit=0", "limit", true},
			{"cursor=abc", "cursor", false},
			{"cursor=-3", "cursor", false},
			{"assignee=me", "assignee", false},
			{"q=" + strings.Repeat("a", 201), "q", true},
		}
		for _, tt := range bad {
			t.Run(tt.query, func(t *testing.T) {
				r := k.do(call{method: "GET", path: "/api/v1/requests?" + tt.query, token: k.admin, docRejects: tt.docRejects})
				p := problemOf(t, r, 400)
				if p.Type != "https://majordome.dev/problems/invalid-parameter" || p.fieldCode(tt.param) != "parameter_invalid" {
					t.Errorf("want parameter_invalid on %s: %s", tt.param, r.Body)
				}
			})
		}
	})
}

func TestRequestSearch(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		k.file(request.NewRequest{Title: "Électricité coupée salle B", RequesterEmail: "helene.dupre@exemple.fr"})
		k.file(request.NewRequest{Title: "Fuite d'eau dans la cuisine", RequesterEmail: "zoe.thomas@exemple.fr", Priority: request.Urgent})
		k.file(request.NewRequest{Title: "Électricité : prime sur ma paie", RequesterEmail: "zoe.thomas@exemple.fr", Category: "RH & paie"})
		titles := func(token, query string) []string {
			var list struct {
				Items []struct {
					Title string `json:"title"`
				} `json:"items"`
				NextCursor *string `json:"next_cursor"`
			}
			r := k.do(call{method: "GET", path: "/api/v1/requests?" + query, token: token})
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", query, r.Status, r.Body)
			}
			r.decode(t, &list)
			if list.NextCursor != nil {
				t.Errorf("a search has no next page")
			}
			var out []string
			for _, it := range list.Items {
				out = append(out, it.Title)
			}
			return out
		}
		if got := titles(k.admin, "q=electricite"); len(got) != 2 {
			t.Fatalf("admin search: %v", got)
		}
		if got := titles(k.agent, "q=ELECTRICIT%C3%89"); len(got) != 1 || got[0] != "Électricité coupée salle B" {
			t.Fatalf("an agent token must not find the confidential request: %v", got)
		}
		if got := titles(k.admin, "q=cuisi&priority=urgent"); len(got) != 1 {
			t.Fatalf("prefix search with a filter: %v", got)
		}
		if got := titles(k.admin, "q=cuisine&priority=low"); len(got) != 0 {
			t.Fatalf("filters still apply to a search: %v", got)
		}
	})
}
