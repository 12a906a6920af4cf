// Package testutil gives tests a real, migrated database: SQLite always, PostgreSQL when the test
// run provides one (./scripts/test does), each test in a database of its own. Both engines copy
// a template migrated once per set of migrations instead of migrating for every test.
package testutil

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"majordome/internal/db"
)

// Quiet is a logger that drops everything, for tests.
var Quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// SQLite returns a migrated SQLite database in a temporary folder, closed at the end of the test.
// It is a copy of a template migrated once (migrating takes most of a second under the race
// detector, copying a millisecond); the template is shared by test processes whose migrations
// are the same.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	return open(t, sqliteCopy(t))
}

// SQLiteFile returns the path of a new, migrated SQLite database file in the test's temporary
// folder, not opened: for tests that start a whole app on it.
func SQLiteFile(t testing.TB) string {
	t.Helper()
	return sqliteCopy(t)
}

// sqliteCopy copies the migrated template into a new file of the test's temporary folder.
func sqliteCopy(t testing.TB) string {
	t.Helper()
	tmpl, err := sqliteTemplate()
	if err != nil {
		t.Fatalf("SQLite template: %v", err)
	}
	dst := filepath.Join(t.TempDir(), "majordome.db")
	if err := os.WriteFile(dst, tmpl, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

var sqliteTmpl struct {
	once sync.Once
	b    []byte
	err  error
}

// sqliteTemplate returns the bytes of a migrated, closed SQLite database, made once per test
// process or read from the temporary folder where another process left it.
func sqliteTemplate() ([]byte, error) {
	sqliteTmpl.once.Do(func() {
		sqliteTmpl.b, sqliteTmpl.err = loadSQLiteTemplate()
	})
	return sqliteTmpl.b, sqliteTmpl.err
}

func loadSQLiteTemplate() ([]byte, error) {
	digest, err := db.MigrationsDigest(db.SQLite)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(os.TempDir(), "majordome-test-template-"+digest+".db")
	if b, err := os.ReadFile(path); err == nil {
		return b, nil
	}
	dir, err := os.MkdirTemp("", "majordome-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "template.db")
	ctx := context.Background()
	d, err := db.Open(ctx, file)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx, Quiet); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.Close(); err != nil { // checkpoints the WAL into the file
		return nil, err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	// Shared with later processes: written aside, then renamed into place in one step.
	tmp := path + "." + filepath.Base(dir)
	if err := os.WriteFile(tmp, b, 0o600); err == nil {
		if os.Rename(tmp, path) != nil {
			os.Remove(tmp)
		}
	}
	return b, nil
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
		dsn := sqliteCopy(t)
		fn(t, open(t, dsn), open(t, dsn))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		dsn := PostgresDSN(t)
		fn(t, open(t, dsn), open(t, dsn))
	})
}
