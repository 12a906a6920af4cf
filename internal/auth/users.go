package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/valid"
)

// User is an account that can sign in to Majordome.
type User struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        Role       `json:"role"`
	Language    string     `json:"language"`
	Active      bool       `json:"active"`
	HasPassword bool       `json:"has_password"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
	hash        string
}

// NewUser is what an account is created from. Password may be empty: the person then signs in
// with a link.
type NewUser struct {
	Email, Name string
	Role        Role
	Password    string
	Language    string
}

const minPassword = 10

func checkPassword(errs *valid.Errors, field, pw string) {
	switch {
	case len([]rune(pw)) < minPassword:
		errs.Add(field, "password_short", "min", fmt.Sprint(minPassword))
	case len(pw) > 72: // bcrypt reads 72 bytes; longer would silently ignore the rest
		errs.Add(field, "too_long", "max", "72")
	}
}

// passwordCost is bcrypt's work factor: the default in Majordome, its minimum in test binaries,
// where hundreds of accounts are made under the race detector and the hash's strength does not
// matter. The browser tests run the real binary, at the real cost.
var passwordCost = func() int {
	if testing.Testing() {
		return bcrypt.MinCost
	}
	return bcrypt.DefaultCost
}()

func hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), passwordCost)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return string(h), nil
}

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var last sql.NullTime
	err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Language, &u.Active, &u.hash, &u.CreatedAt, &last)
	u.HasPassword = u.hash != ""
	u.LastLoginAt = nullTime(last)
	return u, err
}

// CreateUser adds an account.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, error) {
	var errs valid.Errors
	in.Email, in.Name = strings.TrimSpace(in.Email), strings.TrimSpace(in.Name)
	if errs.Required("email", in.Email) {
		errs.Email("email", in.Email)
	}
	if errs.Required("name", in.Name) {
		errs.MaxLen("name", in.Name, 100)
	}
	if _, ok := ParseRole(string(in.Role)); !ok {
		errs.Add("role", "role_invalid")
	}
	if in.Password != "" {
		checkPassword(&errs, "password", in.Password)
	}
	if in.Language == "" {
		in.Language = "fr"
	}
	if in.Language != "fr" && in.Language != "en" {
		errs.Add("language", "language_invalid")
	}
	if err := errs.Err(); err != nil {
		return User{}, err
	}
	h := ""
	if in.Password != "" {
		var err error
		if h, err = hashPassword(in.Password); err != nil {
			return User{}, err
		}
	}
	var u User
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var id int64
		err := tx.QueryRowContext(ctx, s.q.Get("user-insert"), in.Email, strings.ToLower(in.Email), in.Name,
			in.Role, h, in.Language, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return valid.Errors{{Field: "email", Code: "email_taken"}}
		}
		if err != nil {
			return fmt.Errorf("auth: create user: %w", err)
		}
		if u, err = scanUser(tx.QueryRowContext(ctx, s.q.Get("user-get"), id)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "user.create", EntityType: "user", EntityID: id,
			EntityName: u.Name, After: userSnapshot(u)})
	})
	return u, err
}

// User returns the account with id.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.db.R.QueryRowContext(ctx, s.q.Get("user-get"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// UserByEmail returns the account with that email, whatever its case.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.R.QueryRowContext(ctx, s.q.Get("user-by-email"), strings.ToLower(strings.TrimSpace(email))))
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// Users lists every account by name.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("users"))
	if err != nil {
		return nil, fmt.Errorf("auth: users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("auth: users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// HasAdmin reports whether an active admin exists (first start creates one otherwise).
func (s *Service) HasAdmin(ctx context.Context) (bool, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, s.q.Get("admin-count")).Scan(&n)
	return n > 0, err
}

// UserChange edits an account; nil fields stay as they are.
type UserChange struct {
	Name     *string
	Email    *string
	Role     *Role
	Language *string
	Active   *bool
	Password *string // set a new password (an admin's reset, or the person's own)
}

// UpdateUser applies ch to the account id. Removing or demoting the last active admin is
// refused, so the company can never lock itself out.
func (s *Service) UpdateUser(ctx context.Context, id int64, ch UserChange) (User, error) {
	var after User
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := scanUser(tx.QueryRowContext(ctx, s.q.Get("user-get"), id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		u := before
		var errs valid.Errors
		if ch.Name != nil {
			u.Name = strings.TrimSpace(*ch.Name)
			if errs.Required("name", u.Name) {
				errs.MaxLen("name", u.Name, 100)
			}
		}
		if ch.Email != nil {
			u.Email = strings.TrimSpace(*ch.Email)
			if errs.Required("email", u.Email) {
				errs.Email("email", u.Email)
			}
		}
		if ch.Role != nil {
			if _, ok := ParseRole(string(*ch.Role)); !ok {
				errs.Add("role", "role_invalid")
			}
			u.Role = *ch.Role
		}
		if ch.Language != nil {
			if *ch.Language != "fr" && *ch.Language != "en" {
				errs.Add("language", "language_invalid")
			}
			u.Language = *ch.Language
		}
		if ch.Active != nil {
			u.Active = *ch.Active
		}
		if ch.Password != nil {
			checkPassword(&errs, "password", *ch.Password)
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if before.Role == Admin && before.Active && (u.Role != Admin || !u.Active) {
			var n int
			if err := tx.QueryRowContext(ctx, s.q.Get("admin-count")).Scan(&n); err != nil {
				return err
			}
			if n <= 1 {
				return ErrLastAdmin
			}
		}
		if ch.Password != nil {
			if u.hash, err = hashPassword(*ch.Password); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, s.q.Get("user-update"), id, u.Email, strings.ToLower(u.Email), u.Name,
			u.Role, u.hash, u.Language, u.Active, s.now())
		if db.IsUniqueViolation(err) {
			return valid.Errors{{Field: "email", Code: "email_taken"}}
		}
		if err != nil {
			return fmt.Errorf("auth: update user %d: %w", id, err)
		}
		if !u.Active || ch.Password != nil {
			// A deactivated account or a new password ends every open session.
			if _, err := tx.ExecContext(ctx, s.q.Get("sessions-delete-user"), id); err != nil {
				return err
			}
		}
		u.HasPassword = u.hash != ""
		after = u
		action := "user.update"
		switch {
		case ch.Password != nil && ch.Name == nil && ch.Role == nil && ch.Active == nil:
			action = "user.password"
		case ch.Role != nil && before.Role != u.Role:
			action = "user.role"
		case before.Active && !u.Active:
			action = "user.deactivate"
		case !before.Active && u.Active:
			action = "user.reactivate"
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: action, EntityType: "user", EntityID: id,
			EntityName: u.Name, Before: userSnapshot(before), After: userSnapshot(u)})
	})
	return after, err
}

// userSnapshot is the audited form of an account: never its password hash.
func userSnapshot(u User) map[string]any {
	return map[string]any{"email": u.Email, "name": u.Name, "role": u.Role, "language": u.Language,
		"active": u.Active, "has_password": u.hash != ""}
}
