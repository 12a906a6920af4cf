package mailout

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	_ "time/tzdata"

	"github.com/jhillyerd/enmime/v2"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

const desk = "office@exemple.fr"

// office is Majordome wired as app.go wires it, with email on through a relay of the test:
// Camille (admin, French), Jérôme (agent, English), and Zoé, an employee of the directory
// (French) who writes to the office by email.
type office struct {
	d       *db.DB
	mail    *Service
	notify  *notify.Service
	desk    *request.Desk
	q       *jobs.Queue
	relay   *testRelay
	clock   *clock
	camille auth.User
	jerome  auth.User
	zoe     people.Person
	jerry   people.Person
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func newOffice(t *testing.T, d *db.DB, r *testRelay) *office {
	t.Helper()
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := audit.New(d)
	au := auth.New(d, log)
	dir := people.New(d, log)
	o := &office{d: d, relay: r, clock: &clock{t: time.Now().UTC()}}
	o.camille = must(au.CreateUser(ctx, auth.NewUser{Email: "camille@exemple.fr", Name: "Camille Martin", Role: auth.Admin, Language: "fr"}))
	o.jerome = must(au.CreateUser(ctx, auth.NewUser{Email: "jerome@exemple.fr", Name: "Jérôme Petit", Role: auth.Agent, Language: "en"}))
	o.zoe = must(dir.Create(ctx, people.Input{FirstName: "Zoé", LastName: "Bernard", Email: "zoe@exemple.fr", Language: "fr"}))
	o.jerry = must(dir.Create(ctx, people.Input{FirstName: "Jerry", LastName: "Smith", Email: "jerry@exemple.fr", Language: "en"}))
	o.q = jobs.New(d, testutil.Quiet, jobs.Options{PollInterval: 10 * time.Millisecond, MaxAttempts: 50,
		Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
	o.notify = notify.New(d, o.q, cat, testutil.Quiet)
	o.notify.SetClock(o.clock.Now)
	o.notify.RegisterJobs()
	o.desk = request.New(d, log).WithNotify(o.notify)
	o.mail = New(d, o.q, cat, testutil.Quiet).Setup(Options{Env: config.Mail{Address: desk, SMTPURL: r.url()},
		BaseURL: "https://majordome.exemple.fr", Audit: log, Desk: o.desk, People: dir})
	o.mail.RegisterJobs()
	o.notify.AddChannel(o.mail.Channel())
	o.desk.Observe(o.mail.Observe)
	for _, q := range []*db.Queries{o.mail.Queries(), o.notify.Queries()} {
		if err := q.Check(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	runQueue(t, o.q)
	return o
}

func runQueue(t *testing.T, q *jobs.Queue) {
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

// agent is Camille acting at the desk.
func (o *office) agent(t *testing.T) (context.Context, request.Viewer) {
	ctx := audit.WithActor(context.Background(), audit.Actor{Kind: "user", ID: o.camille.ID, Name: o.camille.Name})
	v, err := o.desk.ViewerFor(ctx, o.camille.ID, o.camille.Name, o.camille.Email, o.camille.Role)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, v
}

// settle waits until the queue has nothing left to do now.
func (o *office) settle(t *testing.T) {
	t.Helper()
	waitFor(t, "the queue to settle", func() bool {
		st, err := o.q.Stats(context.Background())
		return err == nil && st.Pending == 0 && st.Running == 0
	})
}

// mailTo returns the messages the relay got for address, parsed.
func (o *office) mailTo(t *testing.T, address string) []*enmime.Envelope {
	t.Helper()
	var out []*enmime.Envelope
	for _, m := range o.relay.messages() {
		if len(m.To) == 1 && strings.EqualFold(m.To[0], address) {
			env, err := enmime.ReadEnvelope(bytes.NewReader(m.Data))
			if err != nil {
				t.Fatalf("the relay got a message enmime cannot read: %v\n%s", err, m.Data)
			}
			out = append(out, env)
		}
	}
	return out
}

// waitFor waits until cond holds (testutil.Eventually).
var waitFor = testutil.Eventually

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
