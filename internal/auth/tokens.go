package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/valid"
)

// Token is an API token: a name, a role, and a secret shown once at creation.
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	Prefix     string     `json:"prefix"`
	CreatedBy  int64      `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// tokenPrefix starts every secret, so a leaked token is recognisable by secret scanners.
const tokenPrefix = "mjd_"

func scanToken(sc interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var createdBy sql.NullInt64
	var used, revoked sql.NullTime
	err := sc.Scan(&t.ID, &t.Name, &t.Role, &t.Prefix, &createdBy, &t.CreatedAt, &used, &revoked)
	t.CreatedBy, t.LastUsedAt, t.RevokedAt = createdBy.Int64, nullTime(used), nullTime(revoked)
	return t, err
}

// CreateToken makes an API token and returns it with its secret, which is stored only hashed
// and cannot be shown again.
func (s *Service) CreateToken(ctx context.Context, name string, role Role, createdBy int64) (Token, string, error) {
	var errs valid.Errors
	name = strings.TrimSpace(name)
	if errs.Required("name", name) {
		errs.MaxLen("name", name, 100)
	}
	if _, ok := ParseRole(string(role)); !ok {
		errs.Add("role", "role_invalid")
	}
	if err := errs.Err(); err != nil {
		return Token{}, "", err
	}
	secret := tokenPrefix + randomToken(30)
	var t Token
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var by *int64
		if createdBy != 0 {
			by = &createdBy
		}
		var id int64
		if err := tx.QueryRowContext(ctx, s.q.Get("token-insert"), name, role, secret[:len(tokenPrefix)+6],
			hash(secret), by, s.now()).Scan(&id); err != nil {
			return fmt.Errorf("auth: create token: %w", err)
		}
		var err error
		if t, err = scanToken(tx.QueryRowContext(ctx, s.q.Get("token-get"), id)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "token.create", EntityType: "token", EntityID: id,
			EntityName: name, After: map[string]any{"name": name, "role": role, "prefix": t.Prefix}})
	})
	return t, secret, err
}

// Authenticate returns the live token whose secret is given.
func (s *Service) Authenticate(ctx context.Context, secret string) (Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return Token{}, ErrInvalidToken
	}
	t, err := scanToken(s.db.R.QueryRowContext(ctx, s.q.Get("token-by-hash"), hash(secret)))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && t.RevokedAt != nil) {
		return Token{}, ErrInvalidToken
	}
	if err != nil {
		return Token{}, fmt.Errorf("auth: authenticate token: %w", err)
	}
	now := s.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if _, err := s.db.W.ExecContext(ctx, s.q.Get("token-used"), t.ID, now); err != nil {
			return Token{}, fmt.Errorf("auth: authenticate token: %w", err)
		}
	}
	return t, nil
}

// Tokens lists every token, newest first, revoked ones included.
func (s *Service) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("tokens"))
	if err != nil {
		return nil, fmt.Errorf("auth: tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("auth: tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken stops the token id from working, at once and for good.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := scanToken(tx.QueryRowContext(ctx, s.q.Get("token-get"), id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("token-revoke"), id, s.now()); err != nil {
			return fmt.Errorf("auth: revoke token %d: %w", id, err)
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "token.revoke", EntityType: "token", EntityID: id,
			EntityName: t.Name, Before: map[string]any{"revoked": false}, After: map[string]any{"revoked": true}})
	})
}
