package article_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"majordome/internal/article"
	"majordome/internal/db"
	"majordome/internal/testutil"
)

// TestMigrationTurnsMacrosIntoReplyTemplates applies the migrations up to the one before the
// bible's, writes an agent's own macro beside the four default ones, then migrates: every macro
// becomes a published reply template for the agents, with a first version, found by search once
// IndexMissing ran.
func TestMigrationTurnsMacrosIntoReplyTemplates(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "majordome.db")
			gd := goose.DialectSQLite3
			if dialect == db.Postgres {
				dsn, gd = testutil.PostgresEmptyDSN(t), goose.DialectPostgres
			}
			d, err := db.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			p, err := goose.NewProvider(gd, d.W, os.DirFS(filepath.Join("..", "db", "migrations", string(dialect))), goose.WithDisableGlobalRegistry(true))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 20); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
			var uid int64
			if err := d.W.QueryRowContext(ctx, `INSERT INTO users (email, email_key, name, role, created_at, updated_at)
				VALUES ('Noel.Petit@exemple.fr', 'noel.petit@exemple.fr', 'Noël Petit', 'agent', $1, $1) RETURNING id`, now).Scan(&uid); err != nil {
				t.Fatal(err)
			}
			if _, err := d.W.ExecContext(ctx, `INSERT INTO macros (name, body, owner_user_id, position, created_at, updated_at)
				VALUES ('Code Wi-Fi', 'Le code est {{code}}, {{prenom}}.', $1, 5, $2, $2)`, uid, now); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Migrate(ctx, testutil.Quiet); err != nil {
				t.Fatal(err)
			}
			b := newBible(t, d)
			all, err := b.s.All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			byTitle := map[string]article.Article{}
			for _, a := range all {
				if a.Kind != article.KindReplyTemplate || a.Status != article.StatusPublished || a.Audience != article.AudienceAgents ||
					a.Version != 1 || article.CheckSlug(a.Slug) != nil {
					t.Errorf("a former macro: %+v", a)
				}
				byTitle[a.Title] = a
			}
			if len(all) != 5 || byTitle["Bien reçu"].Body == "" || byTitle["Demande résolue"].OwnerEmail != "" {
				t.Fatalf("the four default macros and the agent's own: %v", byTitle)
			}
			own := byTitle["Code Wi-Fi"]
			if own.Body != "Le code est {{code}}, {{prenom}}." || own.OwnerEmail != "noel.petit@exemple.fr" || !own.CreatedAt.Equal(now) {
				t.Errorf("the agent's own macro: %+v", own)
			}
			if vers, err := b.s.Versions(ctx, own); err != nil || len(vers) != 1 || vers[0].Body != own.Body {
				t.Errorf("its first version: %v %v", vers, err)
			}
			if n, err := b.s.IndexMissing(ctx); err != nil || n != 5 {
				t.Fatalf("index missing: %d %v", n, err)
			}
			if n, _ := b.s.IndexMissing(ctx); n != 0 {
				t.Errorf("index missing twice: %d", n)
			}
			hits, err := b.s.Search(ctx, b.agent, "prestataire", 10)
			if err != nil || len(hits) != 1 || hits[0].Article.Title != "En attente du prestataire" {
				t.Errorf("search finds the former macros: %v %v", hits, err)
			}
			tpl, err := b.s.ReplyTemplates(ctx, b.agent)
			if err != nil || len(tpl) != 5 {
				t.Errorf("reply templates: %d %v", len(tpl), err)
			}
			if _, err := b.s.ReplyTemplates(ctx, b.employee); err != article.ErrForbidden {
				t.Errorf("an employee's reply templates: %v", err)
			}
		})
	}
}
