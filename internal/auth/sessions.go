package auth

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"majordome/internal/audit"
)

// Session is a signed-in browser. Its CSRF token must accompany every state-changing request.
type Session struct {
	User      User
	CSRFToken string
	ExpiresAt time.Time
	idHash    string
}

// Sign-in throttling: per address and per client, over a sliding window. The counts live in the
// database so that every instance behind a load balancer sees the same attempts.
const (
	attemptWindow   = 15 * time.Minute
	maxPerEmail     = 8
	maxPerIP        = 40
	sessionTouchGap = 10 * time.Minute
)

// dummyHash is compared against when the email is unknown, so a wrong email takes as long as a
// wrong password and response times do not reveal who has an account.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("majordome-timing-equaliser"), passwordCost)

// SignIn checks an email and password and opens a session. It returns ErrRateLimited when the
// address or the client made too many failed attempts recently, and ErrBadCredentials for any
// wrong or unknown email, wrong password or disabled account.
func (s *Service) SignIn(ctx context.Context, email, password, userAgent, ip string) (token string, sess Session, err error) {
	email = strings.ToLower(strings.TrimSpace(email))
	keys := []string{"email:" + email, "ip:" + ip}
	limits := []int{maxPerEmail, maxPerIP}
	since := s.now().Add(-attemptWindow)
	for i, k := range keys {
		var n int
		if err := s.db.R.QueryRowContext(ctx, s.q.Get("attempts-count"), k, since).Scan(&n); err != nil {
			return "", sess, fmt.Errorf("auth: sign in: %w", err)
		}
		if n >= limits[i] {
			return "", sess, ErrRateLimited
		}
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", sess, err
	}
	hashed := dummyHash
	if err == nil && u.hash != "" {
		hashed = []byte(u.hash)
	}
	pwErr := bcrypt.CompareHashAndPassword(hashed, []byte(password))
	if err != nil || pwErr != nil || !u.Active || u.hash == "" {
		now := s.now()
		for _, k := range keys {
			if _, err := s.db.W.ExecContext(ctx, s.q.Get("attempt-insert"), k, now); err != nil {
				return "", sess, fmt.Errorf("auth: sign in: %w", err)
			}
		}
		return "", sess, ErrBadCredentials
	}
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("attempts-clear"), keys[0]); err != nil {
		return "", sess, fmt.Errorf("auth: sign in: %w", err)
	}
	return s.openSession(ctx, u, userAgent, ip)
}

// openSession stores a new session for u and returns its cookie value.
func (s *Service) openSession(ctx context.Context, u User, userAgent, ip string) (string, Session, error) {
	token := randomToken(32)
	now := s.now()
	sess := Session{User: u, CSRFToken: randomToken(32), ExpiresAt: now.Add(s.SessionTTL), idHash: hash(token)}
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("session-insert"), sess.idHash, u.ID, sess.CSRFToken, now,
			sess.ExpiresAt, userAgent, ip); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q.Get("user-logged-in"), u.ID, now)
		return err
	})
	if err != nil {
		return "", sess, fmt.Errorf("auth: open session: %w", err)
	}
	return token, sess, nil
}

// Session returns the live session whose cookie value is token, extending its life when it is
// used (at most every few minutes, to spare the database a write per request).
func (s *Service) Session(ctx context.Context, token string) (Session, error) {
	var sess Session
	if token == "" {
		return sess, ErrSessionNotFound
	}
	sess.idHash = hash(token)
	var lastSeen time.Time
	var last sql.NullTime
	u := &sess.User
	err := s.db.R.QueryRowContext(ctx, s.q.Get("session-get"), sess.idHash, s.now()).Scan(
		&sess.CSRFToken, &sess.ExpiresAt, &lastSeen,
		&u.ID, &u.Email, &u.Name, &u.Role, &u.Language, &u.Active, &u.hash, &u.CreatedAt, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, ErrSessionNotFound
	}
	if err != nil {
		return sess, fmt.Errorf("auth: session: %w", err)
	}
	u.HasPassword, u.LastLoginAt = u.hash != "", nullTime(last)
	if now := s.now(); now.Sub(lastSeen) > sessionTouchGap {
		sess.ExpiresAt = now.Add(s.SessionTTL)
		if _, err := s.db.W.ExecContext(ctx, s.q.Get("session-touch"), sess.idHash, now, sess.ExpiresAt); err != nil {
			return sess, fmt.Errorf("auth: session: %w", err)
		}
	}
	return sess, nil
}

// ValidCSRF reports whether token is the session's CSRF token, in constant time.
func (sess Session) ValidCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRFToken)) == 1
}

// SignOut ends the session whose cookie value is token.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("session-delete"), hash(token)); err != nil {
		return fmt.Errorf("auth: sign out: %w", err)
	}
	return nil
}

// Link purposes.
const (
	LinkFirstAdmin = "first-admin"
	LinkReset      = "reset"
)

// CreateLink makes a one-time sign-in link token for the account id, valid for ttl.
func (s *Service) CreateLink(ctx context.Context, userID int64, purpose string, ttl time.Duration) (string, error) {
	token := randomToken(32)
	now := s.now()
	// A link grants access like a password does: who made one, for whom, is in the audit trail.
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, s.q.Get("user-name"), userID).Scan(&name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("link-insert"), hash(token), userID, purpose, now, now.Add(ttl)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "user.link", EntityType: "user", EntityID: userID,
			EntityName: name, After: map[string]any{"purpose": purpose, "expires_at": now.Add(ttl)}})
	})
	if err != nil {
		return "", fmt.Errorf("auth: create link: %w", err)
	}
	return token, nil
}

// UseLink consumes a sign-in link and opens a session. A link works once, before it expires,
// for an active account; anything else is ErrInvalidLink.
func (s *Service) UseLink(ctx context.Context, token, userAgent, ip string) (string, Session, string, error) {
	var userID int64
	var purpose string
	err := s.db.W.QueryRowContext(ctx, s.q.Get("link-use"), hash(token), s.now()).Scan(&userID, &purpose)
	if errors.Is(err, sql.ErrNoRows) {
		return "", Session{}, "", ErrInvalidLink
	}
	if err != nil {
		return "", Session{}, "", fmt.Errorf("auth: use link: %w", err)
	}
	u, err := s.User(ctx, userID)
	if err != nil || !u.Active {
		return "", Session{}, "", ErrInvalidLink
	}
	ctx = audit.WithActor(ctx, audit.Actor{Kind: "user", ID: u.ID, Name: u.Name, IP: ip})
	tok, sess, err := s.openSession(ctx, u, userAgent, ip)
	return tok, sess, purpose, err
}

// Cleanup deletes expired sessions, links and old sign-in attempts.
func (s *Service) Cleanup(ctx context.Context) error {
	now := s.now()
	for _, q := range []string{"sessions-expired-delete", "links-expired-delete"} {
		if _, err := s.db.W.ExecContext(ctx, s.q.Get(q), now); err != nil {
			return fmt.Errorf("auth: cleanup: %w", err)
		}
	}
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("attempts-old-delete"), now.Add(-attemptWindow)); err != nil {
		return fmt.Errorf("auth: cleanup: %w", err)
	}
	return nil
}
