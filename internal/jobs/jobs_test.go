package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/jobs"
	"majordome/internal/testutil"
)

// testOptions make the queue quick: short polls and a near-immediate retry.
func testOptions(o jobs.Options) jobs.Options {
	if o.PollInterval == 0 {
		o.PollInterval = 20 * time.Millisecond
	}
	if o.Backoff == nil {
		o.Backoff = func(int) time.Duration { return 10 * time.Millisecond }
	}
	return o
}

// start runs q until the returned stop is called (or the test ends); stop returns Run's error.
func start(t *testing.T, q *jobs.Queue) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- q.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-errc:
			case <-time.After(10 * time.Second):
				err = errors.New("Run did not return within 10 s of its ctx ending")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

// waitFor polls cond until it holds, or fails the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func stats(t *testing.T, q *jobs.Queue) jobs.Stats {
	t.Helper()
	s, err := q.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func enqueue(t *testing.T, q *jobs.Queue, kind string, payload any, opts ...jobs.EnqueueOption) bool {
	t.Helper()
	ok, err := q.Enqueue(context.Background(), kind, payload, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// recorder is a handler that keeps the payloads it was called with.
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) handle(_ context.Context, payload []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, string(payload))
	return nil
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

func TestQueriesPrepare(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, testutil.Quiet, jobs.Options{})
		if err := q.Queries().Check(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	})
}

func TestEnqueueRun(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, testutil.Quiet, testOptions(jobs.Options{}))
		var r recorder
		q.Register("greet", r.handle)
		if !enqueue(t, q, "greet", map[string]string{"name": "Ada"}) {
			t.Fatal("Enqueue without a key returned false")
		}
		enqueue(t, q, "greet", []byte("raw bytes"))
		if s := stats(t, q); s != (jobs.Stats{Pending: 2}) {
			t.Fatalf("stats before Run = %+v, want 2 pending", s)
		}
		stop := start(t, q)
		waitFor(t, 5*time.Second, "both jobs done", func() bool { return stats(t, q) == jobs.Stats{} })
		time.Sleep(100 * time.Millisecond) // several polls: a second run would show up now
		if err := stop(); err != nil {
			t.Fatalf("Run: %v", err)
		}
		got := r.got()
		if len(got) != 2 {
			t.Fatalf("handler called %d times (%q), want 2", len(got), got)
		}
		want := map[string]bool{`{"name":"Ada"}`: true, "raw bytes": true}
		for _, p := range got {
			if !want[p] {
				t.Errorf("unexpected payload %q", p)
			}
			delete(want, p)
		}
	})
}

func TestUniqueKey(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, testutil.Quiet, testOptions(jobs.Options{}))
		var r recorder
		q.Register("sla-check", r.handle)
		steps := []struct {
			payload string
			key     string
			want    bool
		}{
			{"first", "sla-check:1042", true},
			{"second", "sla-check:1042", false}, // pending twin: no-op
			{"other", "sla-check:7", true},
			{"nokey-1", "", true}, // no key, no uniqueness
			{"nokey-2", "", true},
		}
		for _, s := range steps {
			var opts []jobs.EnqueueOption
			if s.key != "" {
				opts = append(opts, jobs.Key(s.key))
			}
			if got := enqueue(t, q, "sla-check", []byte(s.payload), opts...); got != s.want {
				t.Errorf("Enqueue(%s, key %q) = %v, want %v", s.payload, s.key, got, s.want)
			}
		}
		if s := stats(t, q); s.Pending != 4 {
			t.Fatalf("pending = %d, want 4", s.Pending)
		}
		stop := start(t, q)
		waitFor(t, 5*time.Second, "jobs done", func() bool { return stats(t, q) == jobs.Stats{} })
		if got := len(r.got()); got != 4 {
			t.Fatalf("handler called %d times, want 4: %q", got, r.got())
		}
		for _, p := range r.got() {
			if p == "second" {
				t.Error("the deduplicated job ran")
			}
		}
		stop()
		// Done, so the key is free again.
		if !enqueue(t, q, "sla-check", []byte("again"), jobs.Key("sla-check:1042")) {
			t.Error("Enqueue after completion returned false, want true")
		}
	})
}

func TestAtIsNotRunEarly(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, testutil.Quiet, testOptions(jobs.Options{}))
		ran := make(chan time.Time, 2)
		q.Register("remind", func(context.Context, []byte) error { ran <- time.Now(); return nil })
		runAt := time.Now().Add(300 * time.Millisecond)
		enqueue(t, q, "remind", nil, jobs.At(runAt))
		start(t, q)
		select {
		case at := <-ran:
			if at.Before(runAt) {
				t.Fatalf("ran %v before its time", runAt.Sub(at))
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the delayed job never ran")
		}
	})
}

func TestRetryThenSuccess(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, testutil.Quiet, testOptions(jobs.Options{}))
		var calls atomic.Int32
		q.Register("flaky", func(_ context.Context, p []byte) error {
			if string(p) != `"slack"` {
				t.Errorf("payload = %q on call %d", p, calls.Load()+1)
			}
			if calls.Add(1) <= 2 {
				return errors.New("slack: 503")
			}
			return nil
		})
		enqueue(t, q, "flaky", "slack")
		start(t, q)
		waitFor(t, 5*time.Second, "the third attempt to succeed", func() bool {
			return calls.Load() >= 3 && stats(t, q) == jobs.Stats{}
		})
		time.Sleep(100 * time.Millisecond)
		if n := calls.Load(); n != 3 {
			t.Fatalf("handler called %d times, want 3", n)
		}
	})
}

func TestRetryAfterWaitsTheGivenDelay(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, testutil.Quiet, testOptions(jobs.Options{}))
		var mu sync.Mutex
		var at []time.Time
		q.Register("rate-limited", func(context.Context, []byte) error {
			mu.Lock()
			defer mu.Unlock()
			at = append(at, time.Now())
			if len(at) == 1 {
				return jobs.RetryAfter(400*time.Millisecond, errors.New("slack: 429"))
			}
			return nil
		})
		enqueue(t, q, "rate-limited", nil)
		start(t, q)
		waitFor(t, 5*time.Second, "the retry", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(at) == 2
		})
		mu.Lock()
		defer mu.Unlock()
		if gap := at[1].Sub(at[0]); gap < 350*time.Millisecond {
			t.Fatalf("retried after %v, want the 400ms of Retry-After (the backoff is 10ms)", gap)
		}
	})
}

func TestDeadAfterMaxAttempts(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, testutil.Quiet, testOptions(jobs.Options{MaxAttempts: 3}))
		var calls atomic.Int32
		q.Register("doomed", func(context.Context, []byte) error {
			return fmt.Errorf("smtp: refused (try %d)", calls.Add(1))
		})
		q.Register("panics", func(context.Context, []byte) error { panic("kaboom") })
		// An error quoting raw bytes must still be recorded: PostgreSQL refuses invalid UTF-8.
		q.Register("garbled", func(context.Context, []byte) error { return errors.New("bad \xff byte \x00") })
		enqueue(t, q, "doomed", []byte("mail-7"))
		enqueue(t, q, "panics", nil)
		enqueue(t, q, "garbled", nil)
		start(t, q)
		waitFor(t, 5*time.Second, "the jobs dead", func() bool { return stats(t, q).Dead == 3 })
		time.Sleep(150 * time.Millisecond) // many polls and backoffs: a 4th try would show up now
		if n := calls.Load(); n != 3 {
			t.Fatalf("handler called %d times, want 3", n)
		}
		if s := stats(t, q); s != (jobs.Stats{Dead: 3}) {
			t.Fatalf("stats = %+v, want 3 dead only", s)
		}
		dead, err := q.Dead(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		byKind := map[string]jobs.DeadJob{}
		for _, j := range dead {
			byKind[j.Kind] = j
		}
		if j := byKind["doomed"]; j.LastError != "smtp: refused (try 3)" || j.Attempts != 3 || string(j.Payload) != "mail-7" || j.DiedAt.IsZero() {
			t.Errorf("dead doomed job = %+v, want last error of try 3 after 3 attempts", j)
		}
		if j := byKind["panics"]; !strings.HasPrefix(j.LastError, "panic: kaboom") {
			t.Errorf("dead panicking job error = %q, want a panic", j.LastError)
		}
		if j := byKind["garbled"]; j.LastError != "bad \uFFFD byte \uFFFD" {
			t.Errorf("dead garbled job error = %q, want the invalid bytes replaced", j.LastError)
		}
	})
}

func TestEnqueueTx(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, testutil.Quiet, testOptions(jobs.Options{}))
		var r recorder
		q.Register("notify", r.handle)
		ctx := context.Background()
		errRollback := errors.New("validation failed")
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			if ok, err := q.EnqueueTx(ctx, tx, "notify", []byte("rolled back")); err != nil || !ok {
				t.Fatalf("EnqueueTx = %v, %v", ok, err)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("Tx = %v", err)
		}
		if s := stats(t, q); s != (jobs.Stats{}) {
			t.Fatalf("after rollback stats = %+v, want none", s)
		}
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := q.EnqueueTx(ctx, tx, "notify", []byte("committed"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if s := stats(t, q); s != (jobs.Stats{Pending: 1}) {
			t.Fatalf("after commit stats = %+v, want 1 pending", s)
		}
		start(t, q)
		waitFor(t, 5*time.Second, "the job done", func() bool { return stats(t, q) == jobs.Stats{} })
		if got := r.got(); len(got) != 1 || got[0] != "committed" {
			t.Fatalf("handled %q, want only the committed job", got)
		}
	})
}

func TestRecurringChain(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		// Two instances on one database, each doing what start-up does.
		var runs atomic.Int32
		var qs [2]*jobs.Queue
		for i := range qs {
			q := jobs.New(d, testutil.Quiet, testOptions(jobs.Options{}))
			q.Register("sweep", func(ctx context.Context, _ []byte) error {
				if _, err := q.Enqueue(ctx, "sweep", nil, jobs.Key("sweep"), jobs.At(time.Now().Add(30*time.Millisecond))); err != nil {
					return err
				}
				runs.Add(1)
				return nil
			})
			qs[i] = q
		}
		if !enqueue(t, qs[0], "sweep", nil, jobs.Key("sweep")) {
			t.Fatal("first start-up Enqueue returned false")
		}
		if enqueue(t, qs[1], "sweep", nil, jobs.Key("sweep")) {
			t.Fatal("second start-up Enqueue returned true: the chain would be doubled")
		}
		stop0, stop1 := start(t, qs[0]), start(t, qs[1])
		waitFor(t, 5*time.Second, "4 runs", func() bool { return runs.Load() >= 4 })
		stop0()
		stop1()
		if s := stats(t, qs[0]); s != (jobs.Stats{Pending: 1}) {
			t.Fatalf("after the runs stats = %+v, want exactly the next run pending", s)
		}
	})
}

func TestShutdownGivesTheAttemptBack(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		opts := testOptions(jobs.Options{MaxAttempts: 1, ShutdownTimeout: 50 * time.Millisecond})
		q1 := jobs.New(d, testutil.Quiet, opts)
		started := make(chan struct{})
		q1.Register("batch", func(ctx context.Context, _ []byte) error {
			close(started)
			<-ctx.Done() // a long job that honours its ctx
			return ctx.Err()
		})
		enqueue(t, q1, "batch", nil)
		stop := start(t, q1)
		<-started
		if err := stop(); err != nil {
			t.Fatalf("Run = %v, want nil: the handler returned when its ctx ended", err)
		}
		if s := stats(t, q1); s != (jobs.Stats{Pending: 1}) {
			t.Fatalf("after shutdown stats = %+v, want the job back to pending", s)
		}
		// With MaxAttempts 1, only a job whose attempt was given back can be claimed again.
		q2 := jobs.New(d, testutil.Quiet, opts)
		var r recorder
		q2.Register("batch", r.handle)
		start(t, q2)
		waitFor(t, 5*time.Second, "the job done after restart", func() bool { return len(r.got()) == 1 })
	})
}

func TestRunWithoutHandlersClaimsNothing(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, testutil.Quiet, testOptions(jobs.Options{}))
		enqueue(t, q, "unknown-kind", nil)
		stop := start(t, q)
		time.Sleep(100 * time.Millisecond)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if s := stats(t, q); s != (jobs.Stats{Pending: 1}) {
			t.Fatalf("stats = %+v, want the job of an unknown kind left pending for an instance that knows it", s)
		}
	})
}

// TestFailedJobYieldsToPendingTwin: a keyed job that fails while a twin with its key is pending
// is dropped rather than retried, since the twin does the same work; nothing is left behind.
func TestFailedJobYieldsToPendingTwin(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, testutil.Quiet, testOptions(jobs.Options{Workers: 1}))
		var r recorder
		q.Register("sla-check", func(ctx context.Context, p []byte) error {
			r.handle(ctx, p)
			if string(p) == "first" {
				// A change arrives during the run and asks for another check.
				if ok, err := q.Enqueue(ctx, "sla-check", []byte("twin"), jobs.Key("sla-check:9")); err != nil || !ok {
					t.Errorf("Enqueue during the run = %v, %v; want true: a running job does not hold its key", ok, err)
				}
				return errors.New("calendar unreachable")
			}
			return nil
		})
		enqueue(t, q, "sla-check", []byte("first"), jobs.Key("sla-check:9"))
		start(t, q)
		waitFor(t, 5*time.Second, "the queue empty", func() bool { return stats(t, q) == jobs.Stats{} })
		time.Sleep(100 * time.Millisecond)
		if got := r.got(); len(got) != 2 || got[0] != "first" || got[1] != "twin" {
			t.Fatalf("handled %q, want first then twin, and no retry of first", got)
		}
	})
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel() // each test has its own database
	for _, c := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 2500 * time.Millisecond, 5 * time.Second},
		{2, 5 * time.Second, 10 * time.Second},
		{4, 20 * time.Second, 40 * time.Second},
		{12, 30 * time.Minute, time.Hour}, // capped
		{100, 30 * time.Minute, time.Hour},
	} {
		for range 50 {
			if d := jobs.DefaultBackoff(c.attempt); d < c.min || d > c.max {
				t.Fatalf("DefaultBackoff(%d) = %v, want within [%v, %v]", c.attempt, d, c.min, c.max)
			}
		}
	}
}

// TestEveryRunsOncePerSlot: two instances schedule the same periodic kind; one run waits for
// the slot, and each run schedules the next slot's.
func TestEveryRunsOncePerSlot(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		const every = 200 * time.Millisecond
		var runs atomic.Int64
		var qs [2]*jobs.Queue
		for i := range qs {
			qs[i] = jobs.New(d, testutil.Quiet, testOptions(jobs.Options{}))
			qs[i].RegisterEvery("sweep", every, time.Now, func(context.Context, []byte) error {
				runs.Add(1)
				return nil
			})
			if err := qs[i].ScheduleEvery(context.Background(), "sweep", every, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if s := stats(t, qs[0]); s != (jobs.Stats{Pending: 1}) {
			t.Fatalf("after two schedulings stats = %+v, want one run waiting", s)
		}
		stop0, stop1 := start(t, qs[0]), start(t, qs[1])
		waitFor(t, 5*time.Second, "3 runs", func() bool { return runs.Load() >= 3 })
		stop0()
		stop1()
		if s := stats(t, qs[0]); s != (jobs.Stats{Pending: 1}) {
			t.Fatalf("after the runs stats = %+v, want exactly the next slot's run waiting", s)
		}
	})
}
