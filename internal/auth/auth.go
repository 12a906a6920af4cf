// Package auth owns accounts and how people prove who they are: passwords, session cookies and
// their CSRF tokens, one-time sign-in links, API tokens, the sign-in rate limit, and the roles
// that decide what each account may do.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
)

//go:embed queries*.sql
var queriesFS embed.FS

// Role is what an account may do. Roles are ordered: each includes the rights of those below.
type Role string

// The roles, from most to least powerful.
const (
	Admin    Role = "admin"    // the Office Manager: everything
	Agent    Role = "agent"    // helpers (IT, HR, a second OM): handle requests and the directory
	Manager  Role = "manager"  // approves for their team
	Employee Role = "employee" // asks
)

// Roles lists every role, most powerful first.
var Roles = []Role{Admin, Agent, Manager, Employee}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, bool) {
	r := Role(s)
	return r, slices.Contains(Roles, r)
}

// AtLeast reports whether r has the rights of min.
func (r Role) AtLeast(min Role) bool {
	ri, mi := slices.Index(Roles, r), slices.Index(Roles, min)
	return ri >= 0 && mi >= 0 && ri <= mi
}

// Permission is a right checked at the edges.
type Permission string

// The permissions, each granted from a minimum role.
const (
	PeopleRead  Permission = "people.read"
	PeopleWrite Permission = "people.write"
	Administer  Permission = "admin" // accounts, tokens, settings, audit log
	// RequestsWork is working the request desk: the queue, assigning, replying, internal notes.
	RequestsWork Permission = "requests.work"
	// RequestsAsk is filing requests, and reading and answering those one may see.
	RequestsAsk Permission = "requests.ask"
)

var minRole = map[Permission]Role{
	PeopleRead:   Employee,
	PeopleWrite:  Agent,
	Administer:   Admin,
	RequestsWork: Agent,
	RequestsAsk:  Employee,
}

// Can reports whether role r holds permission p.
func (r Role) Can(p Permission) bool {
	min, ok := minRole[p]
	return ok && r.AtLeast(min)
}

// Errors of the auth package.
var (
	ErrNotFound        = errors.New("auth: not found")
	ErrBadCredentials  = errors.New("auth: wrong email or password")
	ErrRateLimited     = errors.New("auth: too many attempts")
	ErrInvalidLink     = errors.New("auth: sign-in link invalid, used or expired")
	ErrInvalidToken    = errors.New("auth: invalid or revoked token")
	ErrLastAdmin       = errors.New("auth: the last active admin cannot be removed")
	ErrSessionNotFound = errors.New("auth: no such session")
)

// Service is the auth service.
type Service struct {
	db    *db.DB
	q     *db.Queries
	audit *audit.Log
	now   func() time.Time

	// SessionTTL is how long an unused session lives; each use extends it.
	SessionTTL time.Duration
}

// New returns the auth service stored in d.
func New(d *db.DB, log *audit.Log) *Service {
	return &Service{db: d, q: db.MustLoadQueries("auth", queriesFS, d.Dialect), audit: log,
		now: func() time.Time { return time.Now().UTC() }, SessionTTL: 30 * 24 * time.Hour}
}

// Queries exposes the package's statements to the start-up check.
func (s *Service) Queries() *db.Queries { return s.q }

// SetClock replaces the clock, for tests of expiry.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// randomToken returns n random bytes, URL-safe encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hash is how secrets are stored: a SHA-256 of a high-entropy random value needs no salt, and
// a stolen database gives nothing that opens a session.
func hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	tt := t.Time
	return &tt
}
