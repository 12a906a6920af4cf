package article

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"majordome/internal/civil"
	"majordome/internal/fold"
)

// queryer is a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// All returns every article, by slug, whoever may read it: for exports and the start-up work.
func (s *Service) All(ctx context.Context) ([]Article, error) {
	return s.list(ctx, s.db.R, s.q.Get("all"))
}

// BySlug returns the article at /bible/SLUG, or ErrNotFound.
func (s *Service) BySlug(ctx context.Context, slug string) (Article, error) {
	return s.get(ctx, s.db.R, "by-slug", slug)
}

// ByID returns article id, or ErrNotFound.
func (s *Service) ByID(ctx context.Context, id int64) (Article, error) {
	return s.get(ctx, s.db.R, "by-id", id)
}

// Read returns the article at slug when v may read it; ErrNotFound otherwise, as if it did not
// exist.
func (s *Service) Read(ctx context.Context, v Viewer, slug string) (Article, error) {
	a, err := s.BySlug(ctx, slug)
	if err == nil && !v.CanSee(a) {
		return Article{}, ErrNotFound
	}
	return a, err
}

// ReadID is Read by id.
func (s *Service) ReadID(ctx context.Context, v Viewer, id int64) (Article, error) {
	a, err := s.ByID(ctx, id)
	if err == nil && !v.CanSee(a) {
		return Article{}, ErrNotFound
	}
	return a, err
}

func (s *Service) get(ctx context.Context, q queryer, name string, key any) (Article, error) {
	a, err := scanArticle(q.QueryRowContext(ctx, s.q.Get(name), key))
	if errors.Is(err, sql.ErrNoRows) {
		return Article{}, ErrNotFound
	}
	if err != nil {
		return Article{}, fmt.Errorf("article: get %v: %w", key, err)
	}
	return a, nil
}

func (s *Service) list(ctx context.Context, q queryer, query string, args ...any) ([]Article, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("article: list: %w", err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("article: list: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Filter narrows a list of the bible. Zero values do not filter.
type Filter struct {
	Text     string // full-text search
	Kind     string
	Status   string
	Audience string
	Stale    bool // only the articles past their "verified until" date ("À vérifier")
}

// List returns the articles v may read that match f: by relevance when f.Text searches, by
// title otherwise.
func (s *Service) List(ctx context.Context, v Viewer, f Filter) ([]Article, error) {
	var all []Article
	var err error
	if strings.TrimSpace(f.Text) != "" {
		hits, err := s.Search(ctx, v, f.Text, 100)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			all = append(all, h.Article)
		}
	} else {
		if all, err = s.All(ctx); err != nil {
			return nil, err
		}
		slices.SortStableFunc(all, func(a, b Article) int { return strings.Compare(fold.Key(a.Title), fold.Key(b.Title)) })
	}
	today := s.Today()
	out := all[:0:0]
	for _, a := range all {
		if !v.CanSee(a) || (f.Kind != "" && a.Kind != f.Kind) || (f.Status != "" && a.Status != f.Status) ||
			(f.Audience != "" && a.Audience != f.Audience) || (f.Stale && !a.IsStale(today)) {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// ReplyTemplates lists the published reply templates v may use, by title: the desk's canned
// replies. They are for agents only.
func (s *Service) ReplyTemplates(ctx context.Context, v Viewer) ([]Article, error) {
	if !v.IsAgent() {
		return nil, ErrForbidden
	}
	return s.List(ctx, v, Filter{Kind: KindReplyTemplate, Status: StatusPublished})
}

// LinkedFrom lists the articles v may read whose text links to the article at slug.
func (s *Service) LinkedFrom(ctx context.Context, v Viewer, slug string) ([]Article, error) {
	all, err := s.list(ctx, s.db.R, s.q.Get("linked-from"), slug)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(a Article) bool { return !v.CanSee(a) }), nil
}

// Version is one saved state of an article.
type Version struct {
	Article    // the fields as they were; ID, Slug, CreatedAt are the article's own
	Version    int
	AuthorName string
	SavedAt    time.Time
}

// Versions lists the saved states of a, newest first.
func (s *Service) Versions(ctx context.Context, a Article) ([]Version, error) {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("versions"), a.ID)
	if err != nil {
		return nil, fmt.Errorf("article: versions of %s: %w", a.Slug, err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		ver, err := scanVersion(rows, a)
		if err != nil {
			return nil, fmt.Errorf("article: versions of %s: %w", a.Slug, err)
		}
		out = append(out, ver)
	}
	return out, rows.Err()
}

// VersionOf returns version n of a, or ErrNotFound.
func (s *Service) VersionOf(ctx context.Context, a Article, n int) (Version, error) {
	ver, err := scanVersion(s.db.R.QueryRowContext(ctx, s.q.Get("version-get"), a.ID, n), a)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, ErrNotFound
	}
	if err != nil {
		return Version{}, fmt.Errorf("article: version %d of %s: %w", n, a.Slug, err)
	}
	return ver, nil
}

func scanVersion(sc interface{ Scan(...any) error }, a Article) (Version, error) {
	ver := Version{Article: a}
	var tags string
	var verified sql.NullString
	err := sc.Scan(&ver.Version, &ver.Title, &ver.Kind, &ver.Category, &tags, &ver.Audience, &ver.Status,
		&ver.OwnerEmail, &verified, &ver.Body, &ver.AuthorName, &ver.SavedAt)
	ver.Article.Version = ver.Version
	ver.Tags = splitTags(tags)
	ver.VerifiedUntil = parseDate(verified)
	return ver, err
}

func scanArticle(sc interface{ Scan(...any) error }) (Article, error) {
	var a Article
	var tags string
	var verified sql.NullString
	err := sc.Scan(&a.ID, &a.Slug, &a.Title, &a.Kind, &a.Category, &tags, &a.Audience, &a.Status, &a.OwnerEmail,
		&verified, &a.Body, &a.Version, &a.CreatedAt, &a.UpdatedAt)
	a.Tags = splitTags(tags)
	a.VerifiedUntil = parseDate(verified)
	return a, err
}

// Tags are stored comma-separated; a tag never holds a comma (normalize removes them).
func joinTags(tags []string) string { return strings.Join(tags, ",") }

func splitTags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func parseDate(s sql.NullString) civil.Date {
	if !s.Valid {
		return civil.Date{}
	}
	d, _ := civil.Parse(s.String)
	return d
}

func nullDate(d civil.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// idList is ids as a JSON array, for the "by-ids" statement.
func idList(ids []int64) string {
	b, _ := json.Marshal(ids)
	return string(b)
}
