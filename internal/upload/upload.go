// Package upload owns files staged between the two steps of an action (preview, then confirm),
// such as a people import: they wait in the database, so the confirmation may reach another
// instance than the preview did, and they expire on their own.
package upload

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"majordome/internal/db"
)

//go:embed queries.sql
var queriesFS embed.FS

// ErrNotFound is returned for a token that is unknown, expired, deleted, made for another
// purpose or by another user: the caller cannot tell which, and need not.
var ErrNotFound = errors.New("upload: not found")

// Service stores and hands back staged files.
type Service struct {
	db  *db.DB
	q   *db.Queries
	now func() time.Time
}

// New returns the staging area stored in d.
func New(d *db.DB) *Service {
	return &Service{db: d, q: db.MustLoadQueries("upload", queriesFS, d.Dialect),
		now: func() time.Time { return time.Now().UTC() }}
}

// Queries exposes the package's statements to the start-up check.
func (s *Service) Queries() *db.Queries { return s.q }

// SetClock replaces the clock, for tests of expiry.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Save stages content for userID and purpose ("people-import") for ttl, and returns the token
// that names it. Only the token's hash is stored: a leaked database cannot be used to replay a
// staged import in someone else's name.
func (s *Service) Save(ctx context.Context, purpose string, userID int64, filename string, content []byte, ttl time.Duration) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("upload: token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	if content == nil {
		content = []byte{} // the column is NOT NULL; an empty file is still a file
	}
	_, err := s.db.W.ExecContext(ctx, s.q.Get("insert"), hash(token), purpose, userID, filename, content, now, now.Add(ttl))
	if err != nil {
		return "", fmt.Errorf("upload: save: %w", err)
	}
	return token, nil
}

// Load returns the file staged under token, if it is still valid and was staged by userID for
// purpose; otherwise ErrNotFound.
func (s *Service) Load(ctx context.Context, token, purpose string, userID int64) (string, []byte, error) {
	var filename string
	var content []byte
	err := s.db.R.QueryRowContext(ctx, s.q.Get("get"), hash(token), purpose, userID, s.now()).Scan(&filename, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, ErrNotFound
	}
	if err != nil {
		return "", nil, fmt.Errorf("upload: load: %w", err)
	}
	return filename, content, nil
}

// Delete removes the file staged under token, once its action is done. Deleting a token that
// no longer exists is not an error.
func (s *Service) Delete(ctx context.Context, token string) error {
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("delete"), hash(token)); err != nil {
		return fmt.Errorf("upload: delete: %w", err)
	}
	return nil
}

// Cleanup deletes every expired file. Every instance may run it: the delete is idempotent.
func (s *Service) Cleanup(ctx context.Context) error {
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("expired-delete"), s.now()); err != nil {
		return fmt.Errorf("upload: cleanup: %w", err)
	}
	return nil
}

// hash is how tokens are stored: a SHA-256 of 32 random bytes needs no salt.
func hash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
