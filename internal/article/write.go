package article

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/valid"
)

// Create writes a new article for v (agents and admins), version 1. An empty slug is made from
// the title. A slug already taken is a validation error on "slug".
func (s *Service) Create(ctx context.Context, v Viewer, a Article) (Article, error) {
	if !v.IsAgent() {
		return Article{}, ErrForbidden
	}
	if a.Slug == "" {
		a.Slug = Slugify(a.Title)
	}
	a = normalize(a)
	if err := validate(a); err != nil {
		return Article{}, err
	}
	var out Article
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.insert(ctx, tx, a)
		return err
	})
	return out, err
}

// Update replaces the fields of article id with a's, as a new version, for v. Saving the same
// fields again makes no version.
func (s *Service) Update(ctx context.Context, v Viewer, id int64, a Article) (Article, error) {
	if !v.IsAgent() {
		return Article{}, ErrForbidden
	}
	a = normalize(a)
	if err := validate(a); err != nil {
		return Article{}, err
	}
	var out Article
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, "by-id", id)
		if err != nil {
			return err
		}
		if !v.CanSee(before) {
			return ErrNotFound
		}
		out, _, err = s.update(ctx, tx, before, a, "article.update")
		return err
	})
	return out, err
}

// Restore makes version n of article id its current state again, as a new version.
func (s *Service) Restore(ctx context.Context, v Viewer, id int64, n int) (Article, error) {
	if !v.IsAgent() {
		return Article{}, ErrForbidden
	}
	var out Article
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, "by-id", id)
		if err != nil {
			return err
		}
		if !v.CanSee(before) {
			return ErrNotFound
		}
		old, err := scanVersion(tx.QueryRowContext(ctx, s.q.Get("version-get"), id, n), before)
		if err == sql.ErrNoRows {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("article: restore %s v%d: %w", before.Slug, n, err)
		}
		a := old.Article
		a.Slug = before.Slug
		out, _, err = s.update(ctx, tx, before, a, "article.restore")
		return err
	})
	return out, err
}

// UpsertTx creates or updates the article with a's slug inside tx, as a pack import does: it
// validates a (a valid.Errors when wrong), and writes no version when nothing changed. The
// author of the version is the actor of ctx.
func (s *Service) UpsertTx(ctx context.Context, tx *sql.Tx, a Article) (changed bool, err error) {
	a = normalize(a)
	if err := validate(a); err != nil {
		return false, err
	}
	before, err := s.get(ctx, tx, "by-slug", a.Slug)
	if err == ErrNotFound {
		_, err = s.insert(ctx, tx, a)
		return err == nil, err
	}
	if err != nil {
		return false, err
	}
	_, changed, err = s.update(ctx, tx, before, a, "article.update")
	return changed, err
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, a Article) (Article, error) {
	now := s.now()
	var id int64
	err := tx.QueryRowContext(ctx, s.q.Get("insert"), a.Slug, a.Title, a.Kind, a.Category, joinTags(a.Tags),
		a.Audience, a.Status, a.OwnerEmail, nullDate(a.VerifiedUntil), a.Body, now).Scan(&id)
	if db.IsUniqueViolation(err) {
		return Article{}, valid.Errors{{Field: "slug", Code: "slug_taken"}}
	}
	if err != nil {
		return Article{}, fmt.Errorf("article: create %s: %w", a.Slug, err)
	}
	out, err := s.afterWrite(ctx, tx, id)
	if err != nil {
		return Article{}, err
	}
	return out, s.audit.Record(ctx, tx, audit.Change{Action: "article.create", EntityType: "article", EntityID: id,
		EntityName: out.Title, After: auditView(out)})
}

// update writes a over before as a new version, unless nothing changed.
func (s *Service) update(ctx context.Context, tx *sql.Tx, before, a Article, action string) (Article, bool, error) {
	if same(before, a) {
		return before, false, nil
	}
	_, err := tx.ExecContext(ctx, s.q.Get("update"), before.ID, a.Slug, a.Title, a.Kind, a.Category, joinTags(a.Tags),
		a.Audience, a.Status, a.OwnerEmail, nullDate(a.VerifiedUntil), a.Body, s.now())
	if db.IsUniqueViolation(err) {
		return Article{}, false, valid.Errors{{Field: "slug", Code: "slug_taken"}}
	}
	if err != nil {
		return Article{}, false, fmt.Errorf("article: update %s: %w", before.Slug, err)
	}
	out, err := s.afterWrite(ctx, tx, before.ID)
	if err != nil {
		return Article{}, false, err
	}
	err = s.audit.Record(ctx, tx, audit.Change{Action: action, EntityType: "article", EntityID: before.ID,
		EntityName: out.Title, Before: auditView(before), After: auditView(out)})
	return out, true, err
}

// afterWrite keeps what follows an article's text in step inside tx: its version, its links and
// its search entry.
func (s *Service) afterWrite(ctx context.Context, tx *sql.Tx, id int64) (Article, error) {
	if _, err := tx.ExecContext(ctx, s.q.Get("version-insert"), id, audit.ActorFrom(ctx).Name, s.now()); err != nil {
		return Article{}, fmt.Errorf("article: version of %d: %w", id, err)
	}
	a, err := s.get(ctx, tx, "by-id", id)
	if err != nil {
		return Article{}, err
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("links-clear"), id); err != nil {
		return Article{}, fmt.Errorf("article: links of %s: %w", a.Slug, err)
	}
	for _, target := range Links(a.Body) {
		if target == a.Slug {
			continue
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("link-add"), id, target); err != nil {
			return Article{}, fmt.Errorf("article: links of %s: %w", a.Slug, err)
		}
	}
	return a, s.index(ctx, tx, a)
}

// linkRe finds the addresses of other articles in Markdown: "](/bible/wifi-invites)",
// "](/bible/wifi-invites#code)", or a bare "/bible/wifi-invites". Links checks what surrounds
// each match, so that "https://ailleurs.fr/bible/x" and "/bible/x/edit" are not links.
var linkRe = regexp.MustCompile(`/bible/([a-z0-9]+(?:-[a-z0-9]+)*)`)

// Links returns the slugs of the articles body links to, once each, in order.
func Links(body string) []string {
	var out []string
	for _, m := range linkRe.FindAllStringSubmatchIndex(body, -1) {
		if m[0] > 0 && !strings.ContainsRune(" \t\n(<\"'[", rune(body[m[0]-1])) {
			continue
		}
		if m[1] < len(body) && !strings.ContainsRune(" \t\n)>\"'#?.,;:!", rune(body[m[1]])) {
			continue
		}
		if slug := body[m[2]:m[3]]; slug != "new" && !slices.Contains(out, slug) {
			out = append(out, slug)
		}
	}
	return out
}

// same reports whether a holds the same fields as before.
func same(before, a Article) bool {
	return before.Slug == a.Slug && before.Title == a.Title && before.Kind == a.Kind && before.Category == a.Category &&
		slices.Equal(before.Tags, a.Tags) && before.Audience == a.Audience && before.Status == a.Status &&
		before.OwnerEmail == a.OwnerEmail && before.VerifiedUntil == a.VerifiedUntil && before.Body == a.Body
}

// auditView is what the audit trail keeps of an article.
func auditView(a Article) map[string]any {
	return map[string]any{"slug": a.Slug, "title": a.Title, "kind": a.Kind, "category": a.Category, "tags": a.Tags,
		"audience": a.Audience, "status": a.Status, "owner_email": a.OwnerEmail,
		"verified_until": a.VerifiedUntil.String(), "body": a.Body, "version": a.Version}
}
