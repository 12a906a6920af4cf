// Package db owns the connection to Majordome's database, SQLite or PostgreSQL: opening it with the
// right settings, applying migrations, transactions, the named-query loader and the translation of
// driver errors into domain-neutral errors.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Dialect names a SQL engine Majordome runs on.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database. Reads go through R; writes and transactions through W. On SQLite, W
// holds a single connection, because SQLite has one writer at a time and queuing writers in the
// pool is kinder than "database is locked"; R is read-only so a write sent there fails loudly. On
// PostgreSQL, R and W are the same pool.
type DB struct {
	Dialect Dialect
	R       *sql.DB
	W       *sql.DB
	path    string // the SQLite file, for backups
}

// Open connects to dsn: a postgres:// URL selects PostgreSQL, anything else is a SQLite file path
// (its folder is created). It pings the database before returning.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("db: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pingRetry(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: connect to postgres: %w", err)
	}
	return &DB{Dialect: Postgres, R: pool, W: pool}, nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("db: create data folder: %w", err)
		}
	}
	// Times are written in UTC whatever location the caller's time.Time carries: SQLite keeps
	// them as text and compares them as text, so one offset for all is what makes < and > right.
	common := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_time_format=sqlite&_timezone=UTC"
	w, err := openSQLitePool("file:" + url.PathEscape(path) + "?" + common +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	r, err := openSQLitePool("file:" + url.PathEscape(path) + "?" + common + "&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	return &DB{Dialect: SQLite, R: r, W: w, path: path}, nil
}

// pingRetry waits a little for a database that is still starting (a container, a failover).
func pingRetry(ctx context.Context, pool *sql.DB) error {
	var err error
	for i := 0; i < 10; i++ {
		if err = pool.PingContext(ctx); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(300 * time.Millisecond):
		}
	}
	return err
}

// Close closes both pools.
func (d *DB) Close() error {
	err := d.W.Close()
	if d.R != d.W {
		err = errors.Join(err, d.R.Close())
	}
	return err
}

// Ping reports whether the database answers, for health checks.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.R.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Tx runs fn in a transaction on the write pool, committing when fn returns nil and rolling back
// otherwise (including on panic).
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of a live SQLite database to dest (VACUUM INTO), which must not
// exist yet. PostgreSQL is backed up with pg_dump instead.
func (d *DB) Backup(ctx context.Context, dest string) error {
	if d.Dialect != SQLite {
		return errors.New("db: backup: this database is PostgreSQL; use pg_dump (see README)")
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("db: backup: %s already exists", dest)
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	if _, err := d.W.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		return fmt.Errorf("db: backup to %s: %w", dest, err)
	}
	return nil
}
