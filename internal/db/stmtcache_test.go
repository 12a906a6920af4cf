package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"modernc.org/sqlite"
)

// The tests of the statement cache live inside the package (testutil imports db): they open a
// migrated database with Open, and pools of their own on the same file, cached or not.

// testPragmas are openSQLite's, for the pools the tests open beside a DB.
const testPragmas = "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_time_format=sqlite&_timezone=UTC"

// openCacheTestDB opens a migrated SQLite database with a table of its own, cache_t.
func openCacheTestDB(t testing.TB) *DB {
	t.Helper()
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "majordome.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.ExecContext(ctx, `CREATE TABLE cache_t (
		id     INTEGER PRIMARY KEY,
		name   TEXT NOT NULL UNIQUE,
		n      INTEGER,
		at     TIMESTAMP,
		data   BLOB,
		parent INTEGER REFERENCES cache_t(id)
	)`); err != nil {
		t.Fatal(err)
	}
	return d
}

// openPool opens a pool on d's file: uncached when size is 0, else cached with size statements
// per connection, whose statistics it returns.
func openPool(t testing.TB, d *DB, size int) (*sql.DB, *stmtCacheStats) {
	t.Helper()
	dsn := "file:" + url.PathEscape(d.path) + "?" + testPragmas
	if size == 0 {
		p, err := sql.Open("sqlite", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p, nil
	}
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		t.Fatal(err)
	}
	stats := &stmtCacheStats{}
	p := sql.OpenDB(&stmtCacheConnector{inner: c, size: size, stats: stats})
	t.Cleanup(func() { p.Close() })
	return p, stats
}

// statsOf returns the statistics of a pool opened by Open.
func statsOf(t testing.TB, pool *sql.DB) *stmtCacheStats {
	t.Helper()
	var stats *stmtCacheStats
	withConn(t, pool, func(cc *cachingConn) { stats = cc.stats })
	return stats
}

func withConn(t testing.TB, pool *sql.DB, fn func(cc *cachingConn)) {
	t.Helper()
	c, err := pool.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Raw(func(dc any) error {
		cc, ok := dc.(*cachingConn)
		if !ok {
			return fmt.Errorf("connection is a %T, not cached", dc)
		}
		fn(cc)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func seed(t testing.TB, ex interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, n int) {
	t.Helper()
	at := time.Date(2026, 3, 9, 8, 15, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		var num, data any
		if i%3 != 0 {
			num = int64(i * 10)
			data = []byte{byte(i), 0, 0xff}
		}
		if _, err := ex.ExecContext(context.Background(),
			`INSERT INTO cache_t (name, n, at, data) VALUES (?1, ?2, ?3, ?4)`,
			fmt.Sprintf("nom-%02d é", i), num, at.Add(time.Duration(i)*time.Hour), data); err != nil {
			t.Fatal(err)
		}
	}
}

// rowsOf runs query and returns its column names, column types and values.
func rowsOf(t *testing.T, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) (cols []string, types []string, vals [][]any) {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ = rows.Columns()
	cts, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	for _, ct := range cts {
		nullable, okN := ct.Nullable()
		types = append(types, fmt.Sprintf("%s %v %v/%v", ct.DatabaseTypeName(), ct.ScanType(), nullable, okN))
	}
	for rows.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := rows.Scan(p...); err != nil {
			t.Fatal(err)
		}
		vals = append(vals, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, types, vals
}

func TestCacheableSQL(t *testing.T) {
	for _, c := range []struct {
		sql, text string // text "" means not cacheable
	}{
		{"SELECT 1", "SELECT 1"},
		{"select id from t where a = ?1", "select id from t where a = ?1"},
		{"SELECT 1;", "SELECT 1;"},
		{"SELECT 1;\n  -- done\n", "SELECT 1;"},
		{"SELECT 1; /* done */", "SELECT 1;"},
		{"-- leading ; comment\nINSERT INTO t VALUES (1);", "-- leading ; comment\nINSERT INTO t VALUES (1);"},
		{"/* x; */ UPDATE t SET a = 'it''s; ok' WHERE \"we;ird\" = [b;] AND `c;` = 2 - 1 / 1;", "/* x; */ UPDATE t SET a = 'it''s; ok' WHERE \"we;ird\" = [b;] AND `c;` = 2 - 1 / 1;"},
		{"WITH x AS (SELECT 1) DELETE FROM t WHERE a IN (SELECT * FROM x)", "WITH x AS (SELECT 1) DELETE FROM t WHERE a IN (SELECT * FROM x)"},
		{"REPLACE INTO t VALUES (1)", "REPLACE INTO t VALUES (1)"},
		{"VALUES (1)", "VALUES (1)"},
		{"SELECT 1; SELECT 2", ""},
		{"INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);", ""},
		{"BEGIN; INSERT INTO t VALUES (1); COMMIT;", ""},
		{"PRAGMA foreign_keys", ""},
		{"VACUUM INTO ?", ""},
		{"ATTACH DATABASE 'x.db' AS x", ""},
		{"CREATE TABLE t (a)", ""},
		{"DROP TABLE t;", ""},
		{"", ""},
		{"-- only a comment", ""},
		{"/* unclosed SELECT 1", ""},
		{"SELECT 'unclosed", ""},
		{"SELECT 1 /* unclosed", ""},
		{"(SELECT 1)", ""},
	} {
		text, ok := cacheableSQL(c.sql)
		if ok != (c.text != "") || text != c.text {
			t.Errorf("cacheableSQL(%q) = %q, %v; want %q", c.sql, text, ok, c.text)
		}
	}
}

// TestCacheableSQLIsOneDriverStatement checks the rule against the driver itself: every text the
// cache would keep, among the cases above and the named queries of every package, is prepared by
// modernc as a single statement (its stmt holds a statement handle rather than a script).
func TestCacheableSQLIsOneDriverStatement(t *testing.T) {
	d := openCacheTestDB(t)
	ctx := context.Background()
	c, err := sqlite.NewConnector("file:" + url.PathEscape(d.path) + "?" + testPragmas)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := c.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	single := func(query string) (bool, error) {
		st, err := conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
		if err != nil {
			return false, err
		}
		defer st.Close()
		h := reflect.ValueOf(st).Elem().FieldByName("pstmt")
		if !h.IsValid() {
			t.Skip("modernc's stmt has no pstmt field any more: update this test")
		}
		return h.Uint() != 0, nil
	}
	queries := []string{
		"SELECT 1", "SELECT 1;", "SELECT 1;\n  -- done\n", "SELECT 1 -- done\n", "SELECT 1\n\n",
		"-- a ; comment\nSELECT id FROM cache_t WHERE name = 'a;b';",
	}
	if ok, _ := single("SELECT 1;\n"); ok {
		t.Error("the driver now prepares a trailing newline as one statement: the trim in cacheableSQL is no longer needed")
	}
	// Every package's named queries.
	named := 0
	filepath.WalkDir("..", func(path string, e fs.DirEntry, err error) error {
		if err != nil || !e.IsDir() {
			return err
		}
		if _, err := os.Stat(filepath.Join(path, "queries.sql")); err != nil {
			return nil
		}
		q, err := LoadQueries(path, os.DirFS(path), SQLite)
		if err != nil {
			t.Logf("%s: %v (skipped)", path, err)
			return nil
		}
		for _, name := range q.Names() {
			queries = append(queries, q.Get(name))
			named++
		}
		return nil
	})
	if named < 50 {
		t.Fatalf("found only %d named queries", named)
	}
	kept := 0
	for _, query := range queries {
		text, ok := cacheableSQL(query)
		if !ok {
			t.Logf("not cached: %.60q", query)
			continue
		}
		kept++
		one, err := single(text)
		if err != nil {
			continue // a table of a feature still being written, or another package's schema
		}
		if !one {
			t.Errorf("cached but not one statement for the driver: %q", text)
		}
	}
	t.Logf("%d of %d queries (%d named) cacheable", kept, len(queries), named)
}

func TestStmtCacheSameResults(t *testing.T) {
	d := openCacheTestDB(t)
	seed(t, d.W, 12)
	plain, _ := openPool(t, d, 0)
	queries := []struct {
		sql  string
		args []any
	}{
		{`SELECT * FROM cache_t ORDER BY id`, nil},
		{`SELECT id, name, n, at, data FROM cache_t WHERE n > ?1 ORDER BY name DESC`, []any{int64(30)}},
		{`SELECT COUNT(*), SUM(n), MAX(at) FROM cache_t WHERE at >= ?1;`, []any{time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)}},
		{`SELECT name FROM cache_t WHERE name = ?1`, []any{"nom-05 é"}},
		{`SELECT name FROM cache_t WHERE name = ?1`, []any{"absent"}},
		{`SELECT 1; SELECT 2`, nil},
		{`PRAGMA table_info(cache_t)`, nil},
	}
	for _, pool := range []*sql.DB{d.R, d.W} {
		for round := 0; round < 3; round++ {
			for _, q := range queries {
				c1, t1, v1 := rowsOf(t, pool, q.sql, q.args...)
				c2, t2, v2 := rowsOf(t, plain, q.sql, q.args...)
				if !reflect.DeepEqual(c1, c2) || !reflect.DeepEqual(t1, t2) || !reflect.DeepEqual(v1, v2) {
					t.Fatalf("%s:\ncached   %v %v %v\nuncached %v %v %v", q.sql, c1, t1, v1, c2, t2, v2)
				}
			}
		}
	}
	var at time.Time
	if err := d.R.QueryRow(`SELECT at FROM cache_t WHERE id = 1`).Scan(&at); err != nil || !at.Equal(time.Date(2026, 3, 9, 9, 15, 0, 0, time.UTC)) {
		t.Fatalf("time round trip: %v, %v", at, err)
	}
	st := statsOf(t, d.R)
	if st.hits.Load() == 0 || st.bypassed.Load() == 0 {
		t.Fatalf("read pool: %d hits, %d bypassed; want both", st.hits.Load(), st.bypassed.Load())
	}
}

func TestStmtCacheNestedSameQuery(t *testing.T) {
	d := openCacheTestDB(t)
	seed(t, d.W, 5)
	ctx := context.Background()
	stats := statsOf(t, d.W)
	const q = `SELECT id, name FROM cache_t WHERE id >= ?1 ORDER BY id`
	busy := stats.busy.Load()
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		outer, err := tx.QueryContext(ctx, q, 1)
		if err != nil {
			return err
		}
		defer outer.Close()
		var ids []int64
		for outer.Next() {
			var id int64
			var name string
			if err := outer.Scan(&id, &name); err != nil {
				return err
			}
			ids = append(ids, id)
			// The same text, while the outer rows are open, on the same connection.
			inner, err := tx.QueryContext(ctx, q, id)
			if err != nil {
				return err
			}
			n := 0
			for inner.Next() {
				n++
			}
			if err := inner.Close(); err != nil {
				return err
			}
			if n != 5-int(id)+1 {
				return fmt.Errorf("inner query from %d: %d rows", id, n)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE cache_t SET n = ?2 WHERE id = ?1`, id, id); err != nil {
				return err
			}
		}
		if err := outer.Err(); err != nil {
			return err
		}
		if !reflect.DeepEqual(ids, []int64{1, 2, 3, 4, 5}) {
			return fmt.Errorf("outer ids %v", ids)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := stats.busy.Load() - busy; got != 5 {
		t.Fatalf("%d calls found their statement busy; want 5", got)
	}
	// Released: the next call is a hit again.
	hits := stats.hits.Load()
	if _, _, v := rowsOf(t, d.W, q, 4); len(v) != 2 || stats.hits.Load() != hits+1 {
		t.Fatalf("after the nested queries: %d rows, %d hits", len(v), stats.hits.Load()-hits)
	}
	var sum int64
	if err := d.W.QueryRow(`SELECT SUM(n) FROM cache_t`).Scan(&sum); err != nil || sum != 15 {
		t.Fatalf("sum %d, %v", sum, err)
	}
}

func TestStmtCacheTxRollback(t *testing.T) {
	d := openCacheTestDB(t)
	ctx := context.Background()
	stats := statsOf(t, d.W)
	const ins = `INSERT INTO cache_t (name, n) VALUES (?1, ?2) RETURNING id`
	const count = `SELECT COUNT(*) FROM cache_t`
	for round := 0; round < 2; round++ {
		hits := stats.hits.Load()
		tx, err := d.W.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			var id int64
			if err := tx.QueryRowContext(ctx, ins, fmt.Sprint("r", i), i).Scan(&id); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, count).Scan(&n); err != nil || n != 3 {
			t.Fatalf("count in the transaction: %d, %v", n, err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if err := d.W.QueryRowContext(ctx, count).Scan(&n); err != nil || n != 0 {
			t.Fatalf("count after rollback: %d, %v", n, err)
		}
		if got := stats.hits.Load() - hits; got < 2+2*int64(round) {
			t.Fatalf("round %d: %d hits", round, got)
		}
	}
	// The same statements commit.
	if err := d.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, ins, "kept", 1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.R.QueryRowContext(ctx, count).Scan(&n); err != nil || n != 1 {
		t.Fatalf("count after commit: %d, %v", n, err)
	}
}

func TestStmtCacheEviction(t *testing.T) {
	d := openCacheTestDB(t)
	seed(t, d.W, 5)
	pool, stats := openPool(t, d, 2)
	pool.SetMaxOpenConns(1)
	q := func(i int) string { return fmt.Sprintf("SELECT name FROM cache_t WHERE id = %d", i) }
	for i := 1; i <= 5; i++ {
		rowsOf(t, pool, q(i))
	}
	if p, c := stats.prepared.Load(), stats.closed.Load(); p != 5 || c != 3 {
		t.Fatalf("prepared %d, closed %d; want 5, 3", p, c)
	}
	rowsOf(t, pool, q(5)) // most recent: q(4) is now the oldest
	if h := stats.hits.Load(); h != 1 {
		t.Fatalf("%d hits; want 1", h)
	}
	// An evicted statement whose rows are open is closed when they are.
	ctx := context.Background()
	conn, err := pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(ctx, q(4)) // a hit: q(5) is now the oldest
	if err != nil {
		t.Fatal(err)
	}
	rowsOf(t, conn, q(5)) // q(4) is the oldest again
	rowsOf(t, conn, q(1)) // evicts q(4), busy
	if p, c := stats.prepared.Load(), stats.closed.Load(); p != 6 || c != 3 {
		t.Fatalf("prepared %d, closed %d; want 6, 3 while the rows are open", p, c)
	}
	if !rows.Next() {
		t.Fatalf("the evicted statement's rows lost their row: %v", rows.Err())
	}
	var name string
	if err := rows.Scan(&name); err != nil || name != "nom-04 é" {
		t.Fatalf("row of the evicted statement: %q, %v", name, err)
	}
	rows.Close()
	if c := stats.closed.Load(); c != 4 {
		t.Fatalf("closed %d after the rows; want 4", c)
	}
	conn.Close()
	// Closing the pool closes the rest.
	pool.Close()
	if p, c := stats.prepared.Load(), stats.closed.Load(); c != p {
		t.Fatalf("after closing the pool: prepared %d, closed %d", p, c)
	}
}

func TestStmtCacheErrorsMapTheSame(t *testing.T) {
	d := openCacheTestDB(t)
	plain, _ := openPool(t, d, 0)
	ctx := context.Background()
	stats := statsOf(t, d.W)
	const ins = `INSERT INTO cache_t (name, parent) VALUES (?1, ?2)`
	if _, err := d.W.ExecContext(ctx, ins, "a", nil); err != nil {
		t.Fatal(err)
	}
	_, want := plain.ExecContext(ctx, ins, "a", nil)
	for i := range 3 {
		_, err := d.W.ExecContext(ctx, ins, "a", nil)
		if !IsUniqueViolation(err) || err.Error() != want.Error() {
			t.Fatalf("try %d: %v; want a unique violation like %v", i, err, want)
		}
	}
	_, want = plain.ExecContext(ctx, ins, "b", 999)
	for i := range 2 {
		_, err := d.W.ExecContext(ctx, ins, "b", 999)
		if !IsForeignKeyViolation(err) || err.Error() != want.Error() {
			t.Fatalf("try %d: %v; want a foreign-key violation like %v", i, err, want)
		}
	}
	// Also through QueryRow, and the statement still works after its failures.
	const ret = `INSERT INTO cache_t (name) VALUES (?1) RETURNING id`
	for _, name := range []string{"a", "a", "c"} {
		var id int64
		err := d.W.QueryRowContext(ctx, ret, name).Scan(&id)
		if name == "a" && !IsUniqueViolation(err) || name == "c" && err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if _, err := d.W.ExecContext(ctx, ins, "d", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := d.R.ExecContext(ctx, `DELETE FROM cache_t`); err == nil {
		t.Fatal("a write through the read pool must fail")
	}
	if _, err := d.W.ExecContext(ctx, `SELECT nope FROM cache_t`); err == nil || !strings.Contains(err.Error(), "no such column") {
		t.Fatalf("syntax error: %v", err)
	}
	if stats.hits.Load() < 5 {
		t.Fatalf("%d hits: the errors did not go through cached statements", stats.hits.Load())
	}
}

func TestStmtCacheScriptsAndPragmas(t *testing.T) {
	d := openCacheTestDB(t)
	ctx := context.Background()
	stats := statsOf(t, d.W)
	prepared, bypassed := stats.prepared.Load(), stats.bypassed.Load()
	if _, err := d.W.ExecContext(ctx, `CREATE TABLE s (a INTEGER);
		INSERT INTO s VALUES (1);
		INSERT INTO s VALUES (2);`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.ExecContext(ctx, `INSERT INTO s VALUES (3); INSERT INTO s VALUES (?1)`, 4); err != nil {
		t.Fatal(err)
	}
	var fk, sum int
	if err := d.W.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys %d, %v", fk, err)
	}
	if err := d.W.QueryRowContext(ctx, `SELECT 0; SELECT SUM(a) FROM s`).Scan(&sum); err != nil || sum != 10 {
		t.Fatalf("script query: %d, %v", sum, err)
	}
	if got := stats.prepared.Load() - prepared; got != 0 {
		t.Fatalf("%d scripts or pragmas were cached", got)
	}
	if got := stats.bypassed.Load() - bypassed; got != 4 {
		t.Fatalf("%d bypassed; want 4", got)
	}
	if err := d.Backup(ctx, filepath.Join(t.TempDir(), "copy.db")); err != nil {
		t.Fatal(err)
	}
	// A schema change under a cached statement: SQLite prepares it again by itself.
	if _, _, v := rowsOf(t, d.W, `SELECT * FROM s ORDER BY a`); len(v) != 4 || len(v[0]) != 1 {
		t.Fatalf("before: %v", v)
	}
	if _, err := d.W.ExecContext(ctx, `ALTER TABLE s ADD COLUMN b TEXT NOT NULL DEFAULT 'x'`); err != nil {
		t.Fatal(err)
	}
	if cols, _, v := rowsOf(t, d.W, `SELECT * FROM s ORDER BY a`); len(v) != 4 || len(cols) != 2 || v[0][1] != "x" {
		t.Fatalf("after: %v %v", cols, v)
	}
}

func TestStmtCacheConnInterfaces(t *testing.T) {
	d := openCacheTestDB(t)
	withConn(t, d.W, func(cc *cachingConn) {
		inner := cc.Unwrap()
		var outer driver.Conn = cc
		for name, has := range map[string]func(driver.Conn) bool{
			"ConnPrepareContext": func(c driver.Conn) bool { _, ok := c.(driver.ConnPrepareContext); return ok },
			"ConnBeginTx":        func(c driver.Conn) bool { _, ok := c.(driver.ConnBeginTx); return ok },
			"ExecerContext":      func(c driver.Conn) bool { _, ok := c.(driver.ExecerContext); return ok },
			"QueryerContext":     func(c driver.Conn) bool { _, ok := c.(driver.QueryerContext); return ok },
			"Pinger":             func(c driver.Conn) bool { _, ok := c.(driver.Pinger); return ok },
			"SessionResetter":    func(c driver.Conn) bool { _, ok := c.(driver.SessionResetter); return ok },
			"Validator":          func(c driver.Conn) bool { _, ok := c.(driver.Validator); return ok },
			"NamedValueChecker":  func(c driver.Conn) bool { _, ok := c.(driver.NamedValueChecker); return ok },
		} {
			if has(outer) != has(inner) {
				t.Errorf("%s: wrapper %v, driver %v", name, has(outer), has(inner))
			}
		}
	})
	if err := d.W.Ping(); err != nil {
		t.Fatal(err)
	}
}

func TestStmtCacheConcurrentReads(t *testing.T) {
	d := openCacheTestDB(t)
	seed(t, d.W, 20)
	ctx := context.Background()
	const list = `SELECT id, name, n FROM cache_t WHERE id > ?1 ORDER BY id`
	const one = `SELECT name FROM cache_t WHERE id = ?1`
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				from := (g + i) % 20
				rows, err := d.R.QueryContext(ctx, list, from)
				if err != nil {
					errs <- err
					return
				}
				n := 0
				for rows.Next() {
					var id int64
					var name string
					var num sql.NullInt64
					if err := rows.Scan(&id, &name, &num); err != nil {
						errs <- err
						return
					}
					if id != int64(from+n+1) || name != fmt.Sprintf("nom-%02d é", id) {
						errs <- fmt.Errorf("row %d of %d: %d %q", n, from, id, name)
						return
					}
					n++
				}
				rows.Close()
				if n != 20-from {
					errs <- fmt.Errorf("from %d: %d rows", from, n)
					return
				}
				var name string
				if err := d.R.QueryRowContext(ctx, one, from+1).Scan(&name); err != nil || name != fmt.Sprintf("nom-%02d é", from+1) {
					errs <- fmt.Errorf("one %d: %q, %v", from+1, name, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := statsOf(t, d.R)
	if st.hits.Load() < 1500 {
		t.Fatalf("%d hits for 1600 calls", st.hits.Load())
	}
}

// The benchmarks run the request desk's "get" query (a five-table join by number, as every
// request page and API call does) through a cached pool and through a plain one, on the same file:
//
//	go test ./internal/db/ -run '^$' -bench 'Query(Un)?[Cc]ached' -benchmem
func BenchmarkQueryCached(b *testing.B)   { benchGet(b, true) }
func BenchmarkQueryUncached(b *testing.B) { benchGet(b, false) }

func benchGet(b *testing.B, cached bool) {
	d := openCacheTestDB(b)
	ctx := context.Background()
	q, err := LoadQueries("request", os.DirFS("../request"), SQLite)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	if _, err := d.W.ExecContext(ctx, `INSERT INTO people (first_name, last_name, email, email_key, sort_key, search_text, created_at, updated_at)
		VALUES ('Léa', 'Martin', 'lea@example.fr', 'lea@example.fr', 'martin lea', 'lea martin', ?1, ?1)`, now); err != nil {
		b.Fatal(err)
	}
	if _, err := d.W.ExecContext(ctx, q.Get("insert"), 1042, "Écran cassé", "Il ne s'allume plus.", 1, nil, "normal", "web", false, now, nil); err != nil {
		b.Fatal(err)
	}
	pool := d.R
	if !cached {
		pool, _ = openPool(b, d, 0)
	}
	get := q.Get("get")
	run := func(dest []any) int {
		rows, err := pool.QueryContext(ctx, get, 1042)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		if !rows.Next() {
			b.Fatal("no row")
		}
		if dest != nil {
			if err := rows.Scan(dest...); err != nil {
				b.Fatal(err)
			}
		}
		return len(cols)
	}
	v := make([]any, run(nil))
	dest := make([]any, len(v))
	for i := range v {
		dest[i] = &v[i]
	}
	b.ReportAllocs()
	for b.Loop() {
		run(dest)
	}
}
