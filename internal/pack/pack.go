// Package pack owns the packs of the bible: sets of articles and checklists written as a folder
// (or a zip) of Markdown files with YAML front matter, readable by a person and by another
// Majordome, so that Office Managers share them as they do in their community; the articles'
// images and files travel with them (files.go). It reads and
// checks a pack (refused whole, with the file and line of every problem), shows what importing
// it would change, imports it in one transaction (idempotent: a second import changes
// nothing), and exports a bible in the same format. The format is described in packs/README.md.
package pack

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/checklist"
	"majordome/internal/db"
)

// Meta is a pack's pack.yaml.
type Meta struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	Language    string `yaml:"language,omitempty"`
	Version     string `yaml:"version,omitempty"`
}

// The kinds of entry in a pack.
const (
	KindArticle       = article.KindArticle
	KindReplyTemplate = article.KindReplyTemplate
	KindChecklist     = "checklist"
)

// Entry is one file of a pack, read and converted: an article (or reply template) or a
// checklist template, its links already in the instance's form (/bible/SLUG).
type Entry struct {
	File     string // path in the pack, "wifi-invites.md"
	Slug     string
	Kind     string // KindArticle, KindReplyTemplate or KindChecklist
	Article  article.Article
	Template checklist.Template

	src   *front      // for the line of a field
	files []entryFile // for an article, the files it carries, by path
}

// Title is the entry's title.
func (e Entry) Title() string {
	if e.Kind == KindChecklist {
		return e.Template.Title
	}
	return e.Article.Title
}

// Pack is a pack read and checked against an instance, ready to import.
type Pack struct {
	Meta    Meta
	Entries []Entry  // articles first, then checklists, each by slug
	Images  []string // files of the pack that no article carries, not imported
}

//go:embed queries.sql
var queriesFS embed.FS

// Service reads, imports and exports packs on the bible of one Majordome.
type Service struct {
	db         *db.DB
	q          *db.Queries
	articles   *article.Service
	checklists *checklist.Service
	audit      *audit.Log
}

// New returns the pack service over the bible's two halves.
func New(d *db.DB, articles *article.Service, checklists *checklist.Service, log *audit.Log) *Service {
	return &Service{db: d, q: db.MustLoadQueries("pack", queriesFS, d.Dialect), articles: articles,
		checklists: checklists, audit: log}
}

// Queries exposes the package's statements to the start-up check.
func (s *Service) Queries() *db.Queries { return s.q }

// instance is what the bible holds already, for links and plans.
type instance struct {
	articles  map[string]article.Article
	templates map[string]checklist.Template
}

func (s *Service) instance(ctx context.Context) (instance, error) {
	in := instance{articles: map[string]article.Article{}, templates: map[string]checklist.Template{}}
	all, err := s.articles.All(ctx)
	if err != nil {
		return in, fmt.Errorf("pack: articles: %w", err)
	}
	for _, a := range all {
		in.articles[a.Slug] = a
	}
	ts, err := s.checklists.Templates(ctx)
	if err != nil {
		return in, fmt.Errorf("pack: checklists: %w", err)
	}
	for _, t := range ts {
		in.templates[t.Slug] = t
	}
	return in, nil
}

// IsEmpty reports whether the bible has neither article nor checklist yet (the reply templates
// made from the desk's macros do not count): the moment to offer the starter pack.
func (s *Service) IsEmpty(ctx context.Context) (bool, error) {
	var has int
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("bible-has-content")).Scan(&has); err != nil {
		return false, fmt.Errorf("pack: is the bible empty: %w", err)
	}
	return has == 0, nil
}

// tx runs fn in a transaction that is committed only when commit is set: a dry run goes through
// the very writes of the import, so that it refuses what the import would refuse, and then
// rolls them back.
func (s *Service) tx(ctx context.Context, commit bool, fn func(tx *sql.Tx) error) error {
	if commit {
		return s.db.Tx(ctx, fn)
	}
	tx, err := s.db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("pack: begin: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}
