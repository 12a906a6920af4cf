// Package testutil gives tests a real, migrated database: SQLite always, PostgreSQL when the test
// run provides one (./scripts/test does), each test in its own empty database or schema.
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"testing"

	"majordome/internal/db"
	"majordome/internal/testenv"
)

// Quiet is a logger that drops everything, for tests.
var Quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// SQLite returns a migrated SQLite database in a temporary folder, closed at the end of the test.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "majordome.db"))
}

// Postgres returns a migrated PostgreSQL database in a schema of its own, dropped at the end of
// the test. Without a test server it skips (or fails under ./scripts/test).
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	return open(t, PostgresDSN(t))
}

// PostgresDSN creates an empty schema on the test server and returns a URL whose connections
// use it; the schema is dropped at the end of the test.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := testenv.PostgresURL(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn string) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx, Quiet); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return d
}

// EachDB runs fn as a subtest on SQLite and on PostgreSQL, named "SQLite" and "PostgreSQL", each
// with a fresh database.
func EachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("SQLite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { fn(t, Postgres(t)) })
}

// EachSharedDB runs fn on SQLite and on PostgreSQL with two handles on one fresh database, each
// with its own pools, as two instances of Majordome would have.
func EachSharedDB(t *testing.T, fn func(t *testing.T, d1, d2 *db.DB)) {
	t.Helper()
	t.Run("SQLite", func(t *testing.T) {
		dsn := filepath.Join(t.TempDir(), "majordome.db")
		fn(t, open(t, dsn), open(t, dsn))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		dsn := PostgresDSN(t)
		fn(t, open(t, dsn), open(t, dsn))
	})
}
