package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"majordome/internal/app"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/testutil"
)

// env is a running Majordome on a fresh SQLite database, for page tests.
type env struct {
	t   *testing.T
	App *app.App
	URL string
}

// newEnv starts the whole application (the same wiring as majordome serve) behind httptest.
func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, DB: testutil.SQLiteFile(t)}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, testutil.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &env{t: t, App: a, URL: srv.URL}
}

// client is a browser-like HTTP client: a cookie jar, no automatic redirects, and the CSRF
// token of the last page it read.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) anonymous() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signInAs creates an account with role (through the first-admin link for the first admin) and
// returns a client signed in as that account.
func (e *env) signInAs(role auth.Role) *client {
	e.t.Helper()
	ctx := context.Background()
	var token string
	var err error
	if ok, _ := e.App.Auth.HasAdmin(ctx); !ok && role == auth.Admin {
		token, err = e.App.Auth.EnsureAdmin(ctx)
	} else {
		var u auth.User
		u, err = e.App.Auth.CreateUser(ctx, auth.NewUser{Email: string(role) + "-" + randomSuffix() + "@exemple.fr",
			Name: "Test " + string(role), Role: role})
		if err == nil {
			token, err = e.App.Auth.CreateLink(ctx, u.ID, auth.LinkReset, 3600e9)
		}
	}
	if err != nil {
		e.t.Fatal(err)
	}
	c := e.anonymous()
	res := c.get("/signin/link?token=" + token)
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign-in link answered %d", res.StatusCode)
	}
	c.get("/") // read a page to learn the CSRF token
	return c
}

var counter int

func randomSuffix() string {
	counter++
	return strings.Repeat("x", counter)
}

// response is a read response.
type response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

var csrfRe = regexp.MustCompile(`name="csrf-token" content="([^"]+)"|name="csrf_token" value="([^"]+)"`)

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfRe.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1] + m[2]
	}
	return response{StatusCode: res.StatusCode, Header: res.Header, Body: string(b)}
}

func (c *client) get(path string) response {
	req, _ := http.NewRequest("GET", c.e.URL+path, nil)
	return c.do(req)
}

// post sends a form with the client's CSRF token (unless the form sets csrf_token itself).
func (c *client) post(path string, form url.Values) response {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.e.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}
