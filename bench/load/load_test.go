package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"majordome/internal/app"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// tiny is a whole run at a size that takes seconds: every phase runs, nothing is timed.
func tiny(dsn string) options {
	return options{dsn: dsn, people: 50, requests: 300, creates: 50, queue: 30, search: 30, concurrency: 2,
		phaseTime: time.Minute, quiet: true}
}

// checkReport fails t unless every measurement ran without error and the report holds its
// figures.
func checkReport(t *testing.T, rep *Report, o options) {
	t.Helper()
	if rep.Errors != 0 {
		t.Fatalf("%d requests failed", rep.Errors)
	}
	for _, res := range rep.results() {
		if res.Errors != 0 || res.FirstError != "" {
			t.Errorf("%s: %d errors, first %q", res.Name, res.Errors, res.FirstError)
		}
		if res.PerSecond <= 0 || res.P50ms <= 0 || res.P99ms < res.P50ms || res.MaxMs < res.P99ms {
			t.Errorf("%s: implausible figures %+v", res.Name, res)
		}
	}
	if rep.Create.N != o.creates || rep.Floor.N != o.creates || rep.Queue.N != o.queue || rep.SearchPage.N != o.search {
		t.Errorf("counts: floor %d, create %d, queue %d, search %d", rep.Floor.N, rep.Create.N, rep.Queue.N, rep.SearchPage.N)
	}
	if rep.CreateRatio <= 0 || len(rep.Verdicts) != 4 || len(rep.QueueFilters) == 0 {
		t.Errorf("ratio %v, verdicts %v, filters %v", rep.CreateRatio, rep.Verdicts, rep.QueueFilters)
	}
	var buf bytes.Buffer
	if err := rep.writeJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"machine", "floor", "create", "queue", "search_page", "search_api", "create_ratio", "verdicts"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON report has no %q", k)
		}
	}
	buf.Reset()
	rep.writeText(&buf)
	for _, want := range []string{"floor: bare create", "API create", "queue page", "search page", "search API", "× floor"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text report has no %q:\n%s", want, buf.String())
		}
	}
}

// engines are the databases a test runs on: a fresh SQLite file, and a fresh PostgreSQL database
// when MAJORDOME_TEST_PG is set.
var engines = []struct {
	name string
	dsn  func(testing.TB) string
}{
	{"SQLite", func(testing.TB) string { return "" }},
	{"PostgreSQL", testutil.PostgresDSN},
}

func TestLoadInProcess(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine.name, func(t *testing.T) {
			o := tiny(engine.dsn(t))
			rep, err := runLoad(context.Background(), o, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, rep, o)
			if rep.Seed.History <= 0 || rep.Seed.Index <= 0 || rep.Seed.Recent <= 0 {
				t.Errorf("seed times %+v", rep.Seed)
			}
		})
	}
}

// TestLoadTarget measures a server already running, as -target does: here one started and
// seeded in-process, reached only through its URL, token and cookie.
func TestLoadTarget(t *testing.T) {
	ctx := context.Background()
	var started Report
	var srv server
	stop, err := startInProcess(ctx, tiny(""), t.TempDir(), &started, &srv, func(string, ...any) {})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	o := tiny("")
	o.target, o.token, o.cookie, o.filters = srv.base, srv.token, srv.cookie, srv.filters
	rep, err := runLoad(ctx, o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, o)
	if rep.Target != srv.base {
		t.Errorf("target %q", rep.Target)
	}
}

// TestSeedKeepsWhatTheDeskMaintains checks the bulk seeding against what Create and Update
// leave behind: the counter past the last number, a timeline and an audit entry per request,
// and the search index exactly as the desk itself writes it.
func TestSeedKeepsWhatTheDeskMaintains(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DB: engine.dsn(t)}
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			a, err := app.Open(ctx, cfg, testutil.Quiet)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			var times seedTimes
			w, err := seed(ctx, a, 50, 300, &times)
			if err != nil {
				t.Fatal(err)
			}
			if len(w.people) < 40 || len(w.agents) != len(agentNames) || len(w.queueFilters()) == 0 {
				t.Fatalf("people %d, agents %d, filters %v", len(w.people), len(w.agents), w.queueFilters())
			}
			count := func(query string) int {
				var n int
				if err := a.DB.R.QueryRowContext(ctx, query).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			for query, want := range map[string]int{
				"SELECT COUNT(*) FROM requests":                                                300,
				"SELECT COUNT(*) FROM search_docs WHERE kind = 'request'":                      300,
				"SELECT COUNT(DISTINCT request_id) FROM request_events WHERE kind = 'created'": 300,
				"SELECT COUNT(*) FROM audit_log WHERE action = 'request.create'":               300,
				"SELECT COUNT(*) FROM requests WHERE status <> 'new' AND assignee_id IS NULL":  0,
				"SELECT COUNT(*) FROM requests WHERE status = 'closed' AND closed_at IS NULL":  0,
			} {
				if got := count(query); got != want {
					t.Errorf("%s: %d, want %d", query, got, want)
				}
			}
			if n := count("SELECT COUNT(DISTINCT status) FROM requests"); n < 3 {
				t.Errorf("only %d statuses: the history is not varied", n)
			}
			// The seeded index is the one the desk writes: rebuilding it changes nothing.
			before := indexed(t, a)
			if n, err := a.Requests.Reindex(ctx); err != nil || n != 300 {
				t.Fatalf("reindex: %d, %v", n, err)
			}
			if after := indexed(t, a); !slices.Equal(before, after) {
				for i := range min(len(before), len(after)) {
					if before[i] != after[i] {
						t.Fatalf("seeded index differs from the desk's:\nseeded %q\ndesk   %q", before[i], after[i])
					}
				}
				t.Fatalf("seeded index has %d documents, the desk's %d", len(before), len(after))
			}
			// The next request filed takes the number after the seeded ones, and is found by
			// search as the seeded ones are.
			r, err := a.Requests.Create(ctx, request.NewRequest{Title: "Fuite au plafond", RequesterEmail: w.people[0].email})
			if err != nil {
				t.Fatal(err)
			}
			if r.Number != 1301 {
				t.Errorf("created #%d after 300 seeded, want #1301", r.Number)
			}
			v := request.Viewer{UserID: w.agents[0].ID, Role: auth.Admin}
			hits, err := a.Requests.Search(ctx, v, "bonjour", 20)
			if err != nil || len(hits) == 0 {
				t.Errorf("search of the seeded requests found %d, %v", len(hits), err)
			}
		})
	}
}

// indexed reads the search index's documents: who may find them and their text.
func indexed(t *testing.T, a *app.App) []string {
	t.Helper()
	audience := "d.audience" // ' admins agents person:3 '
	if a.DB.Dialect == db.Postgres {
		audience = "array_to_string(d.audience, ' ')"
	}
	rows, err := a.DB.R.Query(`SELECT d.kind, d.ref_id, ` + audience + `, x.title, x.body
		FROM search_docs d JOIN search_text x ON x.id = d.id ORDER BY d.kind, d.ref_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var kind, audience, title, body string
		var id int64
		if err := rows.Scan(&kind, &id, &audience, &title, &body); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %d [%s] %s | %s", kind, id, audience, title, body))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTargetMustBeLocal(t *testing.T) {
	o := tiny("")
	o.target, o.token, o.cookie = "http://192.0.2.10:8080", "mjd_x", "x"
	var srv server
	if err := reachTarget(context.Background(), o, &srv); err == nil || !strings.Contains(err.Error(), "allow-remote") {
		t.Errorf("a remote target was accepted: %v", err)
	}
	if _, err := parseOptions([]string{"-target", "http://127.0.0.1:1"}, io.Discard); err == nil {
		t.Error("-target without -token and -cookie was accepted")
	}
	if _, err := parseOptions([]string{"-requests", "0"}, io.Discard); err == nil {
		t.Error("-requests 0 was accepted")
	}
}

// TestMeasureStopsInTime checks that a phase slower than its time limit ends with the
// operations done so far, and says so.
func TestMeasureStopsInTime(t *testing.T) {
	slow := func(ctx context.Context, _ *http.Client, i int) (int, []byte, error) {
		time.Sleep(5 * time.Millisecond)
		return http.StatusOK, nil, nil
	}
	res := measure(context.Background(), nil, "slow", 10_000, 5, 2, 100*time.Millisecond, slow, nil)
	if !res.TimedOut || res.N == 0 || res.N >= res.Planned || res.Errors != 0 {
		t.Errorf("%+v", res)
	}
	failing := func(ctx context.Context, _ *http.Client, i int) (int, []byte, error) {
		return http.StatusInternalServerError, []byte("boom"), nil
	}
	res = measure(context.Background(), nil, "failing", 10, 0, 2, time.Minute, failing, nil)
	if res.Errors != 10 || !strings.Contains(res.FirstError, "status 500") || res.TimedOut {
		t.Errorf("%+v", res)
	}
}
