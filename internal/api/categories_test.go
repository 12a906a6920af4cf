package api_test

import (
	"testing"

	"majordome/internal/db"
	"majordome/internal/testutil"
)

// categoryJSON is a category as the API shows it.
type categoryJSON struct {
	ID                  int64  `json:"id"`
	Name                string `json:"name"`
	Label               string `json:"label"`
	Parent              *int64 `json:"parent"`
	ConfidentialDefault bool   `json:"confidential_default"`
	Archived            bool   `json:"archived"`
}

// categories lists the categories as token sees them, by name.
func (k desk) categories(token string) map[string]categoryJSON {
	k.t.Helper()
	r := k.do(call{method: "GET", path: "/api/v1/categories", token: token})
	if r.Status != 200 {
		k.t.Fatalf("list categories: %d %s", r.Status, r.Body)
	}
	var page struct{ Items []categoryJSON }
	r.decode(k.t, &page)
	out := map[string]categoryJSON{}
	for _, c := range page.Items {
		out[c.Name] = c
	}
	return out
}

func TestCategoriesThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)

		// Every agent reads them; employees do not, and only admins write.
		cats := k.categories(k.agent)
		it, pay := cats["IT & Wi-Fi"], cats["RH & paie"]
		if len(cats) != 8 || it.ID == 0 || it.Parent != nil || it.Archived || !pay.ConfidentialDefault || it.Label != "IT & Wi-Fi" {
			t.Fatalf("defaults: %+v", cats)
		}
		if r := k.do(call{method: "GET", path: "/api/v1/categories", token: k.employee}); r.Status != 403 {
			t.Fatalf("employee list: %d", r.Status)
		}
		if r := k.do(call{method: "POST", path: "/api/v1/categories", token: k.agent, body: map[string]any{"name": "Imprimantes"}}); r.Status != 403 {
			t.Fatalf("agent create: %d", r.Status)
		}

		// A sub-category, labelled with its parent.
		r := k.do(call{method: "POST", path: "/api/v1/categories", token: k.admin,
			body: map[string]any{"name": " Imprimantes ", "parent": it.ID, "confidential_default": false}})
		var printers categoryJSON
		r.decode(t, &printers)
		if r.Status != 201 || printers.Name != "Imprimantes" || printers.Label != "IT & Wi-Fi › Imprimantes" ||
			printers.Parent == nil || *printers.Parent != it.ID || r.Header.Get("Location") != "/api/v1/categories/"+itoa(printers.ID) {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}

		// Wrong fields are named, and nothing is written.
		r = k.do(call{method: "POST", path: "/api/v1/categories", token: k.admin, body: map[string]any{"name": "it & WI-FI", "parent": printers.ID}})
		if p := problemOf(t, r, 422); p.fieldCode("name") != "category_name_taken" || p.fieldCode("parent") != "category_parent_nested" {
			t.Fatalf("taken name, nested parent: %s", r.Body)
		}
		r = k.do(call{method: "POST", path: "/api/v1/categories", token: k.admin, body: map[string]any{"name": "Cuisine", "parent": "IT"}, docRejects: true})
		if p := problemOf(t, r, 422); p.fieldCode("parent") != "type_invalid" {
			t.Fatalf("parent by name: %s", r.Body)
		}
		if len(k.categories(k.admin)) != 9 {
			t.Fatal("a refused category was saved")
		}

		// Archiving a parent takes its sub-category along; the child waits for its parent.
		itPath := "/api/v1/categories/" + itoa(it.ID)
		r = k.do(call{method: "PATCH", path: itPath, token: k.admin, body: map[string]any{"archived": true}, contentType: "application/merge-patch+json"})
		var got categoryJSON
		r.decode(t, &got)
		if r.Status != 200 || !got.Archived || !k.categories(k.agent)["Imprimantes"].Archived {
			t.Fatalf("archive: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "PATCH", path: "/api/v1/categories/" + itoa(printers.ID), token: k.admin, body: map[string]any{"archived": false}})
		if p := problemOf(t, r, 422); p.fieldCode("parent") != "category_parent_archived" {
			t.Fatalf("restore under an archived parent: %s", r.Body)
		}
		r = k.do(call{method: "PATCH", path: itPath, token: k.admin, body: map[string]any{"archived": false, "name": "Informatique", "confidential_default": true}})
		r.decode(t, &got)
		if r.Status != 200 || got.Archived || got.Name != "Informatique" || !got.ConfidentialDefault {
			t.Fatalf("restore and rename: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "PATCH", path: "/api/v1/categories/" + itoa(printers.ID), token: k.admin, body: map[string]any{"archived": false, "parent": nil}})
		r.decode(t, &got)
		if r.Status != 200 || got.Archived || got.Parent != nil || got.Label != "Imprimantes" {
			t.Fatalf("restore as top-level: %d %s", r.Status, r.Body)
		}

		// Unknown ids are 404.
		for _, path := range []string{"/api/v1/categories/99999", "/api/v1/categories/0"} {
			r = k.do(call{method: "PATCH", path: path, token: k.admin, body: map[string]any{"name": "X"}, docRejects: path == "/api/v1/categories/0"})
			problemOf(t, r, 404)
		}
	})
}
