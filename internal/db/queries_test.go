package db

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadQueriesMergesFeatureFilesAndOverrides(t *testing.T) {
	fsys := fstest.MapFS{
		"queries.sql":                {Data: []byte("-- name: a\nSELECT $1\n")},
		"queries_rules.sql":          {Data: []byte("-- name: b\nSELECT 'b'\n-- name: c\nSELECT 1\n")},
		"queries_rules.sqlite.sql":   {Data: []byte("-- name: c\nSELECT 2\n")},
		"queries_rules.postgres.sql": {Data: []byte("-- name: c\nSELECT 3\n")},
	}
	for d, want := range map[Dialect]string{SQLite: "SELECT 2", Postgres: "SELECT 3"} {
		q, err := LoadQueries("t", fsys, d)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Get("c"); got != want {
			t.Errorf("%s: c = %q, want %q", d, got, want)
		}
		if got := q.Get("b"); got != "SELECT 'b'" {
			t.Errorf("%s: b = %q", d, got)
		}
	}
	fsys["queries_dup.sql"] = &fstest.MapFile{Data: []byte("-- name: a\nSELECT 9\n")}
	if _, err := LoadQueries("t", fsys, SQLite); err == nil || !strings.Contains(err.Error(), `"a" is defined twice`) {
		t.Fatalf("duplicate name across files: err = %v", err)
	}
}
