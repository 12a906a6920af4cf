package jobs_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/jobs"
	"majordome/internal/testutil"
)

// TestCrashedWorkerJobRunsElsewhere: an instance dies mid-job; while it lived, its lease kept the
// job from the other instance; once dead, the other instance runs the job after the lease ends.
func TestCrashedWorkerJobRunsElsewhere(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachSharedDB(t, func(t *testing.T, d1, d2 *db.DB) {
		const lease = 500 * time.Millisecond // renewed every ~170 ms: room for a slow CI
		opts := testOptions(jobs.Options{Workers: 1, Lease: lease, ShutdownTimeout: 20 * time.Millisecond})

		q1 := jobs.New(d1, testutil.Quiet, opts)
		started, release := make(chan struct{}), make(chan struct{})
		q1.Register("deliver", func(context.Context, []byte) error {
			close(started)
			<-release // hung: ignores its ctx, as a worker stuck in a syscall would
			return nil
		})
		t.Cleanup(func() { close(release) })

		q2 := jobs.New(d2, testutil.Quiet, opts)
		var r recorder
		q2.Register("deliver", r.handle)

		enqueue(t, q1, "deliver", []byte("mail-42"))
		stop1 := start(t, q1)
		<-started
		start(t, q2)

		// The first instance renews its lease: the second must keep off for longer than one lease.
		time.Sleep(2 * lease)
		if got := r.got(); len(got) != 0 {
			t.Fatalf("the second instance ran a job whose lease was being renewed: %q", got)
		}

		// "Crash": Run gives up on the hung job, and the instance loses its database.
		if err := stop1(); err == nil || !strings.Contains(err.Error(), "still running") {
			t.Fatalf("Run = %v, want an error about the job left running", err)
		}
		d1.Close()
		crashed := time.Now()

		waitFor(t, 5*time.Second, "the second instance to run the job", func() bool { return len(r.got()) == 1 })
		if took := time.Since(crashed); took < lease/2 {
			t.Errorf("job taken over %v after the crash, before its lease could run out", took)
		}
		if got := r.got(); got[0] != "mail-42" {
			t.Errorf("payload = %q", got[0])
		}
		waitFor(t, 5*time.Second, "the queue empty", func() bool { return stats(t, q2) == jobs.Stats{} })
	})
}

// TestLostOnLastAttemptIsDead: a job whose worker dies on its last allowed attempt is kept as dead
// with the reason, rather than claimed beyond MaxAttempts or left running for ever.
func TestLostOnLastAttemptIsDead(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		opts := testOptions(jobs.Options{MaxAttempts: 1, Lease: 150 * time.Millisecond, ShutdownTimeout: 20 * time.Millisecond})
		q1 := jobs.New(d, testutil.Quiet, opts)
		started, release := make(chan struct{}), make(chan struct{})
		q1.Register("deliver", func(context.Context, []byte) error {
			close(started)
			<-release
			return nil
		})
		t.Cleanup(func() { close(release) })
		enqueue(t, q1, "deliver", nil)
		stop1 := start(t, q1)
		<-started
		if err := stop1(); err == nil {
			t.Fatal("Run = nil, want an error about the job left running")
		}

		q2 := jobs.New(d, testutil.Quiet, opts)
		var r recorder
		q2.Register("deliver", r.handle)
		start(t, q2)
		waitFor(t, 5*time.Second, "the job dead", func() bool { return stats(t, q2).Dead == 1 })
		dead, err := q2.Dead(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(dead) != 1 || !strings.HasPrefix(dead[0].LastError, "lease expired") {
			t.Fatalf("dead = %+v, want the job with a lease-expired error", dead)
		}
		if got := r.got(); len(got) != 0 {
			t.Fatalf("ran a job beyond MaxAttempts: %q", got)
		}
	})
}

// TestExactlyOnceAcrossInstances: two instances with 4 workers each drain 500 jobs; each job is
// handled once, none is missing, and both instances took part.
func TestExactlyOnceAcrossInstances(t *testing.T) {
	t.Parallel() // each test has its own database
	testutil.EachSharedDB(t, func(t *testing.T, d1, d2 *db.DB) {
		const n = 500
		var mu sync.Mutex
		seen := map[int]int{}
		byInstance := [2]int{}
		var qs [2]*jobs.Queue
		for i, d := range []*db.DB{d1, d2} {
			q := jobs.New(d, testutil.Quiet, testOptions(jobs.Options{Workers: 4}))
			q.Register("count", func(_ context.Context, p []byte) error {
				var job struct{ N int }
				if err := json.Unmarshal(p, &job); err != nil {
					return err
				}
				time.Sleep(time.Millisecond) // long enough for the workers to overlap
				mu.Lock()
				seen[job.N]++
				byInstance[i]++
				mu.Unlock()
				return nil
			})
			qs[i] = q
		}
		for _, q := range qs {
			start(t, q)
		}
		ctx := context.Background()
		err := d1.Tx(ctx, func(tx *sql.Tx) error {
			for i := range n {
				if _, err := qs[0].EnqueueTx(ctx, tx, "count", struct{ N int }{i}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		waitFor(t, 15*time.Second, "500 jobs drained", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(seen) == n
		})
		waitFor(t, 5*time.Second, "the queue empty", func() bool { return stats(t, qs[0]) == jobs.Stats{} })
		time.Sleep(100 * time.Millisecond) // a duplicate still in flight would land now
		t.Logf("drained %d jobs in %v; instance 1 ran %d, instance 2 ran %d", n, time.Since(began), byInstance[0], byInstance[1])

		mu.Lock()
		defer mu.Unlock()
		for i := range n {
			switch c := seen[i]; c {
			case 1:
			case 0:
				t.Errorf("job %d never handled", i)
			default:
				t.Errorf("job %d handled %d times", i, c)
			}
		}
		if byInstance[0] == 0 || byInstance[1] == 0 {
			t.Errorf("one instance did all the work (%v): the test did not exercise concurrent claims", byInstance)
		}
	})
}
