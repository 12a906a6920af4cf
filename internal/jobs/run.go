package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"majordome/internal/db"
)

// dbTimeout bounds the queue's own statements. They run on a context detached from Run's, so that
// a claim, a result or a release is recorded even while the instance shuts down: a result lost
// there would make the job wait out its lease and spend an attempt for nothing.
const dbTimeout = 30 * time.Second

// claimed is a job this worker holds the lease of.
type claimed struct {
	id          int64
	kind        string
	payload     []byte
	attempt     int // this claim's number, 1 for the first; the fencing token
	maxAttempts int
}

// cancelGrace is how long Run waits, after cancelling the running handlers, for them to return
// and give their attempts back before it gives up on them.
const cancelGrace = 2 * time.Second

// Run works the registered kinds until ctx ends. Then it claims nothing more and waits up to
// Options.ShutdownTimeout for running jobs to finish; it then cancels their ctx, waits a moment
// longer, and returns an error saying how many jobs it gave up on: their leases run out and
// another instance (or this one, restarted) takes them again. Call Run once per Queue.
func (q *Queue) Run(ctx context.Context) error {
	// Handlers get contexts that keep ctx's values but not its end, so that shutdown lets them
	// finish instead of cutting them off mid-way.
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	abandon := make(chan struct{}) // closed when Run gives up on running jobs: stop renewing leases
	var wg sync.WaitGroup
	var running atomic.Int64
	slots := make(chan struct{}, q.opts.Workers)
	buryEvery := max(q.opts.Lease/2, q.opts.PollInterval)
	var nextBury time.Time

	q.log.Info("job queue started", "workers", q.opts.Workers, "kinds", q.registered())
loop:
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			break loop
		}
		if now := q.now(); !now.Before(nextBury) {
			q.buryLost(now)
			nextBury = now.Add(buryEvery)
		}
		j, ok, err := q.claim()
		if err != nil || !ok {
			<-slots
			if err != nil {
				q.log.Warn("job claim failed", "err", err)
			}
			if !q.sleep(ctx) {
				break loop
			}
			continue
		}
		wg.Add(1)
		running.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			defer running.Add(-1)
			q.work(jobCtx, abandon, &j)
		}()
	}

	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	if n := running.Load(); n > 0 {
		q.log.Info("job queue stopping: waiting for running jobs", "running", n, "timeout", q.opts.ShutdownTimeout)
	}
	select {
	case <-done:
		q.log.Info("job queue stopped")
		return nil
	case <-time.After(q.opts.ShutdownTimeout):
	}
	// A handler that honours its ctx returns now, and its job goes back to pending unspent:
	// one write left, given cancelGrace whatever ShutdownTimeout is (a loaded database can take
	// more than a short timeout for it, and the attempt would be lost).
	cancelJobs()
	select {
	case <-done:
		q.log.Info("job queue stopped")
		return nil
	case <-time.After(cancelGrace):
	}
	close(abandon)
	return fmt.Errorf("jobs: stopped with %d job(s) still running: they will run again once their lease expires", running.Load())
}

// sleep waits for the next poll, with ±20 % jitter so that instances started together do not
// query in step, or less if a job is enqueued here. It reports false when ctx ended.
func (q *Queue) sleep(ctx context.Context) bool {
	p := q.opts.PollInterval
	t := time.NewTimer(p*4/5 + rand.N(p*2/5+1))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-q.wake:
		return true
	case <-t.C:
		return true
	}
}

// claim takes the next due job of a registered kind; ok is false when there is none.
func (q *Queue) claim() (j claimed, ok bool, err error) {
	kinds := q.registered()
	ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
	defer cancel()
	now := q.now()
	err = q.db.W.QueryRowContext(ctx, q.q.Get("claim"), now, now.Add(q.opts.Lease), kinds).
		Scan(&j.id, &j.kind, &j.payload, &j.attempt, &j.maxAttempts)
	if errors.Is(err, sql.ErrNoRows) {
		return claimed{}, false, nil
	}
	if err != nil {
		return claimed{}, false, fmt.Errorf("jobs: claim: %w", err)
	}
	return j, true, nil
}

// buryLost marks dead the running jobs whose lease ran out on their last attempt: their worker
// died each time, and claiming them once more would exceed MaxAttempts.
func (q *Queue) buryLost(now time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
	defer cancel()
	res, err := q.db.W.ExecContext(ctx, q.q.Get("bury-lost"), now)
	if err != nil {
		q.log.Warn("jobs: bury lost jobs", "err", err)
		return
	}
	if n, _ := res.RowsAffected(); n > 0 {
		q.log.Error("jobs dead: their worker stopped during every attempt", "count", n)
	}
}

// work runs one claimed job and records its outcome.
func (q *Queue) work(parent context.Context, abandon <-chan struct{}, j *claimed) {
	log := q.log.With("kind", j.kind, "id", j.id, "attempt", j.attempt)
	ctx, cancel := context.WithCancel(parent)
	var lost atomic.Bool
	// The lease is renewed until the handler returns, even once shutdown has cancelled it: a
	// handler finishing its work, or giving its attempt back, still owns the job.
	handled, renewed := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(renewed)
		if !q.renew(handled, abandon, j) {
			lost.Store(true)
			cancel() // another worker owns the job now: stop this run
		}
	}()
	start := time.Now()
	h := q.handler(j.kind)
	err := call(ctx, h, j.payload)
	took := time.Since(start)
	close(handled)
	cancel()
	<-renewed

	switch {
	case lost.Load():
		log.Warn("job lease lost: another worker took the job over", "duration", took, "err", err)
	case err == nil:
		n, dbErr := q.exec("complete", j.id, j.attempt)
		switch {
		case dbErr != nil:
			log.Error("job done but not recorded: it will run again", "duration", took, "err", dbErr)
		case n == 0:
			log.Warn("job done after its lease was taken over: it may have run twice", "duration", took)
		default:
			log.Debug("job done", "duration", took)
		}
	case parent.Err() != nil:
		// Shutdown interrupted the handler: not the job's fault, so the attempt is given back.
		if n, dbErr := q.settle(log, "release", j, took, err, j.id, j.attempt, q.now()); dbErr == nil && n > 0 {
			log.Info("job interrupted by shutdown: back to pending", "duration", took)
		}
	default:
		q.fail(log, j, took, err)
	}
}

// call runs h, turning a panic into an error so that one bad job does not stop the instance.
func call(ctx context.Context, h Handler, payload []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	if h == nil {
		return errors.New("no handler registered for this kind")
	}
	return h(ctx, payload)
}

// renew extends the lease every Lease/3 until the handler is done or Run abandons the job. It
// reports false when the lease was lost: the job is no longer ours (its lease ran out and
// another worker claimed it).
func (q *Queue) renew(done, abandon <-chan struct{}, j *claimed) bool {
	t := time.NewTicker(q.opts.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-done:
			return true
		case <-abandon:
			return true
		case <-t.C:
		}
		now := q.now()
		n, err := q.exec("extend", j.id, j.attempt, now.Add(q.opts.Lease), now)
		if err != nil {
			// Keep going: the lease still has two thirds of its time, and the next try may pass.
			q.log.Warn("job lease renewal failed", "kind", j.kind, "id", j.id, "err", err)
			continue
		}
		if n == 0 {
			return false
		}
	}
}

// fail records a failed attempt: a retry after the backoff, or death once attempts are spent.
func (q *Queue) fail(log *slog.Logger, j *claimed, took time.Duration, err error) {
	now := q.now()
	runAt := now
	if j.attempt < j.maxAttempts {
		runAt = now.Add(q.opts.Backoff(j.attempt))
		var ra *RetryAfterError
		if errors.As(err, &ra) && ra.Delay > 0 {
			runAt = now.Add(ra.Delay)
		}
	}
	n, dbErr := q.settle(log, "fail", j, took, err, j.id, j.attempt, runAt, errorText(err), now)
	switch {
	case dbErr != nil || n == 0:
	case j.attempt >= j.maxAttempts:
		log.Error("job dead: attempts spent", "duration", took, "err", err)
	default:
		log.Warn("job failed: will retry", "duration", took, "retry_at", runAt, "err", err)
	}
}

// errorText is err as the last_error column can hold it: bounded (a panic carries its stack) and
// valid UTF-8 without NUL, which PostgreSQL's TEXT refuses, so that recording the failure cannot
// fail in turn.
func errorText(err error) string {
	const maxLen = 8 << 10
	s := err.Error()
	if len(s) > maxLen {
		s = s[:maxLen]
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// settle runs the named statement that gives a job back to pending or buries it. When a pending
// job with the same key exists, the move would break the key's uniqueness; that twin does the
// same work, so this job is dropped instead.
func (q *Queue) settle(log *slog.Logger, name string, j *claimed, took time.Duration, jobErr error, args ...any) (int64, error) {
	n, err := q.exec(name, args...)
	if db.IsUniqueViolation(err) {
		log.Warn("job dropped: a pending job with the same key will do the work", "duration", took, "err", jobErr)
		if _, err := q.exec("complete", j.id, j.attempt); err != nil {
			log.Warn("job not dropped: it will run again", "err", err)
		}
		return 0, nil
	}
	if err != nil {
		log.Warn("job outcome not recorded: it will run again once its lease expires", "duration", took, "err", jobErr, "db_err", err)
		return 0, err
	}
	if n == 0 {
		log.Warn("job outcome not recorded: another worker took the job over", "duration", took, "err", jobErr)
	}
	return n, nil
}

// exec runs a named statement on the writer, detached from any shutdown, and returns the rows it
// changed.
func (q *Queue) exec(name string, args ...any) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
	defer cancel()
	res, err := q.db.W.ExecContext(ctx, q.q.Get(name), args...)
	if err != nil {
		return 0, fmt.Errorf("jobs: %s: %w", name, err)
	}
	return res.RowsAffected()
}
