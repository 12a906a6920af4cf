package testutil

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/testenv"
)

func TestPgLeftover(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	cur := pgTemplatePrefix + "0123456789abcdef"
	built := func(d time.Duration) string {
		return "majordome test template, built " + now.Add(-d).Format(time.RFC3339)
	}
	stamp := func(d time.Duration) string {
		return pgTestPrefix + strconv.FormatInt(now.Add(-d).Unix(), 10) + "_a1b2c3d4e5f6"
	}
	for _, c := range []struct {
		name, comment string
		drop          bool
	}{
		{cur, built(48 * time.Hour), false},                                     // the template in use, however old
		{cur + "_build", "", true},                                              // a build whose process died
		{pgTemplatePrefix + "fedcba9876543210", built(10 * time.Minute), false}, // other migrations, maybe in use
		{pgTemplatePrefix + "fedcba9876543210", built(2 * time.Hour), true},
		{pgTemplatePrefix + "fedcba9876543210", "", true}, // no date: not one of ours, stale
		{stamp(time.Hour), "", false},                     // a test still running
		{stamp(25 * time.Hour), "", true},                 // its process was killed
		{pgTestPrefix + "nodate", "", false},
		{"majordome", "", false},
		{"postgres", "", false},
	} {
		if got := pgLeftover(c.name, c.comment, cur, now); got != c.drop {
			t.Errorf("pgLeftover(%q, %q) = %v, want %v", c.name, c.comment, got, c.drop)
		}
	}
}

func TestWithDatabase(t *testing.T) {
	got := withDatabase("postgres://u:p@127.0.0.1:5432/postgres?sslmode=disable", "majordome_t_1_ab")
	if got != "postgres://u:p@127.0.0.1:5432/majordome_t_1_ab?sslmode=disable" {
		t.Fatal(got)
	}
}

// pgAdmin returns a connection pool on the test server's base database.
func pgAdmin(t *testing.T) *sql.DB {
	t.Helper()
	srv, err := pgServerFor(testenv.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	return srv.admin
}

func pgDatabaseExists(t *testing.T, admin *sql.DB, name string) bool {
	t.Helper()
	var ok bool
	if err := admin.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func pgCurrentDatabase(t *testing.T, d *db.DB) string {
	t.Helper()
	var name string
	if err := d.R.QueryRow("SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// Each PostgreSQL test gets a migrated database of its own, copied from a template named after
// the migrations, that nothing can connect to; its database is gone once the test ends.
func TestPostgresGivesEachTestAMigratedCopy(t *testing.T) {
	admin := pgAdmin(t)
	ctx := context.Background()
	var first string
	t.Run("first", func(t *testing.T) {
		d := Postgres(t)
		first = pgCurrentDatabase(t, d)
		cur, latest, err := d.SchemaVersion(ctx)
		if err != nil || cur != latest || cur < 1 {
			t.Fatalf("schema version %d of %d, %v", cur, latest, err)
		}
		if _, err := d.W.Exec(`INSERT INTO teams (name, name_key, created_at, updated_at) VALUES ('Produit', 'produit', now(), now())`); err != nil {
			t.Fatal(err)
		}
		other := Postgres(t)
		if name := pgCurrentDatabase(t, other); name == first || !strings.HasPrefix(name, pgTestPrefix) {
			t.Fatalf("databases %q and %q", first, name)
		}
		var n int
		if err := other.R.QueryRow(`SELECT count(*) FROM teams`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("another test's database sees %d teams, %v", n, err)
		}
		if !pgDatabaseExists(t, admin, first) {
			t.Fatalf("no database %s during the test", first)
		}
	})
	if first == "" || pgDatabaseExists(t, admin, first) {
		t.Fatalf("database %q still there after its test", first)
	}
	digest, err := db.MigrationsDigest(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	var allow bool
	if err := admin.QueryRow("SELECT datallowconn FROM pg_database WHERE datname = $1", pgTemplatePrefix+digest).Scan(&allow); err != nil || allow {
		t.Fatalf("template %s%s: allows connections %v, %v", pgTemplatePrefix, digest, allow, err)
	}
}

// The tests that apply migrations themselves get an empty schema.
func TestPostgresEmptyDSNIsEmpty(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, PostgresEmptyDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.R.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d tables in the empty schema, %v", n, err)
	}
	if applied, err := d.Migrate(ctx, Quiet); err != nil || applied == 0 {
		t.Fatalf("migrating the empty schema applied %d, %v", applied, err)
	}
}

// dropTemplate drops the template as new migrations leave it missing, taking the lock as test
// processes do so that no build is under way.
func dropTemplate(t *testing.T, admin *sql.DB) {
	t.Helper()
	ctx := context.Background()
	digest, err := db.MigrationsDigest(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := admin.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", pgLockKey); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", pgLockKey)
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pgTemplatePrefix+digest+" WITH (FORCE)"); err != nil {
		t.Fatal(err)
	}
}

// A template that disappears under a process that already used it (one with other migrations
// dropped it) is built again; test processes that find no template at the same moment build it
// once between them, the others waiting for it, and all their copies succeed.
func TestPostgresTemplateRebuiltOnceBetweenProcesses(t *testing.T) {
	admin := pgAdmin(t)
	Postgres(t) // this process knows the template
	dropTemplate(t, admin)
	if d := Postgres(t); pgCurrentDatabase(t, d) == "" {
		t.Fatal("no database")
	}

	dropTemplate(t, admin)
	base := testenv.PostgresURL(t)
	ctx := context.Background()
	const processes = 4
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for i := range processes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv, err := connectPgServer(base) // a pool of its own, as another process has
			if err != nil {
				errs[i] = err
				return
			}
			defer srv.admin.Close()
			name := fmt.Sprintf("%s%d_concurrent%d", pgTestPrefix, time.Now().Unix(), i)
			errs[i] = srv.clone(ctx, name)
			t.Cleanup(func() { admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
}

// A test database whose process was killed before dropping it goes when a later process starts;
// a recent one (a test still running) stays.
func TestPostgresSweepsOrphans(t *testing.T) {
	admin := pgAdmin(t)
	orphan := fmt.Sprintf("%s%d_0rphan", pgTestPrefix, time.Now().Add(-25*time.Hour).Unix())
	running := fmt.Sprintf("%s%d_running", pgTestPrefix, time.Now().Unix())
	for _, name := range []string{orphan, running} {
		if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE template0"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	}
	srv, err := connectPgServer(testenv.PostgresURL(t)) // a new process
	if err != nil {
		t.Fatal(err)
	}
	defer srv.admin.Close()
	if _, err := srv.template(context.Background()); err != nil {
		t.Fatal(err)
	}
	if pgDatabaseExists(t, admin, orphan) || !pgDatabaseExists(t, admin, running) {
		t.Fatalf("after the sweep: orphan there %v, running test's there %v",
			pgDatabaseExists(t, admin, orphan), pgDatabaseExists(t, admin, running))
	}
}
