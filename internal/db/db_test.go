package db_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/testutil"
)

func TestMigrateIsIdempotent(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		n, err := d.Migrate(ctx, testutil.Quiet)
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d, err %v; want 0, nil", n, err)
		}
		cur, latest, err := d.SchemaVersion(ctx)
		if err != nil || cur != latest || cur < 1 {
			t.Fatalf("schema version %d of %d, err %v", cur, latest, err)
		}
	})
}

func TestSameBehaviourOnBothEngines(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
		q := map[db.Dialect]string{db.SQLite: `INSERT INTO teams (name, name_key, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)`,
			db.Postgres: `INSERT INTO teams (name, name_key, created_at, updated_at) VALUES ($1, $2, $3, $3)`}[d.Dialect]
		if _, err := d.W.ExecContext(ctx, q, "Produit", "produit", now); err != nil {
			t.Fatal(err)
		}
		_, err := d.W.ExecContext(ctx, q, "PRODUIT", "produit", now)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate key error = %v; want a unique violation", err)
		}
		var got time.Time
		if err := d.R.QueryRowContext(ctx, `SELECT created_at FROM teams`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(now) {
			t.Fatalf("timestamp round trip: got %v, want %v", got, now)
		}
		_, err = d.W.ExecContext(ctx, map[db.Dialect]string{db.SQLite: `INSERT INTO people (first_name, last_name, email, email_key, team_id, sort_key, search_text, created_at, updated_at) VALUES ('a','b','c','c', 999, 'x', 'x', ?1, ?1)`,
			db.Postgres: `INSERT INTO people (first_name, last_name, email, email_key, team_id, sort_key, search_text, created_at, updated_at) VALUES ('a','b','c','c', 999, 'x', 'x', $1, $1)`}[d.Dialect], now)
		if !db.IsForeignKeyViolation(err) {
			t.Fatalf("foreign key error = %v; want a foreign-key violation", err)
		}
	})
}

func TestSQLiteReadPoolRefusesWrites(t *testing.T) {
	d := testutil.SQLite(t)
	if _, err := d.R.Exec(`DELETE FROM teams`); err == nil {
		t.Fatal("a write through the read pool must fail")
	}
}

func TestBackup(t *testing.T) {
	d := testutil.SQLite(t)
	ctx := context.Background()
	if _, err := d.W.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k', '"v"', ?1)`, time.Now()); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := d.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if err := d.Backup(ctx, dest); err == nil {
		t.Fatal("backup over an existing file must fail")
	}
	c, err := db.Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var v string
	if err := c.R.QueryRow(`SELECT value FROM settings WHERE key = 'k'`).Scan(&v); err != nil || v != `"v"` {
		t.Fatalf("backup content: %q, %v", v, err)
	}
}

func TestToSQLiteParams(t *testing.T) {
	got := db.ToSQLiteParamsForTest(`SELECT '$1', $1 FROM t WHERE a = $12 AND b = 'it''s $2'`)
	want := `SELECT '$1', ?1 FROM t WHERE a = ?12 AND b = 'it''s $2'`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
