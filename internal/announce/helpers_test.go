package announce

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/fold"
	"majordome/internal/jobs"
	"majordome/internal/people"
	"majordome/internal/testutil"
)

// env is a service on a test database with fake deliverers and a queue that runs while the
// test does.
type env struct {
	t     *testing.T
	d     *db.DB
	svc   *Service
	q     *jobs.Queue
	dir   *people.Directory
	slack *fakeDeliverer
	email *fakeDeliverer
	post  *fakePoster
	stop  func()
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := &env{t: t, d: d, dir: people.New(d, audit.New(d)),
		slack: newFake(ChannelSlack), email: newFake(ChannelEmail), post: &fakePoster{}}
	e.svc, e.q = e.service()
	return e
}

// service builds a service and its queue on e's database, as an instance would.
func (e *env) service() (*Service, *jobs.Queue) {
	q := jobs.New(e.d, testutil.Quiet, jobs.Options{PollInterval: 10 * time.Millisecond, Workers: 3,
		Backoff: func(int) time.Duration { return 10 * time.Millisecond }, Lease: 2 * time.Second,
		ShutdownTimeout: 50 * time.Millisecond})
	s := New(Deps{DB: e.d, Log: testutil.Quiet, Audit: audit.New(e.d), Jobs: q})
	s.retry = func(int) time.Duration { return 0 }
	s.AddDeliverer(e.slack)
	s.AddDeliverer(e.email)
	s.SetChannelPoster(e.post)
	s.RegisterJobs()
	return s, q
}

// run starts the queue until the test ends or stop is called.
func (e *env) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.q.Run(ctx); close(done) }()
	e.stop = func() { cancel(); <-done }
	e.t.Cleanup(e.stop)
}

// person adds an active employee.
func (e *env) person(first, email, team, site string) int64 {
	e.t.Helper()
	p, err := e.dir.Create(context.Background(), people.Input{FirstName: first, LastName: "Test", Email: email, Team: team, Site: site})
	if err != nil {
		e.t.Fatal(err)
	}
	return p.ID
}

// waitFor polls cond until it holds, failing after a generous deadline.
func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitStatus waits until the announcement has status.
func (e *env) waitStatus(id int64, status string) Announcement {
	e.t.Helper()
	var a Announcement
	e.waitFor("status "+status, func() bool {
		var err error
		a, err = e.svc.Get(context.Background(), id)
		if err != nil {
			e.t.Fatal(err)
		}
		return a.Status == status
	})
	return a
}

// seedPeople inserts n active employees in team (created if needed) in one transaction, for
// the large tests and the benchmark.
func seedPeople(tb testing.TB, d *db.DB, n int, team string) {
	tb.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var teamID int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM teams WHERE name_key = "+ph(d, 1), fold.Key(team)).Scan(&teamID)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRowContext(ctx, "INSERT INTO teams (name, name_key, created_at, updated_at) VALUES ("+
				ph(d, 1)+", "+ph(d, 2)+", "+ph(d, 3)+", "+ph(d, 3)+") RETURNING id", team, fold.Key(team), now).Scan(&teamID)
		}
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, "INSERT INTO people (first_name, last_name, email, email_key, team_id, language, active, sort_key, search_text, created_at, updated_at) VALUES ("+
			ph(d, 1)+", "+ph(d, 2)+", "+ph(d, 3)+", "+ph(d, 3)+", "+ph(d, 4)+", 'fr', TRUE, "+ph(d, 5)+", "+ph(d, 5)+", "+ph(d, 6)+", "+ph(d, 6)+")")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range n {
			last := fmt.Sprintf("Personne%05d", i)
			email := fmt.Sprintf("p%05d@exemple.fr", i)
			if _, err := stmt.ExecContext(ctx, "Zoé", last, email, teamID, fold.Key(last+" zoe "+email), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func ph(d *db.DB, n int) string {
	if d.Dialect == db.Postgres {
		return fmt.Sprintf("$%d", n)
	}
	return fmt.Sprintf("?%d", n)
}

// fakeDeliverer records deliveries; it can fail some recipients, permanently or a few times,
// and hold its answers.
type fakeDeliverer struct {
	channel string
	rate    Rate

	mu        sync.Mutex
	delivered map[string]int // "id/person" → successful deliveries
	calls     int
	callTimes []time.Time
	clock     func() time.Time
	permanent map[string]bool // email → Permanent
	transient map[string]int  // email → failures left
	corrected map[string]int  // "id/person" → Correct calls
	reminded  map[string]int  // "id/person" → Remind calls
	hold      chan struct{}   // when set, Deliver waits on it (or ctx) before answering
	holdAfter int             // the deliveries answered before holding
}

func newFake(channel string) *fakeDeliverer {
	return &fakeDeliverer{channel: channel, delivered: map[string]int{}, permanent: map[string]bool{},
		transient: map[string]int{}, corrected: map[string]int{}, reminded: map[string]int{}}
}

func key(id, person int64) string { return fmt.Sprintf("%d/%d", id, person) }

func (f *fakeDeliverer) Channel() string { return f.channel }
func (f *fakeDeliverer) Rate() Rate      { return f.rate }

func (f *fakeDeliverer) Deliver(ctx context.Context, a Announcement, r Recipient) (string, error) {
	f.mu.Lock()
	f.calls++
	if f.clock != nil {
		f.callTimes = append(f.callTimes, f.clock())
	}
	hold := f.hold
	if hold != nil && f.calls <= f.holdAfter {
		hold = nil
	}
	f.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.permanent[r.Email] {
		return "", &Permanent{Err: errors.New("no such account")}
	}
	if f.transient[r.Email] > 0 {
		f.transient[r.Email]--
		return "", errors.New("try again")
	}
	f.delivered[key(a.ID, r.PersonID)]++
	return fmt.Sprintf("%s-ref-%d-%d", f.channel, a.ID, r.PersonID), nil
}

func (f *fakeDeliverer) Correct(ctx context.Context, a Announcement, r Recipient, ref string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ref != fmt.Sprintf("%s-ref-%d-%d", f.channel, a.ID, r.PersonID) {
		return fmt.Errorf("correct: wrong ref %q", ref)
	}
	f.corrected[key(a.ID, r.PersonID)]++
	return nil
}

func (f *fakeDeliverer) Remind(ctx context.Context, a Announcement, r Recipient) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reminded[key(a.ID, r.PersonID)]++
	return nil
}

func (f *fakeDeliverer) count(m func(*fakeDeliverer) map[string]int, k string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return m(f)[k]
}

func (f *fakeDeliverer) total(m func(*fakeDeliverer) map[string]int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, v := range m(f) {
		n += v
	}
	return n
}

func delivered(f *fakeDeliverer) map[string]int { return f.delivered }
func corrected(f *fakeDeliverer) map[string]int { return f.corrected }
func reminded(f *fakeDeliverer) map[string]int  { return f.reminded }

// fakePoster records channel posts and their corrections.
type fakePoster struct {
	mu        sync.Mutex
	posts     int
	corrected []int // the versions corrected to
}

func (p *fakePoster) PostChannel(ctx context.Context, a Announcement) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posts++
	return fmt.Sprintf("C1/%d", a.ID), nil
}

func (p *fakePoster) CorrectChannel(ctx context.Context, a Announcement, ref string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.corrected = append(p.corrected, a.Version)
	return nil
}
