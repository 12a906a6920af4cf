// Package mailin is the incoming half of Majordome's email channel: it turns the emails written
// to the desk's address into requests, and the replies to Majordome's emails into messages of
// their request, from a polled IMAP mailbox or the built-in SMTP listener.
//
// # The path of an email
//
// Whatever brings it, an email is first stored whole in mail_inbound (Store), with a job
// "mail.inbound" in the same transaction: the SMTP listener answers 250 and the IMAP poller
// marks it \Seen only once it is stored, so nothing is lost. Its Message-ID is the key of the
// row, so the same email fetched twice (an IMAP re-poll, an SMTP retry) is stored, and so
// processed, once. The job parses it (enmime, every charset real mail uses), drops the noise
// (auto-replies, lists, bulk mail, our own mail, runaway senders), handles bounces (the
// recipient's address is marked failing, the admins are told), and then either adds a reply to
// the request it answers (Match) or files a new request. The change of the desk and the email's
// settlement happen in one transaction (a desk observer settles the row and records the
// Message-ID of the thread), so an email is never filed twice nor settled without its request.
//
// The email stays in mail_inbound: agents see it as it came ("Voir l'email d'origine").
package mailin

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

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/valid"
)

//go:embed queries*.sql
var queriesFS embed.FS

// JobInbound processes one stored email.
const JobInbound = "mail.inbound"

// MaxSize is the largest email accepted: five attachments of 10 MiB, base64-encoded, and room
// for the text.
const MaxSize = 70 << 20

// Thread is what the incoming half needs of the outgoing one (package mailout): the Message-IDs
// of each request's thread, and the addresses that bounce.
type Thread interface {
	// RecordIncoming records, inside tx, that the email messageID belongs to request number.
	RecordIncoming(ctx context.Context, tx *sql.Tx, number int64, messageID string) error
	// RequestByMessageID returns the request whose thread holds messageID.
	RequestByMessageID(ctx context.Context, messageID string) (int64, bool, error)
	// MarkFailing stops sending to address, for reason (a bounce).
	MarkFailing(ctx context.Context, address, reason string) error
}

// AutoReplier sends the polite automatic reply to an unknown sender when the settings refuse
// them: a plain text email with Auto-Submitted: auto-replied, in reply to inReplyTo, queued
// inside tx.
type AutoReplier interface {
	SendAutoReply(ctx context.Context, tx *sql.Tx, to, subject, text, inReplyTo string) error
}

// Deps are the services the incoming channel works with.
type Deps struct {
	DB      *db.DB
	Log     *slog.Logger
	Jobs    *jobs.Queue
	Desk    *request.Desk
	People  *people.Directory
	Auth    *auth.Service
	Notify  *notify.Service // nil: nobody is told of bounces
	Audit   *audit.Log
	I18n    *i18n.Catalog
	Thread  Thread      // nil: matching by Message-ID only for our own ids, no bounce marking
	Replier AutoReplier // nil: a refused sender gets no answer
	// Mail returns the email settings in force (the environment's, else the settings page's):
	// the desk's address, office@exemple.fr, whose plus-addresses route replies and whose mail
	// is ours, and the mailbox the poller reads.
	Mail func(ctx context.Context) (config.Mail, error)
	// RateLimit is how many emails one sender may send in an hour; 0 for 20.
	RateLimit int
}

// Service is the incoming email channel.
type Service struct {
	Deps
	q       *db.Queries
	now     func() time.Time
	imapTLS *tls.Config // nil: the system's roots
	// smtpCheck is how often RunSMTP reads the listening address again.
	smtpCheck time.Duration
}

// New returns the incoming channel. Call Observe and RegisterJobs while wiring.
func New(deps Deps) *Service {
	if deps.RateLimit == 0 {
		deps.RateLimit = 20
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	return &Service{Deps: deps, q: db.MustLoadQueries("mailin", queriesFS, deps.DB.Dialect),
		now: func() time.Time { return time.Now().UTC() }, smtpCheck: 5 * time.Second}
}

// Queries exposes the package's statements to the start-up check.
func (s *Service) Queries() *db.Queries { return s.q }

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Observe makes the desk tell the channel of its changes, so that an email's settlement is
// written in the transaction of the request or reply it becomes.
func (s *Service) Observe() { s.Desk.Observe(s.observe) }

// RegisterJobs binds the job that processes stored emails.
func (s *Service) RegisterJobs() {
	s.Jobs.Register(JobInbound, s.inboundJob)
}

// Unknown senders: what happens to an email from an address the directory does not know.
const (
	UnknownCreate = "create" // the sender is created as an external contact, flagged for review
	UnknownRefuse = "refuse" // a polite automatic reply, and nothing is created
)

// Settings are the incoming channel's settings, set on /settings/mail/inbound.
type Settings struct {
	UnknownSender string // UnknownCreate or UnknownRefuse
	MoveTo        string // the IMAP folder processed emails are moved to, "" to leave them
}

// address returns the desk's address in force, lower case, "" when none is set.
func (s *Service) address(ctx context.Context) (string, error) {
	if s.Mail == nil {
		return "", nil
	}
	m, err := s.Mail(ctx)
	if err != nil {
		return "", fmt.Errorf("mailin: mail settings: %w", err)
	}
	return strings.ToLower(strings.TrimSpace(m.Address)), nil
}

// Settings returns the settings, the defaults when none were saved.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	st := Settings{UnknownSender: UnknownCreate}
	err := s.DB.R.QueryRowContext(ctx, s.q.Get("settings")).Scan(&st.UnknownSender, &st.MoveTo)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("mailin: settings: %w", err)
	}
	return st, nil
}

// SetSettings saves st, audited.
func (s *Service) SetSettings(ctx context.Context, st Settings) (Settings, error) {
	st.MoveTo = strings.TrimSpace(st.MoveTo)
	var errs valid.Errors
	if st.UnknownSender != UnknownCreate && st.UnknownSender != UnknownRefuse {
		errs.Add("unknown_sender", "mailin_unknown_sender_invalid")
	}
	if len(st.MoveTo) > 200 || strings.ContainsAny(st.MoveTo, "\r\n\"*%") {
		errs.Add("move_to", "mailin_folder_invalid")
	}
	if err := errs.Err(); err != nil {
		return st, err
	}
	before, err := s.Settings(ctx)
	if err != nil {
		return st, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("settings-upsert"), st.UnknownSender, st.MoveTo, s.now()); err != nil {
			return fmt.Errorf("mailin: save settings: %w", err)
		}
		return s.Audit.Record(ctx, tx, audit.Change{Action: "settings.mail_inbound", EntityType: "setting",
			EntityName: "mail_inbound",
			Before:     map[string]any{"unknown_sender": before.UnknownSender, "move_to": before.MoveTo},
			After:      map[string]any{"unknown_sender": st.UnknownSender, "move_to": st.MoveTo}})
	})
	return st, err
}
