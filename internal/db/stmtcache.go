package db

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"
)

// stmtCacheSize is how many prepared statements each SQLite connection keeps, least recently used
// first out. Majordome runs a fixed set of named queries (about 180 across all packages in 2026)
// plus a few dynamic ones (list filters); 256 holds them all on the write connection, which runs
// nearly every statement. A prepared statement takes about 5 KB of SQLite memory (the named
// queries measured 0.9 MB on one connection), so the nine connections of the two pools hold
// 12 MB at the very most, and a few MB in practice.
const stmtCacheSize = 256

// openSQLitePool opens a database/sql pool on a modernc SQLite dsn whose connections keep their
// prepared statements (see stmtCacheConnector).
func openSQLitePool(dsn string) (*sql.DB, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(&stmtCacheConnector{inner: c, size: stmtCacheSize, stats: &stmtCacheStats{}}), nil
}

// stmtCacheConnector opens SQLite connections that prepare each statement once: modernc's conn
// implements ExecContext and QueryContext by parsing and planning the SQL text on every call, and
// that parsing was a quarter of the CPU of filing a request. The wrapped connection keeps an LRU of
// prepared statements keyed by the SQL text and runs ExecContext and QueryContext (database/sql
// routes transactions' statements there too) on them.
//
// Which statements are cached (see cacheableSQL): one statement starting with SELECT, INSERT,
// UPDATE, DELETE, REPLACE, WITH or VALUES, after leading comments; a ';' outside literals and
// comments may only end it. Everything else (scripts of several statements such as goose's
// migrations, DDL, PRAGMA, VACUUM, ATTACH, BEGIN…) goes to the driver exactly as before, prepared
// and finalized on each call. goose's own bookkeeping queries are plain single statements and are
// cached like any other.
//
// A statement whose Rows are still open (a nested query with the same text while iterating) is
// busy: the second call is run by the driver on a fresh statement, closed after use, as without
// the cache. PostgreSQL needs none of this: pgx caches statements itself.
type stmtCacheConnector struct {
	inner driver.Connector
	size  int
	stats *stmtCacheStats
}

// stmtCacheStats counts what the caches of a pool do, for tests and benchmarks.
type stmtCacheStats struct {
	prepared atomic.Int64 // statements prepared into a cache
	hits     atomic.Int64 // calls served by a cached statement
	busy     atomic.Int64 // calls whose cached statement was in use, run by the driver instead
	bypassed atomic.Int64 // calls not cacheable (scripts, DDL, PRAGMA…), run by the driver
	closed   atomic.Int64 // cached statements closed (evicted or with their connection)
}

// Connect opens an inner connection and wraps it. A connection lacking one of the interfaces
// database/sql uses on modernc's is returned as is, uncached, so that database/sql treats it the
// same way.
func (c *stmtCacheConnector) Connect(ctx context.Context) (driver.Conn, error) {
	ci, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	full, ok := ci.(fullConn)
	if !ok {
		return ci, nil
	}
	cc := &cachingConn{inner: full, size: c.size, stats: c.stats, lru: list.New(), m: map[string]*list.Element{}}
	if _, ok := ci.(driver.NamedValueChecker); ok {
		return cachingConnNVC{cc}, nil
	}
	return cc, nil
}

// Driver returns the inner connector's driver.
func (c *stmtCacheConnector) Driver() driver.Driver { return c.inner.Driver() }

// fullConn is what modernc's conn implements and the cache passes through.
type fullConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn is a driver connection with a cache of prepared statements. database/sql uses a
// connection from one goroutine at a time; mu guards the cache all the same, and is never held
// while SQLite works.
type cachingConn struct {
	inner fullConn
	stats *stmtCacheStats

	mu     sync.Mutex
	size   int
	lru    *list.List               // of *cachedStmt, most recently used first
	m      map[string]*list.Element // by SQL text
	closed bool
}

// cachedStmt is a prepared statement of a connection's cache.
type cachedStmt struct {
	key   string
	stmt  driver.Stmt
	exec  driver.StmtExecContext
	query driver.StmtQueryContext
	// guarded by cachingConn.mu
	busy    bool // running, or its Rows open
	evicted bool // out of the cache: closed once no longer busy
	closed  bool
}

// cachingConnNVC is a cachingConn whose inner connection checks argument values itself.
type cachingConnNVC struct{ *cachingConn }

// CheckNamedValue implements driver.NamedValueChecker.
func (c cachingConnNVC) CheckNamedValue(nv *driver.NamedValue) error {
	return c.inner.(driver.NamedValueChecker).CheckNamedValue(nv)
}

// Unwrap returns the driver's own connection. sql.Conn.Raw hands over the wrapper: a caller that
// needs one of modernc's extras (sqlite.DBStatus, FileControl, Serialize…) unwraps it first.
func (c *cachingConn) Unwrap() driver.Conn { return c.inner }

// Prepare implements driver.Conn; explicit statements are database/sql's own and not cached.
func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.inner.Prepare(query) }

// PrepareContext implements driver.ConnPrepareContext, uncached like Prepare.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner.PrepareContext(ctx, query)
}

// Begin implements driver.Conn.
func (c *cachingConn) Begin() (driver.Tx, error) { return c.inner.Begin() }

// BeginTx implements driver.ConnBeginTx.
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner.BeginTx(ctx, opts)
}

// Ping implements driver.Pinger.
func (c *cachingConn) Ping(ctx context.Context) error { return c.inner.Ping(ctx) }

// ResetSession implements driver.SessionResetter.
func (c *cachingConn) ResetSession(ctx context.Context) error { return c.inner.ResetSession(ctx) }

// IsValid implements driver.Validator.
func (c *cachingConn) IsValid() bool { return c.inner.IsValid() }

// Close closes every cached statement, then the connection. database/sql closes a connection
// only once the Rows read on it are closed, so no statement is busy here.
func (c *cachingConn) Close() error {
	c.mu.Lock()
	c.closed = true
	stmts := make([]*cachedStmt, 0, c.lru.Len())
	for e := c.lru.Front(); e != nil; e = e.Next() {
		stmts = append(stmts, e.Value.(*cachedStmt))
	}
	c.lru.Init()
	clear(c.m)
	c.mu.Unlock()
	for _, cs := range stmts {
		c.closeStmt(cs)
	}
	return c.inner.Close()
}

// ExecContext implements driver.ExecerContext on a cached statement when there is one to use.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.inner.ExecContext(ctx, query, args)
	}
	defer c.release(cs)
	return cs.exec.ExecContext(ctx, args)
}

// QueryContext implements driver.QueryerContext on a cached statement when there is one to use;
// the statement stays busy until the Rows are closed.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.inner.QueryContext(ctx, query, args)
	}
	rows, err := cs.query.QueryContext(ctx, args)
	if err != nil {
		c.release(cs)
		return nil, err
	}
	return &cachedRows{Rows: rows, c: c, cs: cs}, nil
}

// acquire returns the cached statement for query, marked busy, preparing it on a miss. It returns
// nil, nil when the caller should let the driver run query: not cacheable, or its statement busy.
func (c *cachingConn) acquire(ctx context.Context, query string) (*cachedStmt, error) {
	text, ok := cacheableSQL(query)
	if !ok {
		c.stats.bypassed.Add(1)
		return nil, nil
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, nil
	}
	if e, ok := c.m[query]; ok {
		cs := e.Value.(*cachedStmt)
		if cs.busy {
			c.mu.Unlock()
			c.stats.busy.Add(1)
			return nil, nil
		}
		cs.busy = true
		c.lru.MoveToFront(e)
		c.mu.Unlock()
		c.stats.hits.Add(1)
		return cs, nil
	}
	c.mu.Unlock()

	st, err := c.inner.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	ex, okExec := st.(driver.StmtExecContext)
	qu, okQuery := st.(driver.StmtQueryContext)
	if !okExec || !okQuery {
		st.Close()
		c.stats.bypassed.Add(1)
		return nil, nil
	}
	c.stats.prepared.Add(1)
	cs := &cachedStmt{key: query, stmt: st, exec: ex, query: qu, busy: true}
	var victims []*cachedStmt
	c.mu.Lock()
	if _, dup := c.m[query]; dup || c.closed {
		cs.evicted = true // kept by nobody: closed on release
	} else {
		c.m[query] = c.lru.PushFront(cs)
	}
	for c.lru.Len() > max(c.size, 1) {
		v := c.lru.Remove(c.lru.Back()).(*cachedStmt)
		delete(c.m, v.key)
		v.evicted = true
		if !v.busy {
			victims = append(victims, v)
		}
	}
	c.mu.Unlock()
	for _, v := range victims {
		c.closeStmt(v)
	}
	return cs, nil
}

// release marks cs free again, closing it if it was evicted meanwhile.
func (c *cachingConn) release(cs *cachedStmt) {
	c.mu.Lock()
	cs.busy = false
	evicted := cs.evicted
	c.mu.Unlock()
	if evicted {
		c.closeStmt(cs)
	}
}

// closeStmt closes cs once. Its error is dropped: finalizing reports the last run's error, which
// its caller already had.
func (c *cachingConn) closeStmt(cs *cachedStmt) {
	c.mu.Lock()
	done := cs.closed
	cs.closed = true
	c.mu.Unlock()
	if !done {
		cs.stmt.Close()
		c.stats.closed.Add(1)
	}
}

// cachedRows are the Rows of a cached statement: closing them frees the statement. They pass
// through the column-type interfaces modernc's rows implement.
type cachedRows struct {
	driver.Rows
	c  *cachingConn
	cs *cachedStmt
}

// Close closes the rows (which resets the statement) and releases the statement.
func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.cs != nil {
		r.c.release(r.cs)
		r.cs = nil
	}
	return err
}

// ColumnTypeScanType implements driver.RowsColumnTypeScanType.
func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if x, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return x.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

// ColumnTypeDatabaseTypeName implements driver.RowsColumnTypeDatabaseTypeName.
func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if x, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return x.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

// ColumnTypeLength implements driver.RowsColumnTypeLength.
func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	if x, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return x.ColumnTypeLength(i)
	}
	return 0, false
}

// ColumnTypeNullable implements driver.RowsColumnTypeNullable.
func (r *cachedRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if x, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return x.ColumnTypeNullable(i)
	}
	return false, false
}

// ColumnTypePrecisionScale implements driver.RowsColumnTypePrecisionScale.
func (r *cachedRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if x, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return x.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

// cacheableSQL reports whether query is worth keeping prepared, and the text to prepare: query
// without what follows its final ';' (spaces, comments), which the driver would otherwise take
// for the rest of a script. See stmtCacheConnector for the rule.
func cacheableSQL(query string) (string, bool) {
	i := skipSpaceAndComments(query, 0)
	if i < 0 {
		return "", false
	}
	j := i
	for j < len(query) && isLetter(query[j]) {
		j++
	}
	switch strings.ToUpper(query[i:j]) {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "VALUES":
	default:
		return "", false
	}
	for j < len(query) {
		switch ch := query[j]; ch {
		case '\'', '"', '`': // a literal or a quoted name; a doubled quote is one quote
			j++
			for {
				k := strings.IndexByte(query[j:], ch)
				if k < 0 {
					return "", false
				}
				j += k + 1
				if j < len(query) && query[j] == ch {
					j++
					continue
				}
				break
			}
		case '[':
			k := strings.IndexByte(query[j:], ']')
			if k < 0 {
				return "", false
			}
			j += k + 1
		case '-', '/':
			k := skipSpaceAndComments(query, j)
			if k == j {
				j++
			} else if k < 0 {
				return "", false
			} else {
				j = k
			}
		case ';':
			if k := skipSpaceAndComments(query, j+1); k != len(query) {
				return "", false // another statement follows
			}
			return query[:j+1], true
		default:
			j++
		}
	}
	return query, true
}

// skipSpaceAndComments returns the index of the first byte from i on that is neither white space
// nor inside a -- or /* */ comment, or -1 when a /* comment is not closed.
func skipSpaceAndComments(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f':
			i++
		case strings.HasPrefix(s[i:], "--"):
			k := strings.IndexByte(s[i:], '\n')
			if k < 0 {
				return len(s)
			}
			i += k + 1
		case strings.HasPrefix(s[i:], "/*"):
			k := strings.Index(s[i+2:], "*/")
			if k < 0 {
				return -1
			}
			i += 2 + k + 2
		default:
			return i
		}
	}
	return i
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
