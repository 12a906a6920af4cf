package slackbot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// The flows' test harness: the whole app on a real database, its job queue running, its HTTP
// endpoints served, talking to a fake Slack. Payloads are the fixtures of testdata, signed at
// run time with the real clock.

// flowsEnv is a company on Slack: Hélène and Zoé (employees without an account), Anaïs (an
// employee who reads English), Jérôme (agent) and Camille (admin), each a person of the
// directory and a member of the workspace.
type flowsEnv struct {
	app    *App
	fake   *slackfake.Server
	srv    *httptest.Server
	desk   *request.Desk
	notify *notify.Service
	q      *jobs.Queue
	d      *db.DB

	helene, zoe, anais, jerome, camille people.Person
	jeromeUser, camilleUser             auth.User
}

const triageChannel = "C0OFFICE01"

var flowsMembers = []struct {
	slackID, first, last, email, lang string
	role                              auth.Role // "" for no account
}{
	{"U0HELENE01", "Hélène", "Bernard", "helene.bernard@exemple.fr", "fr", ""},
	{"U0ZOE00001", "Zoé", "Thomas", "zoe.thomas@exemple.fr", "fr", ""},
	{"U0ANAIS001", "Anaïs", "Petit", "anais.petit@exemple.fr", "en", ""},
	{"U0JEROME01", "Jérôme", "Durand", "jerome.durand@exemple.fr", "fr", auth.Agent},
	{"U0CAMILLE1", "Camille", "Martin", "camille.martin@exemple.fr", "fr", auth.Admin},
}

// newFlowsEnv builds the company on d; edits change the Slack settings.
func newFlowsEnv(t *testing.T, d *db.DB, edits ...func(*config.Slack)) *flowsEnv {
	t.Helper()
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	fake := slackfake.New(t)
	q := jobs.New(d, testutil.Quiet, jobs.Options{PollInterval: 10 * time.Millisecond, MaxAttempts: 3,
		Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
	log := audit.New(d)
	desk := request.New(d, log)
	ns := notify.New(d, q, cat, testutil.Quiet)
	ns.RegisterJobs()
	dir := people.New(d, log)
	au := auth.New(d, log)
	cfg := config.Slack{BotToken: testBotToken, SigningSecret: testSecret, APIURL: fake.URL, TriageChannel: triageChannel,
		Command: "/om"}
	for _, edit := range edits {
		edit(&cfg)
	}
	a := New(Deps{Config: config.Config{BaseURL: "https://majordome.exemple.fr/", Slack: cfg},
		Log: testutil.Quiet, DB: d, Jobs: q, Audit: log, Auth: au, People: dir, Desk: desk.WithNotify(ns), Notify: ns, I18n: cat})
	// The rate limits of the Web API space calls by up to 1.2 s: the app's clock runs ahead of
	// the real one by every wait, so that nothing really waits (and signatures stay fresh).
	skew := &skewClock{}
	a.now, a.sleep = skew.now, skew.sleep
	if err := a.Queries().Check(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := desk.EnsureDefaultCategories(ctx); err != nil {
		t.Fatal(err)
	}
	e := &flowsEnv{app: a, fake: fake, desk: desk, notify: ns, q: q, d: d}
	for _, m := range flowsMembers {
		p, err := dir.Create(ctx, people.Input{FirstName: m.first, LastName: m.last, Email: m.email, Language: m.lang})
		if err != nil {
			t.Fatal(err)
		}
		fake.AddUser(slackfake.User{ID: m.slackID, Email: m.email, Name: m.first + " " + m.last, Timezone: "Europe/Paris"})
		var u auth.User
		if m.role != "" {
			if u, err = au.CreateUser(ctx, auth.NewUser{Email: m.email, Name: m.first + " " + m.last, Role: m.role, Language: m.lang}); err != nil {
				t.Fatal(err)
			}
		}
		switch m.first {
		case "Hélène":
			e.helene = p
		case "Zoé":
			e.zoe = p
		case "Anaïs":
			e.anais = p
		case "Jérôme":
			e.jerome, e.jeromeUser = p, u
		case "Camille":
			e.camille, e.camilleUser = p, u
		}
	}
	e.srv = httptest.NewServer(a.Handler())
	t.Cleanup(e.srv.Close)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = q.Run(runCtx)
	}()
	t.Cleanup(func() { stop(); <-done })
	return e
}

// skewClock is the real clock plus the waits it was asked for.
type skewClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *skewClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset)
}

func (c *skewClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
	return ctx.Err()
}

// sign signs body as Slack does, with the test secret and the current time.
func sign(req *http.Request, body []byte) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(testSecret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

// send posts a signed body to one of the app's endpoints and returns the answer's status and
// body.
func (e *flowsEnv) send(t *testing.T, path string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if path == "/slack/events" {
		req.Header.Set("Content-Type", "application/json")
	}
	sign(req, body)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %d %s", path, res.StatusCode, b)
	}
	return res.StatusCode, string(b)
}

// command sends the slash command fixture with text, as user, with a fresh trigger.
func (e *flowsEnv) command(t *testing.T, user, text string) string {
	t.Helper()
	f, err := url.ParseQuery(string(fixture(t, "slash-command.txt")))
	if err != nil {
		t.Fatal(err)
	}
	f.Set("text", text)
	f.Set("user_id", user)
	f.Set("trigger_id", "trigger-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	_, body := e.send(t, "/slack/commands", []byte(f.Encode()))
	return body
}

// event sends the Events API fixture name, changed by edit (on the decoded JSON).
func (e *flowsEnv) event(t *testing.T, name string, edit func(ev, inner map[string]any)) {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(fixture(t, name), &ev); err != nil {
		t.Fatal(err)
	}
	ev["event_id"] = "Ev" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if edit != nil {
		edit(ev, ev["event"].(map[string]any))
	}
	b, _ := json.Marshal(ev)
	e.send(t, "/slack/events", b)
}

// interaction sends the interactivity fixture name (payload=…), changed by edit, and returns
// the app's answer.
func (e *flowsEnv) interaction(t *testing.T, name string, edit func(p map[string]any)) string {
	t.Helper()
	f, err := url.ParseQuery(string(fixture(t, name)))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(f.Get("payload")), &p); err != nil {
		t.Fatal(err)
	}
	p["trigger_id"] = "trigger-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if edit != nil {
		edit(p)
	}
	b, _ := json.Marshal(p)
	_, body := e.send(t, "/slack/interactions", []byte(url.Values{"payload": {string(b)}}.Encode()))
	return body
}

// click sends a block_actions payload: user clicks action with value, in channel ("" for none,
// as in App Home).
func (e *flowsEnv) click(t *testing.T, user, channel, action, value string) {
	t.Helper()
	e.interaction(t, "block-actions.txt", func(p map[string]any) {
		p["user"] = map[string]any{"id": user}
		if channel == "" {
			delete(p, "channel")
			p["container"] = map[string]any{"type": "view", "view_id": "VHOME"}
		} else {
			p["channel"] = map[string]any{"id": channel}
		}
		act := map[string]any{"action_id": action, "block_id": "b", "type": "button", "value": value,
			"action_ts": "1763370310.000500"}
		if action == actPriority || action == actCategory {
			act["type"] = "static_select"
			act["selected_option"] = map[string]any{"value": value, "text": map[string]any{"type": "plain_text", "text": value}}
			delete(act, "value")
		}
		p["actions"] = []any{act}
	})
}

// eventually waits until cond holds (testutil.Eventually).
var eventually = testutil.Eventually

// settle waits until the queue has nothing due left to run, and fails on a job that failed.
func (e *flowsEnv) settle(t *testing.T) {
	t.Helper()
	q := "SELECT COUNT(*) FROM jobs WHERE state = 'running' OR (state = 'pending' AND run_at <= $1)"
	dead := "SELECT COUNT(*) FROM jobs WHERE state = 'dead' OR last_error <> ''"
	if e.d.Dialect == db.SQLite {
		q, dead = strings.ReplaceAll(q, "$", "?"), strings.ReplaceAll(dead, "$", "?")
	}
	eventually(t, "the queue settles", func() bool {
		var n int
		if err := e.d.R.QueryRow(q, time.Now().UTC()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 0
	})
	var n int
	if err := e.d.R.QueryRow(dead).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		list, _ := e.q.Dead(context.Background(), 10)
		t.Fatalf("%d jobs failed: %+v", n, list)
	}
}

// request reads request n as Camille.
func (e *flowsEnv) request(t *testing.T, n int64) request.Request {
	t.Helper()
	r, err := e.desk.Get(context.Background(), request.Viewer{UserID: e.camilleUser.ID, Role: auth.Admin}, n)
	if err != nil {
		t.Fatalf("request #%d: %v", n, err)
	}
	return r
}

// latest is the number of the last request filed, 0 for none.
func (e *flowsEnv) latest(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := e.d.R.QueryRow("SELECT COALESCE(MAX(number), 0) FROM requests").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// message is the fake's message posted under ref.
func (e *flowsEnv) message(ref string) (slackfake.Message, bool) {
	for _, m := range e.fake.Messages() {
		if m.Ref == ref {
			return m, true
		}
	}
	return slackfake.Message{}, false
}

// waitMessage waits for the message under ref, and for it to satisfy ok.
func (e *flowsEnv) waitMessage(t *testing.T, ref string, ok func(m slackfake.Message) bool) slackfake.Message {
	t.Helper()
	var m slackfake.Message
	eventually(t, "message "+ref, func() bool {
		var found bool
		m, found = e.message(ref)
		return found && (ok == nil || ok(m))
	})
	return m
}

// calls are the fake's calls of method whose param key contains want.
func (e *flowsEnv) calls(method, key, want string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range e.fake.Calls(method) {
		if strings.Contains(c.Params[key], want) {
			out = append(out, c)
		}
	}
	return out
}

// waitCall waits for a call of method whose param key contains want.
func (e *flowsEnv) waitCall(t *testing.T, method, key, want string) slackfake.Call {
	t.Helper()
	eventually(t, fmt.Sprintf("%s with %s ~ %q", method, key, want), func() bool { return len(e.calls(method, key, want)) > 0 })
	c := e.calls(method, key, want)
	return c[len(c)-1]
}
