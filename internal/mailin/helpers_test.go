package mailin_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/mailin"
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// fakeThread stands for package mailout: the Message-IDs of the threads, the failing addresses.
type fakeThread struct {
	mu       sync.Mutex
	ids      map[string]int64
	failing  map[string]string
	recorded []string
}

func (f *fakeThread) RecordIncoming(_ context.Context, _ *sql.Tx, number int64, messageID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids[messageID] = number
	f.recorded = append(f.recorded, messageID)
	return nil
}

func (f *fakeThread) RequestByMessageID(_ context.Context, messageID string) (int64, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.ids[messageID]
	return n, ok, nil
}

func (f *fakeThread) MarkFailing(_ context.Context, address, reason string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing[address] = reason
	return nil
}

// fakeReplier records the automatic replies.
type fakeReplier struct {
	mu   sync.Mutex
	sent []string // "to|subject|inReplyTo"
	text string
}

func (f *fakeReplier) SendAutoReply(_ context.Context, _ *sql.Tx, to, subject, text, inReplyTo string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, to+"|"+subject+"|"+inReplyTo)
	f.text = text
	return nil
}

// office is a company whose desk reads office@exemple.fr: Hélène, François, Zoé, Chloé and Noël
// ask; Camille (admin) and Jérôme (IT agent) answer.
type office struct {
	d       *db.DB
	in      *mailin.Service
	desk    *request.Desk
	dir     *people.Directory
	notify  *notify.Service
	jobs    *jobs.Queue
	thread  *fakeThread
	replier *fakeReplier
	camille int64 // admin account
	jerome  int64 // agent account
}

func newOffice(t *testing.T, d *db.DB) *office {
	t.Helper()
	ctx := context.Background()
	log := audit.New(d)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir := people.New(d, log)
	au := auth.New(d, log)
	desk := request.New(d, log)
	q := jobs.New(d, testutil.Quiet, jobs.Options{PollInterval: 10 * time.Millisecond})
	ns := notify.New(d, q, cat, testutil.Quiet)
	desk.WithNotify(ns)
	if err := desk.EnsureDefaultCategories(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []people.Input{
		{FirstName: "Hélène", LastName: "Bernard", Email: "helene.bernard@exemple.fr"},
		{FirstName: "François", LastName: "Dubois", Email: "francois.dubois@exemple.fr"},
		{FirstName: "Zoé", LastName: "Thomas", Email: "zoe.thomas@exemple.fr"},
		{FirstName: "Chloé", LastName: "Lefèvre", Email: "chloe.lefevre@exemple.fr"},
		{FirstName: "Noël", LastName: "Martin", Email: "noel.martin@exemple.fr", Language: "en"},
		{FirstName: "Jérôme", LastName: "Petit", Email: "jerome.petit@exemple.fr"},
	} {
		if _, err := dir.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	user := func(name, email string, role auth.Role) int64 {
		u, err := au.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	o := &office{d: d, desk: desk, dir: dir, notify: ns, jobs: q,
		thread:  &fakeThread{ids: map[string]int64{}, failing: map[string]string{}},
		replier: &fakeReplier{},
		camille: user("Camille Durand", "camille@exemple.fr", auth.Admin),
		jerome:  user("Jérôme Petit", "jerome.petit@exemple.fr", auth.Agent),
	}
	o.in = mailin.New(mailin.Deps{DB: d, Log: testutil.Quiet, Jobs: q, Desk: desk, People: dir, Auth: au, Notify: ns,
		Audit: log, I18n: cat, Thread: o.thread, Replier: o.replier,
		Mail: func(context.Context) (config.Mail, error) { return config.Mail{Address: "Office@exemple.fr"}, nil }})
	o.in.Observe()
	o.in.RegisterJobs()
	if err := o.in.Queries().Check(ctx, d); err != nil {
		t.Fatal(err)
	}
	return o
}

// corpus reads a message of testdata, with "1042" replaced by the number of the request it
// answers in this test.
func corpus(t *testing.T, name string, number ...int64) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if len(number) > 0 {
		raw = []byte(strings.ReplaceAll(string(raw), "1042", itoa(number[0])))
	}
	return raw
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var admin = request.Viewer{Name: "test", Role: auth.Admin}

// process processes raw and fails the test on an error.
func (o *office) process(t *testing.T, raw []byte) mailin.Outcome {
	t.Helper()
	out, err := o.in.Process(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// request returns request number as an admin sees it.
func (o *office) request(t *testing.T, number int64) request.Request {
	t.Helper()
	r, err := o.desk.Get(context.Background(), admin, number)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// conversation returns the messages of request number.
func (o *office) conversation(t *testing.T, number int64) []request.Message {
	t.Helper()
	msgs, err := o.desk.Conversation(context.Background(), admin, o.request(t, number))
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// attachments lists "file name (message id)" of request number.
func (o *office) attachments(t *testing.T, number int64) []string {
	t.Helper()
	list, err := o.desk.Attachments(context.Background(), admin, o.request(t, number))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range list {
		out = append(out, a.Filename)
	}
	return out
}

// count counts rows of a table.
func (o *office) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := o.d.R.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// inbox lists the kinds of the notifications of account user.
func (o *office) inbox(t *testing.T, user int64) []string {
	t.Helper()
	in, err := o.notify.List(context.Background(), user, notify.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range in.Items {
		out = append(out, n.Kind)
	}
	return out
}

// runUntil works the job queue until cond holds, then stops it.
func runUntil(t *testing.T, o *office, cond func() bool) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.jobs.Run(ctx) }()
	waitFor(t, "the job queue", cond)
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// waitFor waits until cond holds (testutil.Eventually).
var waitFor = testutil.Eventually
