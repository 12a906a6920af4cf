// Package jobs owns the durable job queue: background work (SLA checks, focus-time batches,
// reminders, Slack and email delivery) stored in the jobs table, so that it survives restarts, is
// claimed by one worker at a time across every instance, and is retried with backoff until it
// succeeds or is kept as dead with its last error.
//
// # Guarantees
//
// A claim is exclusive: on PostgreSQL the claiming UPDATE picks its row FOR UPDATE SKIP LOCKED; on
// SQLite it is a single UPDATE … RETURNING on the single writer connection, under the write lock
// of the database. A claimed job holds a lease (Options.Lease) that its worker renews while the
// handler runs; if the instance dies, the lease runs out and another worker takes the job again.
// Delivery is therefore at least once: a handler must be idempotent, because a job may run again
// after a crash mid-way. Every claim increments attempts, which is also the fencing token: a
// worker that lost its lease can no longer complete, fail or renew the job. Times come from the
// clocks of the instances, so the lease must exceed their skew (NTP keeps it far below a second).
//
// # Unique keys
//
// Key("sla-check:1042") makes a job unique among pending jobs: enqueuing the same key again while
// one waits is a no-op that returns false. A running job does not count, so that work arriving
// during a run is not lost and a handler may schedule its own next run. If a job fails while a
// pending twin with its key exists, the failed one is dropped: the twin will do the same work.
//
// # Recurring work
//
// A recurring job re-enqueues its next run with a unique key, first thing, then works:
//
//	q.Register("sla-sweep", func(ctx context.Context, _ []byte) error {
//		if _, err := q.Enqueue(ctx, "sla-sweep", nil, jobs.Key("sla-sweep"), jobs.At(time.Now().Add(time.Minute))); err != nil {
//			return err
//		}
//		return request.SweepSLAs(ctx)
//	})
//	// At start-up, on every instance: a no-op while a run is pending.
//	q.Enqueue(ctx, "sla-sweep", nil, jobs.Key("sla-sweep"))
//
// Scheduling first keeps the chain alive when the work fails: the failed run's retry yields to
// the pending next run instead of ending, after MaxAttempts, as dead.
//
// # Why not a library
//
// maragu.dev/goqite v0.4.0 speaks both engines through database/sql, but its PostgreSQL receive
// runs in SERIALIZABLE transactions without SKIP LOCKED, so concurrent workers fail with
// serialization errors (goqite PR #72); it has no unique keys, no backoff, keeps no error for a
// message that ran out of receives, needs the pgcrypto extension, and its job runner panics on an
// unknown job name. River is PostgreSQL-first on a pgx pool: its database/sql driver is served
// only at v0.25.0 and its SQLite driver only at v0.49.0 against River v0.51.1, it brings its own
// migrations and leader election, and its transactional insert wants a pgx.Tx rather than the
// *sql.Tx our domain packages hold. The queue below is a few hundred lines on one table.
package jobs

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"majordome/internal/db"
)

//go:embed queries.sql queries.postgres.sql
var queriesFS embed.FS

// Handler does the work of one job kind with the payload it was enqueued with. It must be
// idempotent. Its ctx ends when the queue shuts down (after Options.ShutdownTimeout) or when the
// worker loses its lease; a handler that returns an error is retried later.
type Handler func(ctx context.Context, payload []byte) error

// Options tune a Queue. Zero values take the defaults.
type Options struct {
	// Workers is how many jobs this instance runs at once (default 2).
	Workers int
	// PollInterval is how often an idle instance looks for due jobs (default 1s). Jobs enqueued
	// through this Queue wake it at once; other instances' jobs wait for the next poll.
	PollInterval time.Duration
	// MaxAttempts is how many times a job is tried before it is kept as dead (default 10).
	MaxAttempts int
	// Backoff is the wait before retrying after the given failed attempt (1, 2, …); the default
	// is exponential from 5 s, capped at an hour, with jitter.
	Backoff func(attempt int) time.Duration
	// Lease is how long a claimed job is reserved for its worker without news (default 1 min). The
	// worker renews it every Lease/3 while the handler runs, so it bounds how long a job of a dead
	// instance waits, not how long a job may take.
	Lease time.Duration
	// ShutdownTimeout is how long Run waits for running jobs once its ctx ends, before cancelling
	// their ctx (default 15 s).
	ShutdownTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 15 * time.Second
	}
	return o
}

// DefaultBackoff waits 5 s after the first failure and doubles each time up to an hour, then
// draws between half and all of that, so that jobs failing together (a Slack outage) do not all
// come back in the same second.
func DefaultBackoff(attempt int) time.Duration {
	d := time.Hour
	if attempt < 20 {
		d = min(5*time.Second<<max(attempt-1, 0), time.Hour)
	}
	return d/2 + rand.N(d/2+1)
}

// RetryAfterError is a failure that knows when to try again, such as an API's 429 with its
// Retry-After: the queue retries after Delay instead of its backoff. It still counts as an
// attempt.
type RetryAfterError struct {
	Delay time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry in %s)", e.Err, e.Delay)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryAfter wraps err so that the job is tried again after d rather than after the backoff.
func RetryAfter(d time.Duration, err error) error { return &RetryAfterError{Delay: d, Err: err} }

// Queue is the durable job queue of one instance: it enqueues jobs into the database and, while
// Run is going, works the kinds registered on it.
type Queue struct {
	db   *db.DB
	q    *db.Queries
	log  *slog.Logger
	opts Options
	now  func() time.Time
	wake chan struct{} // a job was enqueued here: look now rather than at the next poll

	mu       sync.Mutex
	handlers map[string]Handler
	kinds    string // the JSON array of registered kinds, for the claim query
}

// New returns the queue stored in d.
func New(d *db.DB, log *slog.Logger, opts Options) *Queue {
	return &Queue{
		db:       d,
		q:        db.MustLoadQueries("jobs", queriesFS, d.Dialect),
		log:      log,
		opts:     opts.withDefaults(),
		now:      func() time.Time { return time.Now().UTC() },
		wake:     make(chan struct{}, 1),
		handlers: map[string]Handler{},
		kinds:    "[]",
	}
}

// Queries exposes the package's statements to the start-up check.
func (q *Queue) Queries() *db.Queries { return q.q }

// Register binds a job kind to its handler. This instance claims only the kinds registered on it,
// so an instance of an older version leaves a newer kind to those that know it. Registering a
// kind twice is a programming error and panics.
func (q *Queue) Register(kind string, h Handler) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if kind == "" || h == nil {
		panic("jobs: Register needs a kind and a handler")
	}
	if _, ok := q.handlers[kind]; ok {
		panic(fmt.Sprintf("jobs: kind %q registered twice", kind))
	}
	q.handlers[kind] = h
	kinds := make([]string, 0, len(q.handlers))
	for k := range q.handlers {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	b, _ := json.Marshal(kinds)
	q.kinds = string(b)
}

func (q *Queue) handler(kind string) Handler {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.handlers[kind]
}

// registered returns the JSON array of the registered kinds.
func (q *Queue) registered() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.kinds
}

// EnqueueOption sets when and how a job is enqueued.
type EnqueueOption func(*enqueueOptions)

type enqueueOptions struct {
	runAt time.Time
	key   string
}

// At makes the job runnable from t on rather than now.
func At(t time.Time) EnqueueOption { return func(o *enqueueOptions) { o.runAt = t } }

// Key makes the job unique among pending jobs: while a job with key waits, enqueuing another is a
// no-op. Name keys after the work, such as "sla-check:1042" or "focus-batch:2026-11-23T11:00".
func Key(key string) EnqueueOption { return func(o *enqueueOptions) { o.key = key } }

// Enqueue stores a job of kind, runnable now or at At, and reports whether it was stored: false
// means a pending job with the same Key exists. The payload is stored as is when it is []byte or
// json.RawMessage, and as JSON otherwise. On SQLite, do not call Enqueue inside db.Tx (it would
// wait for the single writer connection the transaction holds): use EnqueueTx.
func (q *Queue) Enqueue(ctx context.Context, kind string, payload any, opts ...EnqueueOption) (bool, error) {
	return q.enqueue(ctx, q.db.W, kind, payload, opts)
}

// EnqueueTx is Enqueue inside the caller's transaction, so that the job is stored with the change
// that needs it, or not at all.
func (q *Queue) EnqueueTx(ctx context.Context, tx *sql.Tx, kind string, payload any, opts ...EnqueueOption) (bool, error) {
	return q.enqueue(ctx, tx, kind, payload, opts)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (q *Queue) enqueue(ctx context.Context, ex execer, kind string, payload any, opts []EnqueueOption) (bool, error) {
	if kind == "" {
		return false, errors.New("jobs: enqueue: empty kind")
	}
	var o enqueueOptions
	for _, opt := range opts {
		opt(&o)
	}
	var body []byte
	switch p := payload.(type) {
	case nil:
		body = []byte{}
	case []byte:
		body = p
	case json.RawMessage:
		body = p
	default:
		b, err := json.Marshal(p)
		if err != nil {
			return false, fmt.Errorf("jobs: enqueue %s: payload: %w", kind, err)
		}
		body = b
	}
	if body == nil {
		body = []byte{} // the column is NOT NULL
	}
	now := q.now()
	runAt := now
	if !o.runAt.IsZero() {
		runAt = o.runAt.UTC()
	}
	var key any // NULL: not unique
	if o.key != "" {
		key = o.key
	}
	res, err := ex.ExecContext(ctx, q.q.Get("insert"), kind, body, key, runAt, q.opts.MaxAttempts, now)
	if err != nil {
		return false, fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	if n == 0 {
		return false, nil
	}
	if !runAt.After(now) {
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
	return true, nil
}

// Stats counts the jobs by state, for /metrics and tests.
type Stats struct {
	Pending int // waiting for their time or for a worker
	Running int // claimed, including those whose worker died and whose lease has not run out
	Dead    int // failed MaxAttempts times; kept with their last error
}

// Stats counts the jobs of every instance by state.
func (q *Queue) Stats(ctx context.Context) (Stats, error) {
	rows, err := q.db.R.QueryContext(ctx, q.q.Get("stats"))
	if err != nil {
		return Stats{}, fmt.Errorf("jobs: stats: %w", err)
	}
	defer rows.Close()
	var s Stats
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return Stats{}, fmt.Errorf("jobs: stats: %w", err)
		}
		switch state {
		case "pending":
			s.Pending = n
		case "running":
			s.Running = n
		case "dead":
			s.Dead = n
		}
	}
	if err := rows.Err(); err != nil {
		return Stats{}, fmt.Errorf("jobs: stats: %w", err)
	}
	return s, nil
}

// DeadJob is a job that failed MaxAttempts times, kept for a person to see.
type DeadJob struct {
	ID        int64
	Kind      string
	Payload   []byte
	Attempts  int
	LastError string
	CreatedAt time.Time
	DiedAt    time.Time
}

// Dead lists the most recent dead jobs, at most limit of them.
func (q *Queue) Dead(ctx context.Context, limit int) ([]DeadJob, error) {
	rows, err := q.db.R.QueryContext(ctx, q.q.Get("dead"), limit)
	if err != nil {
		return nil, fmt.Errorf("jobs: dead: %w", err)
	}
	defer rows.Close()
	var out []DeadJob
	for rows.Next() {
		var j DeadJob
		if err := rows.Scan(&j.ID, &j.Kind, &j.Payload, &j.Attempts, &j.LastError, &j.CreatedAt, &j.DiedAt); err != nil {
			return nil, fmt.Errorf("jobs: dead: %w", err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("jobs: dead: %w", err)
	}
	return out, nil
}
