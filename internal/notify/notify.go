// Package notify owns notifications: what each account is told (a new request, a reply, an SLA
// alert…), the in-app inbox with its unread count, the external channels (Slack, email) that
// plug in later, and focus time, the shield of the people who work the desk against
// interruptions.
//
// # One service, many channels
//
// Domain packages call Send inside the transaction of the change that warrants a notification,
// so that a notification exists exactly when its change does. The in-app inbox is the built-in
// path: Send stores the notification and it is in the inbox. Each external Channel added with
// AddChannel is delivered by its own job ("notify.deliver", one per notification and channel,
// with a unique key), so the desk never waits on Slack or a mail server, and a failed delivery
// is retried by the queue without resending to the others. A channel not set up yet (Slack
// without a bot token, email without a relay) says so with Ready and gets no job at all.
//
// A notification keeps its kind and parameters rather than a text: Text writes it in the
// reader's language when it is shown or delivered.
//
// # Focus time
//
// An account may define focus blocks (every weekday 9:00–11:00) and start focus by hand ("for
// 2 h"). While it is in focus, a non-urgent notification is held: it is stored but not
// delivered, and a job "notify.focus_batch" at the end of the focus releases everything held as
// one batch notification ("7 nouvelles demandes pendant votre concentration"). Urgent ones go
// through at once. The release is one conditional UPDATE, so that two releases racing (two
// instances, or a focus stopped by hand while the job runs) deliver each notification once.
package notify

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
)

//go:embed queries*.sql
var queriesFS embed.FS

// The job kinds of the package, registered by RegisterJobs.
const (
	JobDeliver    = "notify.deliver"
	JobFocusBatch = "notify.focus_batch"
)

// KindFocusBatch is the kind of the notification that releases what was held during focus.
const KindFocusBatch = "focus.batch"

// Errors of the notify package.
var (
	ErrNotFound = errors.New("notify: not found")
)

// Notification is one thing an account (or a person without an account) is told.
type Notification struct {
	ID            int64
	UserID        int64             // the account that reads it in the app; 0 for a person without one
	PersonID      int64             // the person of the directory, so channels can reach them; 0 if unknown
	Kind          string            // "request.created", "focus.batch", …: picks the message
	Params        map[string]string // the values the message is written with
	Link          string            // a path in the app, such as /requests/1042
	RequestNumber int64             // the request it is about, 0 for none
	Urgent        bool              // goes through focus time
	BatchID       int64             // the batch notification that released it after focus
	HeldUntil     *time.Time        // held during focus time until then
	DeliveredAt   *time.Time        // nil while held
	ReadAt        *time.Time
	CreatedAt     time.Time

	// Items are the notifications a batch released, newest first (filled by List).
	Items []Notification

	// To is the recipient, filled for channels: their name, email and language.
	To Recipient
}

// Recipient is who a channel delivers a notification to.
type Recipient struct {
	Name  string
	Email string
	Lang  string
}

// Held reports whether n waits for the end of a focus period.
func (n Notification) Held() bool { return n.DeliveredAt == nil }

// Channel is a way to reach people outside the app: Slack, email… Deliver must be idempotent
// enough to be retried: the queue runs it again after a failure or a crash.
type Channel interface {
	// Name identifies the channel in job keys and in the delivery records: "slack", "email".
	Name() string
	// Ready reports whether the channel is set up now. Send queues no delivery for a channel
	// that is not (no useless job per notification while Slack or email is not configured);
	// one that becomes ready delivers the notifications sent from then on. Send asks for every
	// notification, inside its transaction: keep it cheap (ReadyCache).
	Ready(ctx context.Context) bool
	// Deliver sends n, whose Title and Body (from Text) and To are filled, to n.To.
	Deliver(ctx context.Context, n Delivery) error
}

// Delivery is a notification as a channel sends it: written in the recipient's language.
type Delivery struct {
	Notification
	Title string
	Body  string
}

// Service stores, delivers and reads notifications, and keeps focus time.
type Service struct {
	db   *db.DB
	q    *db.Queries
	jobs *jobs.Queue
	cat  *i18n.Catalog
	log  *slog.Logger
	now  func() time.Time

	mu       sync.RWMutex
	channels []Channel
}

// New returns the notification service stored in d, which schedules its work on q.
func New(d *db.DB, q *jobs.Queue, cat *i18n.Catalog, log *slog.Logger) *Service {
	return &Service{db: d, q: db.MustLoadQueries("notify", queriesFS, d.Dialect), jobs: q, cat: cat, log: log,
		now: func() time.Time { return time.Now().UTC() }}
}

// Queries exposes the package's statements to the start-up check.
func (s *Service) Queries() *db.Queries { return s.q }

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// RegisterJobs binds the package's job kinds to their handlers on the queue given to New. Call
// it once, on every instance that runs the queue.
func (s *Service) RegisterJobs() {
	s.jobs.Register(JobDeliver, s.deliverJob)
	s.jobs.Register(JobFocusBatch, s.focusBatchJob)
	s.registerDigest()
}

// AddChannel adds an external channel: every notification delivered from now on is also sent
// through ch, while ch says it is Ready. Adding two channels with the same name is a programming error and panics.
func (s *Service) AddChannel(ch Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.ContainsFunc(s.channels, func(c Channel) bool { return c.Name() == ch.Name() }) {
		panic(fmt.Sprintf("notify: channel %q added twice", ch.Name()))
	}
	s.channels = append(s.channels, ch)
}

func (s *Service) channelNames() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, len(s.channels))
	for i, c := range s.channels {
		names[i] = c.Name()
	}
	return names
}

func (s *Service) channel(name string) (Channel, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, c := range s.channels {
		if c.Name() == name {
			return c, true
		}
	}
	return nil, false
}

// Send stores n inside the caller's transaction tx. When its recipient is in focus and n is not
// urgent, n is held until the focus ends; otherwise it is in the inbox at once and a delivery
// job is queued for each external channel. It returns n as stored.
func (s *Service) Send(ctx context.Context, tx *sql.Tx, n Notification) (Notification, error) {
	if n.Kind == "" || (n.UserID == 0 && n.PersonID == 0) {
		return n, errors.New("notify: send: a notification needs a kind and a recipient")
	}
	if n.Link != "" && !strings.HasPrefix(n.Link, "/") {
		return n, fmt.Errorf("notify: send: link %q is not a path of the app", n.Link)
	}
	now := s.now()
	n.CreatedAt, n.DeliveredAt, n.HeldUntil, n.BatchID, n.ReadAt = now, nil, nil, 0, nil
	if n.UserID != 0 && !n.Urgent {
		until, ok, err := s.focusUntil(ctx, tx, n.UserID, now)
		if err != nil {
			return n, err
		}
		if ok {
			n.HeldUntil = &until
		}
	}
	if n.HeldUntil == nil {
		n.DeliveredAt = &now
	}
	params, err := encodeParams(n.Params)
	if err != nil {
		return n, err
	}
	err = tx.QueryRowContext(ctx, s.q.Get("insert"), nullID(n.UserID), nullID(n.PersonID), n.Kind, params, n.Link,
		nullID(n.RequestNumber), n.Urgent, n.HeldUntil, n.DeliveredAt, now).Scan(&n.ID)
	if err != nil {
		return n, fmt.Errorf("notify: send %s: %w", n.Kind, err)
	}
	if n.HeldUntil != nil {
		return n, s.scheduleBatch(ctx, tx, n.UserID, *n.HeldUntil)
	}
	if n.UserID != 0 {
		// A notification held by a release that missed it (a transaction that straddled the
		// end of the focus) would otherwise wait for the next focus: release it now.
		if err := s.releaseOverdue(ctx, tx, n.UserID, now); err != nil {
			return n, err
		}
	}
	return n, s.enqueueDeliveries(ctx, tx, n.ID)
}

// enqueueDeliveries queues one delivery job per external channel that is ready for
// notification id. A channel not set up gets none: the in-app inbox has the notification.
func (s *Service) enqueueDeliveries(ctx context.Context, tx *sql.Tx, id int64) error {
	s.mu.RLock()
	channels := slices.Clone(s.channels)
	s.mu.RUnlock()
	for _, ch := range channels {
		if !ch.Ready(ctx) {
			continue
		}
		name := ch.Name()
		_, err := s.jobs.EnqueueTx(ctx, tx, JobDeliver, deliverPayload{ID: id, Channel: name},
			jobs.Key(fmt.Sprintf("%s:%d:%s", JobDeliver, id, name)))
		if err != nil {
			return fmt.Errorf("notify: queue delivery: %w", err)
		}
	}
	return nil
}

func encodeParams(p map[string]string) (string, error) {
	if len(p) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("notify: params: %w", err)
	}
	return string(b), nil
}

// nullID is id for an INTEGER column that may be NULL: nil for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// columns, in the order scanNotification reads them.
func scanNotification(sc scanner, extra ...any) (Notification, error) {
	var n Notification
	var user, person, number, batch sql.NullInt64
	var held, delivered, read sql.NullTime
	var params string
	dest := append([]any{&n.ID, &user, &person, &n.Kind, &params, &n.Link, &number, &n.Urgent, &batch, &held,
		&delivered, &read, &n.CreatedAt}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return n, err
	}
	n.UserID, n.PersonID, n.RequestNumber, n.BatchID = user.Int64, person.Int64, number.Int64, batch.Int64
	n.HeldUntil, n.DeliveredAt, n.ReadAt = timePtr(held), timePtr(delivered), timePtr(read)
	n.Params = map[string]string{}
	if params != "" {
		if err := json.Unmarshal([]byte(params), &n.Params); err != nil {
			return n, fmt.Errorf("notify: params of %d: %w", n.ID, err)
		}
	}
	return n, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}
