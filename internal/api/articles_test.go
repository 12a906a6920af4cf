package api_test

import (
	"testing"

	"majordome/internal/db"
	"majordome/internal/testutil"
)

// articleOut is an article as the API shows it.
type articleOut struct {
	ID            int64    `json:"id"`
	Slug          string   `json:"slug"`
	URL           string   `json:"url"`
	Title         string   `json:"title"`
	Kind          string   `json:"kind"`
	Category      *string  `json:"category"`
	Tags          []string `json:"tags"`
	Audience      string   `json:"audience"`
	Status        string   `json:"status"`
	OwnerEmail    *string  `json:"owner_email"`
	VerifiedUntil *string  `json:"verified_until"`
	Body          string   `json:"body"`
	Version       int      `json:"version"`
}

type articlePage struct {
	Items      []articleOut `json:"items"`
	NextCursor *string      `json:"next_cursor"`
}

func (k desk) articles(token, query string) articlePage {
	k.t.Helper()
	r := k.do(call{method: "GET", path: "/api/v1/articles" + query, token: token})
	if r.Status != 200 {
		k.t.Fatalf("list articles%s: %d %s", query, r.Status, r.Body)
	}
	var p articlePage
	r.decode(k.t, &p)
	return p
}

func slugsOf(p articlePage) []string {
	var out []string
	for _, a := range p.Items {
		out = append(out, a.Slug)
	}
	return out
}

func TestArticlesThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)

		// An agent writes; an employee may not.
		wifi := map[string]any{"title": "Procédure Wi-Fi invités", "body": "## Le code\n\nLe réseau « Invités » : code à l'accueil.",
			"tags": []string{"wifi", "réseau"}, "category": "Informatique", "owner_email": "camille.martin@exemple.fr", "verified_until": "31/12/2026"}
		if r := k.do(call{method: "POST", path: "/api/v1/articles", token: k.employee, body: wifi}); r.Status != 403 {
			t.Fatalf("employee create: %d", r.Status)
		}
		r := k.do(call{method: "POST", path: "/api/v1/articles", token: k.agent, body: wifi})
		var a articleOut
		r.decode(t, &a)
		if r.Status != 201 || a.Slug != "procedure-wi-fi-invites" || a.URL != "/bible/procedure-wi-fi-invites" || a.Kind != "article" ||
			a.Status != "published" || a.Audience != "everyone" || a.VerifiedUntil == nil || *a.VerifiedUntil != "2026-12-31" ||
			a.Version != 1 || r.Header.Get("Location") != "/api/v1/articles/"+itoa(a.ID) {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		draft := k.do(call{method: "POST", path: "/api/v1/articles", token: k.agent,
			body: map[string]any{"title": "Wi-Fi du 3e (brouillon)", "body": "À écrire", "status": "draft", "slug": "wifi-3e"}})
		if draft.Status != 201 {
			t.Fatalf("draft: %d %s", draft.Status, draft.Body)
		}

		// Bad input: problem+json naming the fields, in the caller's language.
		r = k.do(call{method: "POST", path: "/api/v1/articles", token: k.agent, docRejects: true,
			body: map[string]any{"title": "", "body": "x", "slug": "Pas Bon", "audience": "tous"}})
		if r.Status != 422 || r.Header.Get("Content-Type") != "application/problem+json" || !fieldsNamed(t, r, "title", "slug", "audience") {
			t.Errorf("invalid article: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "POST", path: "/api/v1/articles", token: k.agent, body: map[string]any{"title": "Autre", "body": "x", "slug": "wifi-3e"}})
		if r.Status != 422 || !fieldsNamed(t, r, "slug") {
			t.Errorf("slug taken: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "POST", path: "/api/v1/articles", token: k.agent, body: map[string]any{"title": "x", "body": "y", "verified_until": "31/02/2026"}})
		if r.Status != 422 || !fieldsNamed(t, r, "verified_until") {
			t.Errorf("impossible date: %d %s", r.Status, r.Body)
		}
		if r := k.do(call{method: "POST", path: "/api/v1/articles", token: k.agent, docRejects: true, body: map[string]any{"titre": "x"}}); r.Status != 400 {
			t.Errorf("unknown field: %d %s", r.Status, r.Body)
		}

		// Who reads what: the employee only the published article for everyone.
		if got := slugsOf(k.articles(k.employee, "?kind=article")); len(got) != 1 || got[0] != "procedure-wi-fi-invites" {
			t.Errorf("employee list: %v", got)
		}
		if got := slugsOf(k.articles(k.agent, "?kind=article&status=draft")); len(got) != 1 || got[0] != "wifi-3e" {
			t.Errorf("agent drafts: %v", got)
		}
		if got := slugsOf(k.articles(k.employee, "?q=WIFI+invite")); len(got) != 1 {
			t.Errorf("employee search: %v", got)
		}
		if got := slugsOf(k.articles(k.agent, "?q=wifi")); len(got) != 2 {
			t.Errorf("agent search: %v", got)
		}
		if r := k.do(call{method: "GET", path: "/api/v1/articles/" + itoa(a.ID+1), token: k.employee}); r.Status != 404 {
			t.Errorf("employee reads a draft: %d", r.Status)
		}
		if r := k.do(call{method: "GET", path: "/api/v1/articles?kind=memo", token: k.agent, docRejects: true}); r.Status != 400 {
			t.Errorf("bad kind: %d", r.Status)
		}

		// Paging by slug: the four reply templates from the former macros, and the two articles.
		p1 := k.articles(k.agent, "?limit=4")
		if len(p1.Items) != 4 || p1.NextCursor == nil {
			t.Fatalf("page 1: %v", slugsOf(p1))
		}
		p2 := k.articles(k.agent, "?limit=4&cursor="+*p1.NextCursor)
		if len(p2.Items) != 2 || p2.NextCursor != nil || p2.Items[0].Slug <= p1.Items[3].Slug {
			t.Errorf("page 2: %v after %v", slugsOf(p2), slugsOf(p1))
		}

		// PATCH: a new version; the same again makes none; null clears.
		path := "/api/v1/articles/" + itoa(a.ID)
		r = k.do(call{method: "PATCH", path: path, token: k.agent, contentType: "application/merge-patch+json",
			body: map[string]any{"category": nil, "verified_until": nil, "body": "Code : demandez à l'accueil."}})
		var patched articleOut
		r.decode(t, &patched)
		if r.Status != 200 || patched.Version != 2 || patched.Category != nil || patched.VerifiedUntil != nil || patched.Title != a.Title {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "PATCH", path: path, token: k.agent, body: map[string]any{"body": "Code : demandez à l'accueil."}})
		r.decode(t, &patched)
		if patched.Version != 2 {
			t.Errorf("same patch: version %d", patched.Version)
		}
		if r := k.do(call{method: "PATCH", path: path, token: k.employee, body: map[string]any{"title": "x"}}); r.Status != 403 {
			t.Errorf("employee patch: %d", r.Status)
		}
		if r := k.do(call{method: "PATCH", path: path, token: k.agent, body: map[string]any{"status": "gone"}, docRejects: true}); r.Status != 422 {
			t.Errorf("bad status: %d", r.Status)
		}
		if r := k.do(call{method: "GET", path: path, token: k.employee}); r.Status != 200 {
			t.Errorf("employee read: %d", r.Status)
		}

		// Suggestions: the best published articles for the token's role.
		r = k.do(call{method: "POST", path: "/api/v1/suggestions", token: k.employee, body: map[string]any{"text": "Le wifi invité ne marche plus"}})
		var sug struct{ Items []articleOut }
		r.decode(t, &sug)
		if r.Status != 200 || len(sug.Items) != 1 || sug.Items[0].ID != a.ID {
			t.Errorf("suggestions: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "POST", path: "/api/v1/suggestions", token: k.employee, body: map[string]any{"text": "imprimante"}})
		r.decode(t, &sug)
		if r.Status != 200 || len(sug.Items) != 0 {
			t.Errorf("nothing matches: %d %s", r.Status, r.Body)
		}
		if r := k.do(call{method: "POST", path: "/api/v1/suggestions", token: k.employee, body: map[string]any{"text": " "}}); r.Status != 422 || !fieldsNamed(t, r, "text") {
			t.Errorf("blank text: %d %s", r.Status, r.Body)
		}
		if r := k.do(call{method: "POST", path: "/api/v1/suggestions", token: k.employee, body: map[string]any{"text": 3}, docRejects: true}); r.Status != 422 {
			t.Errorf("text of the wrong type: %d %s", r.Status, r.Body)
		}
	})
}

// fieldsNamed reports whether the problem in r names every one of fields.
func fieldsNamed(t *testing.T, r reply, fields ...string) bool {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Message string }
	}
	r.decode(t, &p)
	named := map[string]bool{}
	for _, e := range p.Errors {
		if e.Message == "" {
			t.Errorf("field %s without a message", e.Field)
		}
		named[e.Field] = true
	}
	for _, f := range fields {
		if !named[f] {
			return false
		}
	}
	return true
}
