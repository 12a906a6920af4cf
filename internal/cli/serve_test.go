package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/people"
)

func TestServeFirstStartPrintsASignInLink(t *testing.T) {
	sh := newShell(t)
	s := sh.serve()
	// How long it takes is a benchmark's business (bench/startup_test.go), not a test's.
	t.Logf("start-up on an empty data folder: %v", s.startup)
	// MAJORDOME_ADDR is 127.0.0.1:0: the printed URL has the port really listened on.
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || strings.HasSuffix(s.URL, ":0") {
		t.Fatalf("URL %q", s.URL)
	}
	out := s.stdout.String()
	if !strings.HasPrefix(out, "Majordome is running at "+s.URL+"\n") {
		t.Fatalf("stdout does not start with the URL:\n%s", out)
	}
	link := signInLink(t, out)
	if !strings.HasPrefix(link, s.URL+"/signin/link?token=") {
		t.Fatalf("no first-start sign-in link on this server in:\n%s", out)
	}

	resp := follow(t, link)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/welcome" {
		t.Fatalf("following the link: %s, Location %q; want 303 to /welcome", resp.Status, resp.Header.Get("Location"))
	}
	cookie := sessionCookie(resp)
	if cookie == nil || !cookie.HttpOnly {
		t.Fatalf("no HttpOnly session cookie in %v", resp.Header["Set-Cookie"])
	}
	req, _ := http.NewRequest("GET", s.URL+"/welcome", nil)
	req.AddCookie(cookie)
	welcome, err := noRedirects().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	welcome.Body.Close()
	if welcome.StatusCode != http.StatusOK {
		t.Fatalf("the welcome page with the new session: %s", welcome.Status)
	}
	if again := follow(t, link); again.StatusCode != http.StatusGone || sessionCookie(again) != nil {
		t.Fatalf("the link worked twice: %s", again.Status)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited with %d after its context ended\nstderr: %s", code, s.stderr)
	}

	// The admin exists now: a restart prints the URL and no link.
	s2 := sh.serve()
	out2 := s2.stdout.String()
	if !strings.HasPrefix(out2, "Majordome is running at "+s2.URL+"\n") || strings.Contains(out2, "signin/link") {
		t.Fatalf("second start printed:\n%s", out2)
	}
}

func TestServeDemo(t *testing.T) {
	sh := newShell(t)
	s := sh.serve("--demo")
	// Not bounded: under -race, SQLite (a C library translated to Go) runs the demo's import
	// over ten times slower than without (~50 ms). Logged to keep an eye on it.
	t.Logf("start-up with the demo company: %v", s.startup)
	if code := s.stop(); code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, s.stderr)
	}
	if !strings.Contains(s.stderr.String(), "demo company created") {
		t.Errorf("the log does not say the demo company was created:\n%s", s.stderr)
	}
	if st := directoryStats(t, sh); st.Active+st.Inactive < 55 || st.Teams < 6 || st.Sites < 2 {
		t.Fatalf("after serve --demo: %+v", st)
	}
	before := directoryStats(t, sh)

	// Every later start with --demo leaves the company alone.
	s2 := sh.serve("--demo")
	s2.stop()
	if strings.Contains(s2.stderr.String(), "demo company created") || directoryStats(t, sh) != before {
		t.Fatalf("a second serve --demo changed the directory:\n%s", s2.stderr)
	}
}

func directoryStats(t *testing.T, sh *shell) people.Stats {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(sh.vars["MAJORDOME_DATA"], "majordome.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	st, err := people.New(d, audit.New(d)).Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestServeFinishesRequestsInFlight checks that stopping (SIGTERM, or the end of the context)
// lets a request that has started finish, and only then returns, with status 0.
//
// A request is surely in flight when its handler reads the body: with Expect: 100-continue the
// server says so by answering "100 Continue". The test then holds the body back, stops the
// server, sees new connections refused, and only then sends the body.
func TestServeFinishesRequestsInFlight(t *testing.T) {
	s := newShell(t).serve()
	host := strings.TrimPrefix(s.URL, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	body := "email=camille%40exemple.fr&password=x"
	fmt.Fprintf(conn, "POST /signin HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", host, len(body))
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 100 ") {
		t.Fatalf("want 100 Continue, got %q, %v", status, err)
	}
	if blank, err := br.ReadString('\n'); err != nil || blank != "\r\n" {
		t.Fatalf("after 100 Continue: %q, %v", blank, err)
	}

	s.cancel()
	refused := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			refused = true
			break
		}
		c.Close()
	}
	if !refused {
		t.Fatal("the server still accepts connections 10 s after being stopped")
	}
	select {
	case code := <-s.done:
		t.Fatalf("serve returned (%d) while a request was in flight", code)
	default:
	}

	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("the request in flight got no response: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	// The form has no CSRF token, so the answer is a refusal; what matters is that it came,
	// whole, with the connection closed after it.
	if resp.StatusCode == 0 || !resp.Close {
		t.Fatalf("response %s, Connection: close %v", resp.Status, resp.Close)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited with %d\nstderr: %s", code, s.stderr)
	}
}

// TestServeBusyAddress checks a port already taken is a clear failure, not a hang.
func TestServeBusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := newShell(t).with("MAJORDOME_ADDR", ln.Addr().String()).run("serve")
	if r.code != 1 || !strings.Contains(r.stderr, "listen on "+ln.Addr().String()) {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "running") {
		t.Fatalf("claimed to run:\n%s", r.stdout)
	}
}
