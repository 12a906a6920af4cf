package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"strings"
	"time"

	"majordome/internal/app"
	"majordome/internal/auth"
	"majordome/internal/config"
)

// sessionCookie is the name of Majordome's session cookie.
const sessionCookie = "majordome_session"

// server is what the measurements talk to: a base URL, an agent's API token and an agent's
// session cookie, and the people who may file requests.
type server struct {
	base    string
	token   string
	cookie  string
	emails  []string // active people's emails, requesters of the creates
	filters []string // queue filters that fill a page
}

// runLoad seeds (in-process) or reaches (-target) a server, measures the floor and the product,
// and returns the report. progress tells what it is doing, as it goes.
func runLoad(ctx context.Context, o options, progress io.Writer) (*Report, error) {
	if o.quiet {
		progress = io.Discard
	}
	say := func(format string, args ...any) { fmt.Fprintf(progress, "load: "+format+"\n", args...) }
	tmp, err := os.MkdirTemp("", "majordome-load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	rep := newReport(o)

	var srv server
	if o.target == "" {
		stop, err := startInProcess(ctx, o, tmp, rep, &srv, say)
		if err != nil {
			return nil, err
		}
		defer stop()
	} else {
		if err := reachTarget(ctx, o, &srv); err != nil {
			return nil, err
		}
		rep.Database = "as the target has it (not seeded)"
		rep.People, rep.Requests = 0, 0
	}
	if len(o.filters) > 0 {
		srv.filters = o.filters
	}
	rep.QueueFilters, rep.SearchQueries = srv.filters, searchQueries

	bodies := createBodies(srv.emails, o.creates+warmupOf(o.creates))

	say("floor: %d creates on a bare handler", o.creates)
	floorURL, stopFloor, err := startFloor(ctx, tmp)
	if err != nil {
		return nil, err
	}
	rep.Floor = measure(ctx, newClient(o.concurrency), "floor: bare create (SQLite)", o.creates, warmupOf(o.creates),
		o.concurrency, o.phaseTime, post(floorURL+"/requests", "", bodies), nil)
	stopFloor()

	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	c := newClient(o.concurrency)
	say("API create: %d", o.creates)
	rep.Create = measure(ctx, c, "API create", o.creates, warmupOf(o.creates), o.concurrency, o.phaseTime,
		post(srv.base+"/api/v1/requests", srv.token, bodies), nil)

	say("queue page: %d (%s)", o.queue, strings.Join(srv.filters, " | "))
	rep.Queue = measure(ctx, c, "queue page (HTML, 50 rows)", o.queue, warmupOf(o.queue), o.concurrency, o.phaseTime,
		get(func(i int) string { return srv.base + "/requests?" + srv.filters[i%len(srv.filters)] }, "", srv.cookie),
		func(i int, body []byte) error {
			if n := len(rowLink.FindAll(body, -1)); n != 50 {
				return fmt.Errorf("/requests?%s shows %d requests, not a full page of 50", srv.filters[i%len(srv.filters)], n)
			}
			return nil
		})

	say("search page: %d", o.search)
	rep.SearchPage = measure(ctx, c, "search page (HTML)", o.search, warmupOf(o.search), o.concurrency, o.phaseTime,
		get(func(i int) string {
			return srv.base + "/requests?" + url.Values{"q": {searchQueries[i%len(searchQueries)]}, "status": {"all"}}.Encode()
		}, "", srv.cookie), nil)

	say("search API: %d", o.search)
	rep.SearchAPI = measure(ctx, c, "search API (JSON)", o.search, warmupOf(o.search), o.concurrency, o.phaseTime,
		get(func(i int) string {
			return srv.base + "/api/v1/requests?" + url.Values{"q": {searchQueries[i%len(searchQueries)]}}.Encode()
		}, srv.token, ""), nil)

	rep.finish()
	return rep, ctx.Err()
}

// rowLink is a request's link in a row of the queue.
var rowLink = regexp.MustCompile(`href="/requests/\d+"`)

// startInProcess opens Majordome on a fresh database, seeds it, serves it on a loopback port
// and signs an agent in.
func startInProcess(ctx context.Context, o options, tmp string, rep *Report, srv *server, say func(string, ...any)) (func(), error) {
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: filepath.Join(tmp, "data"), DB: o.dsn}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	// The server logs every request as it would in production; the lines are formatted and
	// thrown away.
	log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	rep.Database = string(a.DB.Dialect)
	say("seeding %d people and %d requests", o.people, o.requests)
	w, err := seed(ctx, a, o.people, o.requests, &rep.Seed)
	if err != nil {
		a.Close()
		return nil, err
	}
	say("seeded in %s", rep.Seed)
	for _, p := range w.people {
		srv.emails = append(srv.emails, p.email)
	}
	srv.filters = w.queueFilters()
	_, srv.token, err = a.Auth.CreateToken(ctx, "bench/load", auth.Agent, 0)
	if err != nil {
		a.Close()
		return nil, err
	}
	link, err := a.Auth.CreateLink(ctx, w.agents[0].ID, auth.LinkReset, time.Hour)
	if err != nil {
		a.Close()
		return nil, err
	}
	ln, err := a.Listen()
	if err != nil {
		a.Close()
		return nil, err
	}
	sctx, stopServe := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(sctx, ln) }()
	stop := func() {
		stopServe()
		<-done
		a.Close()
	}
	srv.base = "http://" + ln.Addr().String()
	if srv.cookie, err = signIn(ctx, srv.base, link); err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// signIn follows a sign-in link and returns the session cookie it sets.
func signIn(ctx context.Context, base, link string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/signin/link?token="+url.QueryEscape(link), nil)
	if err != nil {
		return "", err
	}
	resp, err := newClient(1).Do(req)
	if err != nil {
		return "", fmt.Errorf("load: sign in: %w", err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return c.Value, nil
		}
	}
	return "", fmt.Errorf("load: sign in: status %d and no session cookie", resp.StatusCode)
}

// reachTarget checks a -target server and reads the people who may file requests there.
func reachTarget(ctx context.Context, o options, srv *server) error {
	u, err := url.Parse(strings.TrimSuffix(o.target, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-target %q: expected a URL such as http://127.0.0.1:8080", o.target)
	}
	if !o.allowRemote && !isLoopback(u.Hostname()) {
		return fmt.Errorf("-target %s is not on this machine: pass -allow-remote to load it on purpose", u.Host)
	}
	srv.base, srv.token, srv.cookie = u.String(), o.token, o.cookie
	srv.filters = []string{"status=active"}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+"/api/v1/people?active=true&limit=200", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+srv.token)
	status, body, err := send(newClient(1), req)
	if err != nil {
		return fmt.Errorf("load: target: %w", err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("load: target: GET /api/v1/people answered %d: %.200s", status, body)
	}
	var page struct {
		Items []struct {
			Email string `json:"email"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return fmt.Errorf("load: target: people: %w", err)
	}
	for _, p := range page.Items {
		srv.emails = append(srv.emails, p.Email)
	}
	if len(srv.emails) == 0 {
		return errors.New("load: target: the directory has no active people to file requests")
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// createBody is a request as the API takes it; the floor decodes the same JSON.
type createBody struct {
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	RequesterEmail string   `json:"requester_email"`
	Category       string   `json:"category,omitempty"`
	Priority       string   `json:"priority,omitempty"`
	Confidential   *bool    `json:"confidential,omitempty"`
	Channel        string   `json:"channel,omitempty"`
	Tags           []string `json:"tags,omitempty"`
}

// createBodies writes n different requests from the given people, with a fixed random seed.
func createBodies(emails []string, n int) [][]byte {
	r := rand.New(rand.NewPCG(7, 42))
	vocab := vocabulary(r)
	zipf := rand.NewZipf(r, 1.07, 20, uint64(len(vocab)-1))
	weights := make([]int, len(topics))
	for i, t := range topics {
		weights[i] = t.weight
	}
	out := make([][]byte, n)
	for i := range out {
		t := topics[pick(r, weights...)]
		b := createBody{
			Title: t.subjects[r.IntN(len(t.subjects))] + " " + t.problems[r.IntN(len(t.problems))],
			Description: strings.TrimSpace(greetings[r.IntN(len(greetings))] + "\n\n" + text(r, t, vocab, zipf, 15+r.IntN(66)) +
				".\n\n" + closings[r.IntN(len(closings))]),
			RequesterEmail: emails[r.IntN(len(emails))],
			Category:       t.category,
			Priority:       []string{"urgent", "high", "normal", "low"}[pick(r, 4, 16, 65, 15)],
		}
		if len(t.tags) > 0 && r.IntN(3) == 0 {
			b.Tags = []string{t.tags[r.IntN(len(t.tags))]}
		}
		out[i], _ = json.Marshal(b)
	}
	return out
}

// post sends bodies[i] as JSON to u, with a bearer token when given.
func post(u, token string, bodies [][]byte) call {
	return func(ctx context.Context, c *http.Client, i int) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(bodies[i]))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return send(c, req)
	}
}

// get reads the URL of operation i, with a bearer token or a session cookie.
func get(u func(i int) string, token, cookie string) call {
	return func(ctx context.Context, c *http.Client, i int) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u(i), nil)
		if err != nil {
			return 0, nil, err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
		}
		return send(c, req)
	}
}
