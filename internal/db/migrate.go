package db

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations
var migrationsFS embed.FS

// Migrate applies the pending schema migrations of the dialect, forward only, each in its own
// transaction. On PostgreSQL a session advisory lock makes instances that start together take
// turns, so only one of them migrates.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger) (applied int, err error) {
	if d.upToDate(ctx) {
		return 0, nil
	}
	p, err := d.migrator(ctx)
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("db: migrate: %w", err)
	}
	for _, r := range res {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return len(res), nil
}

// upToDate reports whether every migration of the binary is recorded as applied, read from
// goose's table without goose: goose parses every migration file first, which costs more than
// the rest of a start-up (and most of a test's set-up). Any doubt (no table yet, an unknown
// version) answers false and lets goose decide.
func (d *DB) upToDate(ctx context.Context) bool {
	want := map[int64]bool{}
	entries, err := fs.ReadDir(migrationsFS, "migrations/"+string(d.Dialect))
	if err != nil {
		return false
	}
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return false
		}
		want[v] = true
	}
	applied, err := Column[int64](ctx, d.W, "SELECT version_id FROM goose_db_version WHERE is_applied")
	if err != nil {
		return false
	}
	got := map[int64]bool{}
	for _, v := range applied {
		if v != 0 { // goose's own first row
			got[v] = true
		}
	}
	if len(got) != len(want) {
		return false
	}
	for v := range want {
		if !got[v] {
			return false
		}
	}
	return true
}

// MigrationsDigest is a short hash of the dialect's migration files: two databases migrated by
// binaries with the same digest have the same schema. Tests use it to reuse a migrated template.
func MigrationsDigest(dialect Dialect) (string, error) {
	h := fnv.New64a()
	root := "migrations/" + string(dialect)
	err := fs.WalkDir(migrationsFS, root, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := migrationsFS.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("db: migrations digest: %w", err)
	}
	return fmt.Sprintf("%016x", h.Sum64()), nil
}

// SchemaVersion returns the current schema version and the newest one this binary knows.
func (d *DB) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := d.migrator(ctx)
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("db: schema version: %w", err)
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		latest = srcs[len(srcs)-1].Version
	}
	return current, latest, nil
}

func (d *DB) migrator(ctx context.Context) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationsFS, "migrations/"+string(d.Dialect))
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
		// The lock is per schema: instances sharing a schema take turns, while databases in other
		// schemas of the same server (the tests') do not wait for each other.
		var schema string
		if err := d.W.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			return nil, fmt.Errorf("db: migrations: %w", err)
		}
		h := fnv.New64a()
		h.Write([]byte("majordome-migrate:" + schema))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 600))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, d.W, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	return p, nil
}
