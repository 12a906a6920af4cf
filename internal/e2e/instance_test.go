package e2e

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/cli"
	"majordome/internal/db"
	"majordome/internal/people"
)

// syncBuffer is an output the server's goroutines may write while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// instance is a majordome serve running in this process through cli.Run, the code path of the
// real binary (settings, migrations, first admin, listener, ordered shutdown).
type instance struct {
	t      *testing.T
	URL    string
	vars   map[string]string
	stdout syncBuffer
	stderr syncBuffer
	ready  chan string
	done   chan int
	cancel context.CancelFunc
}

// sqliteSettings are the settings of an instance with its own SQLite data folder, on a port the
// system picks.
func sqliteSettings(t *testing.T) map[string]string {
	return map[string]string{"MAJORDOME_DATA": t.TempDir(), "MAJORDOME_ADDR": "127.0.0.1:0"}
}

// launch starts serve with the settings vars and returns at once; wait blocks until it listens.
func launch(t *testing.T, vars map[string]string, args ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{t: t, vars: vars, ready: make(chan string, 1), done: make(chan int, 1), cancel: cancel}
	opts := cli.Options{Stdout: &in.stdout, Stderr: &in.stderr, Getenv: func(k string) string { return vars[k] },
		Ready: func(url string) { in.ready <- url }}
	go func() { in.done <- cli.Run(ctx, append([]string{"serve"}, args...), opts) }()
	t.Cleanup(in.stop)
	return in
}

// wait blocks until the instance listens, and fails the test if it exits or hangs instead.
func (in *instance) wait() *instance {
	in.t.Helper()
	select {
	case in.URL = <-in.ready:
	case code := <-in.done:
		in.done <- code
		in.t.Fatalf("serve exited with %d before listening\nstderr:\n%s", code, in.stderr.String())
	case <-time.After(60 * time.Second):
		in.t.Fatalf("serve did not listen within a minute\nstderr:\n%s", in.stderr.String())
	}
	return in
}

// start launches serve and waits until it listens.
func start(t *testing.T, vars map[string]string, args ...string) *instance {
	t.Helper()
	return launch(t, vars, args...).wait()
}

// stop ends the instance as SIGTERM would, and checks it exits cleanly.
func (in *instance) stop() {
	in.cancel()
	select {
	case code := <-in.done:
		in.done <- code // stop may be called again
		if code != 0 {
			in.t.Errorf("serve exited with %d\nstderr:\n%s", code, in.stderr.String())
		}
	case <-time.After(30 * time.Second):
		in.t.Errorf("serve did not stop within 30 s")
	}
}

// run runs a one-shot command (token create, user create…) with the instance's settings, as an
// admin would in a shell beside it, and returns its stdout. The public URL is the instance's,
// so printed links lead to it.
func (in *instance) run(args ...string) string {
	in.t.Helper()
	vars := maps.Clone(in.vars)
	vars["MAJORDOME_BASE_URL"] = in.URL
	var out, errOut syncBuffer
	code := cli.Run(context.Background(), args, cli.Options{Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return vars[k] }})
	if code != 0 {
		in.t.Fatalf("majordome %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

// directory opens the instance's database beside it, to check what the pages did.
func (in *instance) directory() *people.Directory {
	in.t.Helper()
	dsn := in.vars["MAJORDOME_DB"]
	if dsn == "" {
		dsn = filepath.Join(in.vars["MAJORDOME_DATA"], "majordome.db")
	}
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		in.t.Fatal(err)
	}
	in.t.Cleanup(func() { d.Close() })
	return people.New(d, audit.New(d))
}

var linkRE = regexp.MustCompile(`https?://\S+/signin/link\?token=\S+`)

// signInLink returns the sign-in link printed in out, or "".
func signInLink(out string) string { return linkRE.FindString(out) }

// lastLine is the last line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// noRedirects is an HTTP client that shows redirects instead of following them.
func noRedirects() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}
