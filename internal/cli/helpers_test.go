package cli

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an output the server's goroutines may write (request logs) while the test reads.
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

// shell is a pretend terminal session: settings in environment variables (a fresh data folder
// and a port the system picks, unless the test changes them), commands run in-process.
type shell struct {
	t    *testing.T
	vars map[string]string
}

func newShell(t *testing.T) *shell {
	t.Helper()
	return &shell{t: t, vars: map[string]string{
		"MAJORDOME_DATA": t.TempDir(),
		"MAJORDOME_ADDR": "127.0.0.1:0",
	}}
}

func (sh *shell) getenv(name string) string { return sh.vars[name] }

// with returns a copy of the shell with more variables set; the data folder stays shared.
func (sh *shell) with(kv ...string) *shell {
	c := &shell{t: sh.t, vars: map[string]string{}}
	for k, v := range sh.vars {
		c.vars[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		c.vars[kv[i]] = kv[i+1]
	}
	return c
}

// result is what a finished command left behind.
type result struct {
	code           int
	stdout, stderr string
}

// run runs one command to completion, like typing it in the shell.
func (sh *shell) run(args ...string) result {
	sh.t.Helper()
	var out, errOut syncBuffer
	code := run(context.Background(), &env{stdout: &out, stderr: &errOut, getenv: sh.getenv}, args)
	return result{code, out.String(), errOut.String()}
}

// mustRun runs a command that must succeed.
func (sh *shell) mustRun(args ...string) result {
	sh.t.Helper()
	r := sh.run(args...)
	if r.code != 0 {
		sh.t.Fatalf("majordome %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// server is a running majordome serve.
type server struct {
	t        *testing.T
	URL      string
	stdout   *syncBuffer
	stderr   *syncBuffer
	startup  time.Duration // from run() to ready
	cancel   context.CancelFunc
	done     chan int
	stopped  bool
	exitCode int
}

// serve starts majordome serve with args and waits until it listens.
func (sh *shell) serve(args ...string) *server {
	sh.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{t: sh.t, stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	ready := make(chan string, 1)
	e := &env{stdout: s.stdout, stderr: s.stderr, getenv: sh.getenv, ready: func(url string) { ready <- url }}
	start := time.Now()
	go func() { s.done <- run(ctx, e, append([]string{"serve"}, args...)) }()
	select {
	case s.URL = <-ready:
		s.startup = time.Since(start)
	case code := <-s.done:
		cancel()
		sh.t.Fatalf("serve exited with %d before listening\nstdout: %s\nstderr: %s", code, s.stdout, s.stderr)
	case <-time.After(60 * time.Second):
		cancel()
		sh.t.Fatalf("serve did not listen within a minute\nstderr: %s", s.stderr)
	}
	sh.t.Cleanup(func() { s.stop() })
	return s
}

// stop cancels the server's context, as SIGTERM does, and returns its exit status.
func (s *server) stop() int {
	s.t.Helper()
	if s.stopped {
		return s.exitCode
	}
	s.stopped = true
	s.cancel()
	select {
	case s.exitCode = <-s.done:
	case <-time.After(30 * time.Second):
		s.t.Fatalf("serve did not stop within 30 s of its context ending")
	}
	return s.exitCode
}

// noRedirects is an HTTP client that shows redirects instead of following them.
func noRedirects() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

var linkRE = regexp.MustCompile(`https?://\S+/signin/link\?token=\S+`)

// signInLink returns the one sign-in link in out, or "".
func signInLink(t *testing.T, out string) string {
	t.Helper()
	links := linkRE.FindAllString(out, -1)
	if len(links) > 1 {
		t.Fatalf("several sign-in links in:\n%s", out)
	}
	if len(links) == 0 {
		return ""
	}
	return links[0]
}

// follow opens a sign-in link like a browser's first request and returns the response, whose
// body is already closed.
func follow(t *testing.T, link string) *http.Response {
	t.Helper()
	resp, err := noRedirects().Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "majordome_session" && c.Value != "" {
			return c
		}
	}
	return nil
}

// lastLine is the last non-empty line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}
