package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/slackbot/slackfake"
)

// TestSlackMessagesQueuedAcrossARestartAreDeliveredOnce runs the real binary against a fake
// Slack that fails every chat.postMessage, so that the messages of new requests stay queued;
// kills the process (SIGKILL: no graceful shutdown), heals Slack, starts the binary again on the
// same SQLite file, and checks that each message is posted exactly once.
func TestSlackMessagesQueuedAcrossARestartAreDeliveredOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	fake := slackfake.New(t)
	for _, u := range []slackfake.User{
		{ID: "U0CAMILLE1", Email: "camille@exemple.fr", Name: "Camille Martin"},
		{ID: "U0JEROME01", Email: "jerome@exemple.fr", Name: "Jérôme Durand"},
		{ID: "U0ZOE00001", Email: "zoe@exemple.fr", Name: "Zoé Thomas"},
	} {
		fake.AddUser(u)
	}
	dir := t.TempDir()
	env := []string{
		"MAJORDOME_DATA=" + dir,
		"MAJORDOME_ADDR=" + freeAddr(t),
		"MAJORDOME_SLACK_BOT_TOKEN=xoxb-e2e-token",
		"MAJORDOME_SLACK_SIGNING_SECRET=e2e-signing-secret",
		"MAJORDOME_SLACK_TRIAGE_CHANNEL=C0OFFICE01",
		"MAJORDOME_SLACK_API_URL=" + fake.URL,
	}
	csv := filepath.Join(dir, "people.csv")
	os.WriteFile(csv, []byte("Nom;Prénom;E-mail;Langue\nMartin;Camille;camille@exemple.fr;fr\nDurand;Jérôme;jerome@exemple.fr;fr\nThomas;Zoé;zoe@exemple.fr;fr\n"), 0o600)
	runBin(t, bin, env, "import", "people", csv)
	runBin(t, bin, env, "user", "create", "--email", "camille@exemple.fr", "--name", "Camille Martin", "--role", "admin")
	runBin(t, bin, env, "user", "create", "--email", "jerome@exemple.fr", "--name", "Jérôme Durand", "--role", "agent")
	token := lastLine(runBin(t, bin, env, "token", "create", "--role", "admin", "--name", "e2e"))

	// Slack is down: every post fails with a 500, retried after the queue's backoff.
	fake.Fail("chat.postMessage", -1, http.StatusInternalServerError, 0)
	first := startBin(t, bin, env)
	for i := range 2 {
		body := fmt.Sprintf(`{"title":"Panne n°%d","requester_email":"zoe@exemple.fr"}`, i+1)
		req, _ := http.NewRequest("POST", first.url+"/api/v1/requests", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create request: %d", res.StatusCode)
		}
	}
	// Wait until the posts were tried: the messages are queued, and Slack refused them.
	attempted := func() map[string]bool {
		refs := map[string]bool{}
		for _, c := range fake.Calls("chat.postMessage") {
			if i := strings.Index(c.Params["metadata"], `"ref":"`); i >= 0 {
				ref := c.Params["metadata"][i+7:]
				refs[ref[:strings.IndexByte(ref, '"')]] = true
			}
		}
		return refs
	}
	waitFor(t, "2 triage posts and 4 notifications to be tried", 60*time.Second, func() bool {
		n := 0
		for ref := range attempted() {
			if strings.HasPrefix(ref, "notify:") || strings.HasSuffix(ref, ":triage") {
				n++
			}
		}
		return n >= 6
	})
	// Killed between two attempts: a job killed while it runs would wait out its lease (a
	// minute) before another instance takes it, which is right but slow for a test.
	dbPath := filepath.Join(dir, "majordome.db")
	waitFor(t, "a moment when no Slack job runs", 30*time.Second, func() bool { return slackJobs(t, dbPath, "running") == 0 })
	first.kill()
	if n := len(fake.Posted()); n != 0 {
		t.Fatalf("%d messages posted while Slack was down", n)
	}

	fake.Heal("")
	second := startBin(t, bin, env)
	want := attempted()
	waitFor(t, "every queued message to be posted", 90*time.Second, func() bool {
		posted := fake.Posted()
		for ref := range want {
			if posted[ref] == 0 {
				return false
			}
		}
		return slackJobs(t, dbPath, "") == 0
	})
	second.stop()
	for ref, n := range fake.Posted() {
		if n != 1 {
			t.Errorf("%s was posted %d times, want once", ref, n)
		}
	}
	t.Logf("posted %d messages once each after the restart", len(fake.Posted()))
}

// buildBinary compiles majordome once for the test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "majordome")
	cmd := exec.Command("go", "build", "-o", bin, "majordome/cmd/majordome")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBin runs a one-shot command of the binary and returns its stdout.
func runBin(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("majordome %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// process is a majordome serve running as a process of its own.
type process struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	done   chan error
}

// startBin starts majordome serve and waits until it answers.
func startBin(t *testing.T, bin string, env []string) *process {
	t.Helper()
	p := &process{t: t, cmd: exec.Command(bin, "serve"), stderr: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.stderr, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(p.kill)
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "MAJORDOME_ADDR="); ok {
			p.url = "http://" + v
		}
	}
	waitFor(t, "serve to answer", 60*time.Second, func() bool {
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("serve exited: %v\n%s", err, p.stderr)
		default:
		}
		res, err := http.Get(p.url + "/healthz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
	return p
}

// kill ends the process at once, as a crash or the OOM killer would.
func (p *process) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Kill()
		err := <-p.done
		p.done <- err
	}
}

// stop ends the process as a service manager would (SIGTERM) and checks it exits cleanly.
func (p *process) stop() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			p.t.Errorf("serve exited with %v\n%s", err, p.stderr)
		}
	case <-time.After(30 * time.Second):
		p.t.Errorf("serve did not stop within 30 s")
	}
}

// slackJobs counts the Slack and notification jobs in state ("" for not done yet) in the
// SQLite database at path.
func slackJobs(t *testing.T, path, state string) int {
	t.Helper()
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	err = d.R.QueryRow(`SELECT COUNT(*) FROM jobs WHERE (kind LIKE 'slack.%' AND kind <> 'slack.prune' OR kind = 'notify.deliver')
		AND state <> 'dead' AND (? = '' OR state = ?)`, state, state).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return n
}

// freeAddr is a local address no one listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
