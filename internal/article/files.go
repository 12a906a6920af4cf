package article

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"majordome/internal/audit"
)

// File is an image or an attachment of an article. Its bytes are read with FileData.
type File struct {
	ID           int64
	ArticleID    int64
	Filename     string
	ContentType  string // sniffed from the bytes by the caller (request.ReadFile's rules)
	Size         int64
	SHA256       string
	UploaderName string
	CreatedAt    time.Time
}

// IsImage reports whether the file is an image a browser shows inline.
func (f File) IsImage() bool {
	switch f.ContentType {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp":
		return true
	}
	return false
}

// Upload is a file read and checked by the edge, ready to store.
type Upload struct {
	Name, ContentType, SHA256 string
	Data                      []byte
}

// AddFile stores f as a file of article a, for v.
func (s *Service) AddFile(ctx context.Context, v Viewer, a Article, f Upload) (File, error) {
	if !v.IsAgent() || !v.CanSee(a) {
		return File{}, ErrForbidden
	}
	out := File{ArticleID: a.ID, Filename: f.Name, ContentType: f.ContentType, Size: int64(len(f.Data)),
		SHA256: f.SHA256, UploaderName: v.Name, CreatedAt: s.now()}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("file-insert"), a.ID, out.Filename, out.ContentType, out.Size,
			out.SHA256, f.Data, out.UploaderName, out.CreatedAt).Scan(&out.ID); err != nil {
			return fmt.Errorf("article: add file to %s: %w", a.Slug, err)
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "article.file_add", EntityType: "article", EntityID: a.ID,
			EntityName: a.Title, After: map[string]any{"file": out.Filename, "size": out.Size}})
	})
	return out, err
}

// Files lists the files of a, oldest first.
func (s *Service) Files(ctx context.Context, a Article) ([]File, error) {
	return s.filesOf(ctx, s.db.R, a.ID)
}

// filesOf lists the files of article id through q (the pool, or a transaction), oldest first.
func (s *Service) filesOf(ctx context.Context, q queryer, id int64) ([]File, error) {
	rows, err := q.QueryContext(ctx, s.q.Get("files"), id)
	if err != nil {
		return nil, fmt.Errorf("article: files of %d: %w", id, err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FileData returns file id with its bytes, when v may read its article; ErrNotFound otherwise.
func (s *Service) FileData(ctx context.Context, v Viewer, id int64) (File, []byte, error) {
	var data []byte
	f, err := scanFile(s.db.R.QueryRowContext(ctx, s.q.Get("file-get"), id), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, nil, ErrNotFound
	}
	if err != nil {
		return File{}, nil, fmt.Errorf("article: file %d: %w", id, err)
	}
	if _, err := s.ReadID(ctx, v, f.ArticleID); err != nil {
		return File{}, nil, err
	}
	return f, data, nil
}

// DeleteFile removes file id of a, for v.
func (s *Service) DeleteFile(ctx context.Context, v Viewer, a Article, id int64) error {
	if !v.IsAgent() || !v.CanSee(a) {
		return ErrForbidden
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("file-delete"), id, a.ID)
		if err != nil {
			return fmt.Errorf("article: delete file %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "article.file_delete", EntityType: "article", EntityID: a.ID,
			EntityName: a.Title, Before: map[string]any{"file_id": id}})
	})
}

func scanFile(sc interface{ Scan(...any) error }, extra ...any) (File, error) {
	var f File
	dest := append([]any{&f.ID, &f.ArticleID, &f.Filename, &f.ContentType, &f.Size, &f.SHA256, &f.UploaderName, &f.CreatedAt}, extra...)
	return f, sc.Scan(dest...)
}
