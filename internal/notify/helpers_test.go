package notify

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "time/tzdata" // the tests must not depend on the machine's zoneinfo

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/people"
	"majordome/internal/testutil"
	"majordome/internal/valid"
)

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a time in Paris. The tests live in March 2026, in the real past, so that the queue (on
// the real clock) finds every job due at once and the fake clock alone decides what the
// handlers see.
func at(day, hour, minute int) time.Time {
	return time.Date(2026, time.March, day, hour, minute, 0, 0, paris).UTC()
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// testQueueOptions make the queue quick, and patient with a handler that runs early on purpose.
func testQueueOptions() jobs.Options {
	return jobs.Options{PollInterval: 20 * time.Millisecond, MaxAttempts: 100000,
		Backoff: func(int) time.Duration { return 20 * time.Millisecond }}
}

// office is a service on a database with a few accounts: Camille (admin, French), Jérôme
// (agent, English) and Zoé (employee, a person of the directory with an account).
type office struct {
	d                    *db.DB
	svc                  *Service
	q                    *jobs.Queue
	clock                *fakeClock
	camille, jerome, zoe int64
	zoePerson            int64
	cat                  *i18n.Catalog
}

func newOffice(t *testing.T, d *db.DB) *office {
	t.Helper()
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := audit.New(d)
	au := auth.New(d, log)
	user := func(name, email string, role auth.Role, lang string) int64 {
		u, err := au.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Role: role, Language: lang})
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	o := &office{d: d, cat: cat, clock: &fakeClock{t: at(2, 9, 30)}}
	o.camille = user("Camille Martin", "camille@x.fr", auth.Admin, "fr")
	o.jerome = user("Jérôme Petit", "jerome@x.fr", auth.Agent, "en")
	o.zoe = user("Zoé Bernard", "zoe@x.fr", auth.Employee, "fr")
	p, err := people.New(d, log).Create(ctx, people.Input{FirstName: "Zoé", LastName: "Bernard", Email: "zoe@x.fr"})
	if err != nil {
		t.Fatal(err)
	}
	o.zoePerson = p.ID
	o.svc, o.q = o.instance(d)
	if err := o.svc.Queries().Check(ctx, d); err != nil {
		t.Fatal(err)
	}
	return o
}

// instance builds the service and queue of one instance of Majordome on d, on the office's clock.
func (o *office) instance(d *db.DB) (*Service, *jobs.Queue) {
	q := jobs.New(d, testutil.Quiet, testQueueOptions())
	svc := New(d, q, o.cat, testutil.Quiet)
	svc.SetClock(o.clock.Now)
	svc.RegisterJobs()
	return svc, q
}

// send stores notifications in one transaction, as the desk does.
func (o *office) send(t *testing.T, ns ...Notification) []Notification {
	t.Helper()
	ctx := context.Background()
	var out []Notification
	err := o.d.Tx(ctx, func(tx *sql.Tx) error {
		for _, n := range ns {
			stored, err := o.svc.Send(ctx, tx, n)
			if err != nil {
				return err
			}
			out = append(out, stored)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func newRequest(user int64, number int64, title string) Notification {
	return Notification{UserID: user, Kind: "request.created", Link: "/requests/" + itoa(number), RequestNumber: number,
		Params: map[string]string{"number": itoa(number), "title": title, "requester": "Zoé Bernard"}}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// run works the queue until the test ends.
func run(t *testing.T, q *jobs.Queue) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("the queue did not stop")
		}
	})
}

// hasField reports whether err is a validation failure naming field.
func hasField(err error, field string) bool {
	var ve valid.Errors
	return errors.As(err, &ve) && ve.Has(field)
}

// waitFor waits until cond holds (testutil.Eventually).
var waitFor = testutil.Eventually

// must returns v, and stops the test binary on an unexpected error: results feed the checks.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func unread(t *testing.T, s *Service, user int64) int {
	return must(s.Unread(context.Background(), user))
}
func held(t *testing.T, s *Service, user int64) int { return must(s.Held(context.Background(), user)) }
func inbox(t *testing.T, s *Service, user int64) []Notification {
	return must(s.List(context.Background(), user, ListOptions{})).Items
}
func stats(t *testing.T, q *jobs.Queue) jobs.Stats { return must(q.Stats(context.Background())) }

// recorder is a channel that keeps what it delivered; it fails the first failures deliveries,
// and says it is not set up while off.
type recorder struct {
	name string
	mu   sync.Mutex
	got  []Delivery
	fail int
	off  atomic.Bool
}

func (r *recorder) Name() string { return r.name }

func (r *recorder) Ready(context.Context) bool { return !r.off.Load() }

func (r *recorder) Deliver(_ context.Context, d Delivery) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return errors.New("slack is down")
	}
	r.got = append(r.got, d)
	return nil
}

func (r *recorder) deliveries() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Delivery(nil), r.got...)
}
