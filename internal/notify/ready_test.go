package notify

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"majordome/internal/db"
	"majordome/internal/testutil"
)

// deliveryJobs counts the delivery jobs queued for channel.
func deliveryJobs(t *testing.T, d *db.DB, channel string) int {
	t.Helper()
	var n int
	err := d.R.QueryRow("SELECT COUNT(*) FROM jobs WHERE kind = '" + JobDeliver + "' AND unique_key LIKE '%:" + channel + "'").Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestChannelNotReadyGetsNoDeliveryJob: a channel that is not set up gets no delivery job (the
// inbox has the notification all the same); once it is, the next notifications do.
func TestChannelNotReadyGetsNoDeliveryJob(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		slack, email := &recorder{name: "slack"}, &recorder{name: "email"}
		email.off.Store(true)
		o.svc.AddChannel(slack)
		o.svc.AddChannel(email)

		o.send(t, newRequest(o.jerome, 1042, "Plus d'eau chaude"), newRequest(o.camille, 1042, "Plus d'eau chaude"))
		if s, e := deliveryJobs(t, d, "slack"), deliveryJobs(t, d, "email"); s != 2 || e != 0 {
			t.Fatalf("%d Slack and %d email delivery jobs, want 2 and none while email is not set up", s, e)
		}
		if n := unread(t, o.svc, o.jerome); n != 1 {
			t.Fatalf("Jérôme has %d unread, want the notification in his inbox anyway", n)
		}

		email.off.Store(false)
		o.send(t, newRequest(o.jerome, 1043, "Badge perdu"))
		if s, e := deliveryJobs(t, d, "slack"), deliveryJobs(t, d, "email"); s != 3 || e != 1 {
			t.Fatalf("%d Slack and %d email delivery jobs, want 3 and 1 once email is set up", s, e)
		}
	})
}

// TestReadyCache: the check runs once for many questions, again after Forget, and a check
// that fails counts as ready without being kept.
func TestReadyCache(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var ready atomic.Bool
	var fail atomic.Bool
	c := NewReadyCache(func(context.Context) (bool, error) {
		calls.Add(1)
		if fail.Load() {
			return false, errors.New("database away")
		}
		return ready.Load(), nil
	})
	ctx := context.Background()
	for range 5 {
		if c.Ready(ctx) {
			t.Fatal("ready before the settings say so")
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d checks for 5 questions, want 1", n)
	}
	ready.Store(true)
	if c.Ready(ctx) {
		t.Fatal("the cached answer was not used")
	}
	c.Forget()
	if !c.Ready(ctx) || calls.Load() != 2 {
		t.Fatalf("after Forget: %d checks, want a new one saying ready", calls.Load())
	}
	c.Forget()
	fail.Store(true)
	if !c.Ready(ctx) || !c.Ready(ctx) || calls.Load() != 4 {
		t.Fatalf("a failing check: %d checks, want it ready and not cached", calls.Load())
	}
}
