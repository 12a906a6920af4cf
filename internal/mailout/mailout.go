package mailout

import (
	"context"
	"crypto/tls"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
)

//go:embed queries*.sql
var queriesFS embed.FS

// Service sends Majordome's email: it renders each message once, stores it in the outbox and
// sends it through the job queue, and it keeps the Message-IDs of every request's thread.
type Service struct {
	db   *db.DB
	q    *db.Queries
	jobs *jobs.Queue
	cat  *i18n.Catalog
	log  *slog.Logger
	now  func() time.Time

	env     config.Mail // the settings of the environment, which win over the page's
	baseURL string
	audit   *audit.Log
	desk    *request.Desk
	people  *people.Directory
	tls     *tls.Config // for tests: the relay's certificate pool

	// articles is the bible an email request's acknowledgement suggests guides from (ack.go).
	articles *article.Service

	// ready caches Ready for the notification channel (channel.go), which is asked for every
	// notification; SaveSettings forgets it.
	ready *notify.ReadyCache
}

// Options are the parts the service works with besides its database and queue.
type Options struct {
	Env     config.Mail // MAJORDOME_MAIL_ADDRESS, MAJORDOME_SMTP_URL…: win over the settings page
	BaseURL string      // the public URL, for the links in emails
	Audit   *audit.Log
	Desk    *request.Desk     // the requests whose conversations go out by email
	People  *people.Directory // the requesters' languages
}

// New returns the email service stored in d, which sends through q.
func New(d *db.DB, q *jobs.Queue, cat *i18n.Catalog, log *slog.Logger) *Service {
	s := &Service{db: d, q: db.MustLoadQueries("mailout", queriesFS, d.Dialect), jobs: q, cat: cat, log: log,
		now: func() time.Time { return time.Now().UTC() }}
	s.ready = notify.NewReadyCache(func(ctx context.Context) (bool, error) {
		st, err := s.Settings(ctx)
		return st.Ready(), err
	})
	return s
}

// Setup gives the service what it sends with; call it once while wiring, before serving.
func (s *Service) Setup(o Options) *Service {
	s.env, s.baseURL, s.audit, s.desk, s.people = o.Env, strings.TrimRight(o.BaseURL, "/"), o.Audit, o.Desk, o.People
	return s
}

// SetTLSConfig sets the TLS configuration used with the relay, for tests with their own
// certificates.
func (s *Service) SetTLSConfig(c *tls.Config) { s.tls = c }

// Queries exposes the package's statements to the start-up check.
func (s *Service) Queries() *db.Queries { return s.q }

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// normalizeID returns a Message-ID with its angle brackets, spaces trimmed.
func normalizeID(id string) string {
	id = strings.TrimSpace(id)
	if id == "" {
		return ""
	}
	return "<" + strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">") + ">"
}

// RecordIncoming records, inside the caller's transaction tx, that the email with messageID
// (with or without its angle brackets) belongs to request number: later replies quote it and
// are matched by it, and Majordome's answers carry it in In-Reply-To so that the requester's
// client threads them. Recording an id twice is a no-op.
func (s *Service) RecordIncoming(ctx context.Context, tx *sql.Tx, number int64, messageID string) error {
	id := normalizeID(messageID)
	if id == "" || number <= 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("thread-insert"), id, number, "in", s.now()); err != nil {
		return fmt.Errorf("mailout: record incoming %s: %w", id, err)
	}
	return nil
}

// recordOutgoing records the Message-ID of an email Majordome sent on request number.
func (s *Service) recordOutgoing(ctx context.Context, number int64, messageID string) error {
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("thread-insert"), normalizeID(messageID), number, "out", s.now()); err != nil {
		return fmt.Errorf("mailout: record outgoing %s: %w", messageID, err)
	}
	return nil
}

// RequestByMessageID returns the request whose thread holds messageID (with or without its
// angle brackets): one Majordome sent, or one the requester's client sent and RecordIncoming
// kept. ok is false for an id of no thread.
func (s *Service) RequestByMessageID(ctx context.Context, messageID string) (number int64, ok bool, err error) {
	id := normalizeID(messageID)
	if id == "" {
		return 0, false, nil
	}
	err = s.db.R.QueryRowContext(ctx, s.q.Get("thread-request"), id).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("mailout: request of %s: %w", id, err)
	}
	return number, true, nil
}

// incomingIDs returns the Message-IDs the requester sent on request number, oldest first.
func (s *Service) incomingIDs(ctx context.Context, number int64) ([]string, error) {
	ids, err := db.Column[string](ctx, s.db.R, s.q.Get("thread-incoming"), number)
	if err != nil {
		return nil, fmt.Errorf("mailout: thread of %d: %w", number, err)
	}
	return ids, nil
}
