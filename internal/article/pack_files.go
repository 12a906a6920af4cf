package article

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/valid"
)

// FilesWithData returns the files of a with their bytes, oldest first, as a pack export
// carries them.
func (s *Service) FilesWithData(ctx context.Context, a Article) ([]File, [][]byte, error) {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("files-with-data"), a.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("article: files of %s: %w", a.Slug, err)
	}
	defer rows.Close()
	var files []File
	var data [][]byte
	for rows.Next() {
		var b []byte
		f, err := scanFile(rows, &b)
		if err != nil {
			return nil, nil, fmt.Errorf("article: files of %s: %w", a.Slug, err)
		}
		files, data = append(files, f), append(data, b)
	}
	return files, data, rows.Err()
}

// UpsertWithFilesTx is UpsertTx for an article that carries files, as a pack import does. Each
// file is stored with the article unless it holds the same bytes already; the article's text
// is then body(ids), ids[i] being the id of files[i], so that its links lead to them. A new
// article gets a single version, whose text has the final links. added lists the files
// stored; changed is false when the article's fields are as they were (files may still have
// been added).
func (s *Service) UpsertWithFilesTx(ctx context.Context, tx *sql.Tx, a Article, files []Upload,
	body func(ids []int64) string) (changed bool, added []File, err error) {
	final := a
	a.Body = body(make([]int64, len(files)))
	a = normalize(a)
	if err := validate(a); err != nil {
		return false, nil, err
	}
	before, err := s.get(ctx, tx, "by-slug", a.Slug)
	isNew := errors.Is(err, ErrNotFound)
	if err != nil && !isNew {
		return false, nil, err
	}
	id := before.ID
	var existing []File
	if isNew {
		err := tx.QueryRowContext(ctx, s.q.Get("insert"), a.Slug, a.Title, a.Kind, a.Category, joinTags(a.Tags),
			a.Audience, a.Status, a.OwnerEmail, nullDate(a.VerifiedUntil), a.Body, s.now()).Scan(&id)
		if db.IsUniqueViolation(err) {
			return false, nil, valid.Errors{{Field: "slug", Code: "slug_taken"}}
		}
		if err != nil {
			return false, nil, fmt.Errorf("article: create %s: %w", a.Slug, err)
		}
	} else if existing, err = s.filesTx(ctx, tx, id); err != nil {
		return false, nil, err
	}
	ids := make([]int64, len(files))
	for i, f := range files {
		if id, ok := sameFile(existing, f); ok {
			ids[i] = id
			continue
		}
		out := File{ArticleID: id, Filename: f.Name, ContentType: f.ContentType, Size: int64(len(f.Data)),
			SHA256: f.SHA256, UploaderName: audit.ActorFrom(ctx).Name, CreatedAt: s.now()}
		if err := tx.QueryRowContext(ctx, s.q.Get("file-insert"), id, out.Filename, out.ContentType, out.Size,
			out.SHA256, f.Data, out.UploaderName, out.CreatedAt).Scan(&out.ID); err != nil {
			return false, nil, fmt.Errorf("article: add file to %s: %w", a.Slug, err)
		}
		ids[i] = out.ID
		existing = append(existing, out)
		added = append(added, out)
	}
	final.Body = body(ids)
	final = normalize(final)
	if err := validate(final); err != nil {
		return false, nil, err
	}
	if isNew {
		if _, err := tx.ExecContext(ctx, s.q.Get("body-set"), id, final.Body); err != nil {
			return false, nil, fmt.Errorf("article: create %s: %w", a.Slug, err)
		}
		out, err := s.afterWrite(ctx, tx, id)
		if err != nil {
			return false, nil, err
		}
		if err := s.audit.Record(ctx, tx, audit.Change{Action: "article.create", EntityType: "article", EntityID: id,
			EntityName: out.Title, After: auditView(out)}); err != nil {
			return false, nil, err
		}
		changed = true
	} else if _, changed, err = s.update(ctx, tx, before, final, "article.update"); err != nil {
		return false, nil, err
	}
	for _, f := range added {
		if err := s.audit.Record(ctx, tx, audit.Change{Action: "article.file_add", EntityType: "article", EntityID: id,
			EntityName: final.Title, After: map[string]any{"file": f.Filename, "size": f.Size}}); err != nil {
			return false, nil, err
		}
	}
	return changed, added, nil
}

// sameFile finds among files one with f's bytes, of the same name first.
func sameFile(files []File, f Upload) (int64, bool) {
	var found int64
	for _, e := range files {
		if e.SHA256 != f.SHA256 {
			continue
		}
		if e.Filename == f.Name {
			return e.ID, true
		}
		if found == 0 {
			found = e.ID
		}
	}
	return found, found != 0
}

func (s *Service) filesTx(ctx context.Context, tx *sql.Tx, articleID int64) ([]File, error) {
	return s.filesOf(ctx, tx, articleID)
}
