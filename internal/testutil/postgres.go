package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"majordome/internal/db"
	"majordome/internal/testenv"
)

// A PostgreSQL test gets a database of its own, created with CREATE DATABASE … TEMPLATE from a
// database migrated once per set of migrations: copying takes a tenth of the time migrating
// does. The template is named after db.MigrationsDigest, so a template migrated by other
// migrations is never used; it refuses connections, so that none can keep CREATE DATABASE from
// copying it. Test processes running at the same time (go test runs packages in parallel) build
// it once between them, taking turns on an advisory lock of the server's base database.
const (
	pgTemplatePrefix = "majordome_tmpl_" // + digest; + "_build" while it is being migrated
	pgTestPrefix     = "majordome_t_"    // + unix seconds + "_" + random hex: one test's database
	// pgStaleTemplate is the age past which a template of other migrations is dropped (the next
	// test process building a template does it). A test process still using one that old builds
	// it again.
	pgStaleTemplate = time.Hour
	// pgOrphan is the age past which a test database is dropped, by the next test process: its
	// test was killed before it could drop it; no test lasts that long.
	pgOrphan = 24 * time.Hour
)

// pgLockKey is the advisory lock test processes take turns on to build the template.
var pgLockKey = func() int64 {
	h := fnv.New64a()
	h.Write([]byte("majordome-test-template"))
	return int64(h.Sum64() >> 1)
}()

// Postgres returns a migrated PostgreSQL database of its own, dropped at the end of the test.
// Without a test server it skips (or fails under ./scripts/test).
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	return open(t, PostgresDSN(t))
}

// PostgresDSN creates a migrated database on the test server, a copy of the template, and
// returns its URL; the database is dropped at the end of the test. For tests that start a whole
// app on it, as SQLiteFile is.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := testenv.PostgresURL(t)
	srv, err := pgServerFor(base)
	if err != nil {
		t.Fatalf("PostgreSQL test server: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := pgTestPrefix + strconv.FormatInt(time.Now().Unix(), 10) + "_" + hex.EncodeToString(b)
	if err := srv.clone(context.Background(), name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		// FORCE: a connection the test left open must not keep its database on the server.
		if _, err := srv.admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(base, name)
}

// PostgresEmptyDSN creates an empty schema on the test server and returns a URL whose
// connections use it; the schema is dropped at the end of the test. For the tests that apply
// migrations themselves: up to a given version, or from several instances at once.
func PostgresEmptyDSN(t testing.TB) string {
	t.Helper()
	base := testenv.PostgresURL(t)
	srv, err := pgServerFor(base)
	if err != nil {
		t.Fatalf("PostgreSQL test server: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := srv.admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := srv.admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
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

// withDatabase returns the server URL base with its database replaced by name.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(err) // base was parsed by pgx already
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// pgServer is a test server as one test process sees it: a pool on its base database (never on
// a template or a test database), and the template's name once it is known to exist.
type pgServer struct {
	base     string
	admin    *sql.DB
	strategy string // " STRATEGY FILE_COPY" from PostgreSQL 15, "" before

	mu   sync.Mutex
	tmpl string // "" until ensured; reset when another process dropped it
}

var pgServers struct {
	mu sync.Mutex
	m  map[string]*pgServer
}

// pgServerFor returns the process's pgServer for the base URL, connecting on first use. Its
// pool lives as long as the process: test databases are dropped through it at each test's end.
func pgServerFor(base string) (*pgServer, error) {
	pgServers.mu.Lock()
	defer pgServers.mu.Unlock()
	if s := pgServers.m[base]; s != nil {
		return s, nil
	}
	s, err := connectPgServer(base)
	if err != nil {
		return nil, err
	}
	if pgServers.m == nil {
		pgServers.m = map[string]*pgServer{}
	}
	pgServers.m[base] = s
	return s, nil
}

// connectPgServer opens a pool on the base database of the test server and checks its version.
func connectPgServer(base string) (*pgServer, error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	var version int
	if err := admin.QueryRow("SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		admin.Close()
		return nil, err
	}
	if version < 130000 {
		admin.Close()
		return nil, fmt.Errorf("PostgreSQL %d: the tests need 13 or later (DROP DATABASE … WITH (FORCE))", version)
	}
	s := &pgServer{base: base, admin: admin}
	if version >= 150000 {
		// A database this small is copied faster file by file than through the WAL, the
		// default from 15.
		s.strategy = " STRATEGY FILE_COPY"
	}
	return s, nil
}

// clone creates the database name as a copy of the template, building the template first if no
// process has. A template dropped meanwhile (by a process with other migrations, once it is
// old) is built again.
func (s *pgServer) clone(ctx context.Context, name string) error {
	for attempt := 0; ; attempt++ {
		tmpl, err := s.template(ctx)
		if err != nil {
			return err
		}
		_, err = s.admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tmpl+s.strategy)
		var pgErr *pgconn.PgError
		if err != nil && attempt < 3 && errors.As(err, &pgErr) && pgErr.Code == "3D000" { // invalid_catalog_name
			s.mu.Lock()
			if s.tmpl == tmpl {
				s.tmpl = ""
			}
			s.mu.Unlock()
			continue
		}
		return err
	}
}

// template returns the name of the migrated template for this binary's migrations, making sure
// it exists: checked once per process, built by the first process that needs it.
func (s *pgServer) template(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tmpl != "" {
		return s.tmpl, nil
	}
	digest, err := db.MigrationsDigest(db.Postgres)
	if err != nil {
		return "", err
	}
	name := pgTemplatePrefix + digest
	conn, err := s.admin.Conn(ctx) // the session holding the advisory lock
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", pgLockKey); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", pgLockKey)
	if err := s.sweep(ctx, conn, name); err != nil {
		return "", err
	}
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if err := s.build(ctx, conn, name); err != nil {
			return "", fmt.Errorf("PostgreSQL test template: %w", err)
		}
	}
	s.tmpl = name
	return name, nil
}

// build migrates a new database and renames it to name in one step, so that no process ever
// copies a half-migrated template, even from a build that was killed midway.
func (s *pgServer) build(ctx context.Context, conn *sql.Conn, name string) error {
	building := name + "_build"
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return err
	}
	err := func() error {
		d, err := db.Open(ctx, withDatabase(s.base, building))
		if err != nil {
			return err
		}
		_, err = d.Migrate(ctx, Quiet)
		if cerr := d.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		for _, stmt := range []string{
			"ALTER DATABASE " + building + " ALLOW_CONNECTIONS false",
			"COMMENT ON DATABASE " + building + " IS 'majordome test template, built " + time.Now().UTC().Format(time.RFC3339) + "'",
			"ALTER DATABASE " + building + " RENAME TO " + name,
		} {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		conn.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
	}
	return err
}

// sweep drops, under the lock, what earlier test processes left on the server: a template build
// they did not finish, templates of other migrations past pgStaleTemplate, and test databases
// past pgOrphan (their process was killed before its cleanup ran).
func (s *pgServer) sweep(ctx context.Context, conn *sql.Conn, current string) error {
	rows, err := conn.QueryContext(ctx, `SELECT datname, COALESCE(shobj_description(oid, 'pg_database'), '')
		FROM pg_database WHERE datname LIKE 'majordome\_t%'`)
	if err != nil {
		return err
	}
	var drop []string
	now := time.Now()
	for rows.Next() {
		var name, comment string
		if err := rows.Scan(&name, &comment); err != nil {
			rows.Close()
			return err
		}
		if pgLeftover(name, comment, current, now) {
			drop = append(drop, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range drop {
		if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return err
		}
	}
	return nil
}

// pgLeftover tells whether sweep drops the database name (with its comment) found on the
// server, current being the template this process uses.
func pgLeftover(name, comment, current string, now time.Time) bool {
	switch {
	case name == current:
		return false
	case strings.HasPrefix(name, pgTemplatePrefix):
		if strings.HasSuffix(name, "_build") {
			return true // builds happen under the lock this process holds: this one died
		}
		built, err := time.Parse(time.RFC3339, comment[strings.LastIndexByte(comment, ' ')+1:])
		return err != nil || now.Sub(built) > pgStaleTemplate
	case strings.HasPrefix(name, pgTestPrefix):
		stamp, _, ok := strings.Cut(strings.TrimPrefix(name, pgTestPrefix), "_")
		sec, err := strconv.ParseInt(stamp, 10, 64)
		return ok && err == nil && now.Sub(time.Unix(sec, 0)) > pgOrphan
	}
	return false
}
