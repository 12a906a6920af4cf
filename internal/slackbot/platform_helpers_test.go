package slackbot

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// The platform's test harness: an App on a real database, talking to a fake Slack, with a
// clock the test moves and the flows replaced by a recorder.

const (
	testBotToken = "xoxb-test-token"
	testSecret   = "8f742231b10e8888abcd99yyyzzz85a5"
)

// platform is an App under test with its fake Slack and its recorder.
type platform struct {
	*App
	fake  *slackfake.Server
	clock *testClock
	got   *recorder
}

// testClock is a clock the test moves; sleeping moves it too, so nothing really waits.
type testClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *testClock) sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.t = c.t.Add(d)
	return nil
}

// recorder stands in for the flows.
type recorder struct {
	mu           sync.Mutex
	events       []slackevents.EventsAPIEvent
	commands     []slack.SlashCommand
	interactions []slack.InteractionCallback
}

func (r *recorder) counts() (int, int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events), len(r.commands), len(r.interactions)
}

// newPlatform builds an App on d against a new fake Slack. A nil queue gets a fresh one.
func newPlatform(t *testing.T, d *db.DB, q *jobs.Queue) *platform {
	t.Helper()
	fake := slackfake.New(t)
	return newPlatformWith(t, d, q, fake, config.Slack{BotToken: testBotToken, SigningSecret: testSecret,
		APIURL: fake.URL, Command: "/om"})
}

func newPlatformWith(t *testing.T, d *db.DB, q *jobs.Queue, fake *slackfake.Server, cfg config.Slack) *platform {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if q == nil {
		q = jobs.New(d, testutil.Quiet, jobs.Options{PollInterval: 20 * time.Millisecond})
	}
	log := audit.New(d)
	desk := request.New(d, log)
	ns := notify.New(d, q, cat, testutil.Quiet)
	a := New(Deps{Config: config.Config{BaseURL: "https://majordome.exemple.fr", Slack: cfg},
		Log: testutil.Quiet, DB: d, Jobs: q, Audit: log, Auth: auth.New(d, log), People: people.New(d, log),
		Desk: desk.WithNotify(ns), Notify: ns, I18n: cat})
	for _, qs := range []*db.Queries{a.Queries()} {
		if err := qs.Check(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	// Now, as Slack's message timestamps are real times.
	clock := &testClock{t: time.Now().UTC().Truncate(time.Millisecond)} // PostgreSQL keeps microseconds
	a.now, a.sleep = clock.now, clock.sleep
	a.store.now = clock.now
	got := &recorder{}
	a.in.event = func(_ context.Context, ev slackevents.EventsAPIEvent) error {
		got.mu.Lock()
		defer got.mu.Unlock()
		got.events = append(got.events, ev)
		return nil
	}
	a.in.command = func(_ context.Context, cmd slack.SlashCommand) error {
		got.mu.Lock()
		defer got.mu.Unlock()
		got.commands = append(got.commands, cmd)
		return nil
	}
	a.in.interaction = func(_ context.Context, cb slack.InteractionCallback) error {
		got.mu.Lock()
		defer got.mu.Unlock()
		got.interactions = append(got.interactions, cb)
		return nil
	}
	a.in.ack = func(context.Context, slack.SlashCommand) string { return "C'est noté !" }
	a.in.submission = func(context.Context, slack.InteractionCallback) *slack.ViewSubmissionResponse { return nil }
	return &platform{App: a, fake: fake, clock: clock, got: got}
}

// pendingJob is a job waiting in the queue.
type pendingJob struct {
	id      int64
	kind    string
	payload []byte
}

// pending lists the pending jobs of kind, oldest first.
func (p *platform) pending(t *testing.T, kind string) []pendingJob {
	t.Helper()
	rows, err := p.DB.R.Query(p.sql("SELECT id, kind, payload FROM jobs WHERE state = 'pending' AND kind = $1 ORDER BY id"), kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []pendingJob
	for rows.Next() {
		var j pendingJob
		if err := rows.Scan(&j.id, &j.kind, &j.payload); err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
	return out
}

// work runs the pending jobs of kind once each, as the queue would (taking them out first),
// and returns their errors in order.
func (p *platform) work(t *testing.T, kind string) []error {
	t.Helper()
	h := map[string]func(context.Context, []byte) error{JobPost: p.postJob, JobCall: p.callJob, JobInbound: p.inboundJob}[kind]
	var errs []error
	for _, j := range p.pending(t, kind) {
		if _, err := p.DB.W.Exec(p.sql("DELETE FROM jobs WHERE id = $1"), j.id); err != nil {
			t.Fatal(err)
		}
		errs = append(errs, h(context.Background(), j.payload))
	}
	return errs
}

// workOK runs the pending jobs of kind and fails the test on any error.
func (p *platform) workOK(t *testing.T, kind string) {
	t.Helper()
	for _, err := range p.work(t, kind) {
		if err != nil {
			t.Fatalf("%s job: %v", kind, err)
		}
	}
}

// sql adapts a statement with $N parameters to the engine.
func (p *platform) sql(q string) string {
	if p.DB.Dialect == db.SQLite {
		return strings.ReplaceAll(q, "$", "?")
	}
	return q
}

// tx runs fn in a transaction.
func (p *platform) tx(t *testing.T, fn func(tx *sql.Tx) error) {
	t.Helper()
	if err := p.DB.Tx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// fixture reads a file of testdata.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
