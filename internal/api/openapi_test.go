package api_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"majordome/internal/api"
	"majordome/internal/testutil"
)

// TestOpenAPIDocument checks that openapi.json is a valid OpenAPI 3.1 document for kin-openapi,
// which validates 3.1 documents natively (JSON Schema 2020-12 for their schemas), and that the
// API serves exactly this file, publicly, as JSON.
func TestOpenAPIDocument(t *testing.T) {
	doc, err := loadDoc()
	if err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if doc.Info.Title != "Majordome API" || doc.Info.Version != "1" || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Errorf("info or servers changed: %+v %+v", doc.Info, doc.Servers)
	}
	if s := doc.Components.SecuritySchemes["bearerAuth"]; s == nil || s.Value.Type != "http" || s.Value.Scheme != "bearer" {
		t.Errorf("bearerAuth security scheme missing")
	}
	for _, name := range []string{"Person", "PersonInput", "PersonPatch", "PersonList", "Problem",
		"Request", "RequestInput", "RequestPatch", "RequestList", "Message", "MessageInput", "MessageList"} {
		if doc.Components.Schemas[name] == nil {
			t.Errorf("schema %s missing", name)
		}
	}

	e := newEnv(t, testutil.SQLite(t))
	r := e.do(call{method: "GET", path: "/api/v1/openapi.json"})
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET openapi.json: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	file, _ := os.ReadFile("openapi.json")
	if !bytes.Equal(r.Body, file) {
		t.Error("the served document is not openapi.json")
	}
}

// TestRoutesMatchDocument holds the route table and the document to each other: every route
// is documented, and every documented operation is served.
func TestRoutesMatchDocument(t *testing.T) {
	doc, err := loadDoc()
	if err != nil {
		t.Fatal(err)
	}
	var served, documented []string
	for _, rt := range api.Routes() {
		path, ok := strings.CutPrefix(rt[1], "/api/v1")
		if !ok {
			t.Errorf("route %s %s is outside /api/v1", rt[0], rt[1])
		}
		served = append(served, rt[0]+" "+path)
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	slices.Sort(served)
	slices.Sort(documented)
	for _, s := range served {
		if !slices.Contains(documented, s) {
			t.Errorf("route %s is served but not in openapi.json", s)
		}
	}
	for _, d := range documented {
		if !slices.Contains(served, d) {
			t.Errorf("openapi.json documents %s, which is not served", d)
		}
	}
	if len(served) < 12 {
		t.Errorf("only %d routes: %v", len(served), served)
	}
}
