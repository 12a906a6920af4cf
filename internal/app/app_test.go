package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"majordome/internal/app"
	"majordome/internal/config"
	"majordome/internal/testutil"
)

func open(t *testing.T, dsn string) *app.App {
	t.Helper()
	dir := t.TempDir()
	if dsn == "" {
		dsn = filepath.Join(dir, "majordome.db")
	}
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, DB: dsn}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, testutil.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestOperations(t *testing.T) {
	for name, dsn := range map[string]func(*testing.T) string{
		"SQLite":     func(*testing.T) string { return "" },
		"PostgreSQL": func(t *testing.T) string { return testutil.PostgresDSN(t) },
	} {
		t.Run(name, func(t *testing.T) {
			a := open(t, dsn(t))
			res, body := get(t, a.Handler, "/healthz")
			if res.StatusCode != 200 || !strings.Contains(body, `"status":"ok"`) {
				t.Fatalf("healthz: %d %s", res.StatusCode, body)
			}
			if res.Header.Get("X-Request-Id") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("headers: %v", res.Header)
			}
			get(t, a.Handler, "/signin")
			_, metrics := get(t, a.Handler, "/metrics")
			if !strings.Contains(metrics, `majordome_http_requests_total{code="2xx",method="GET",route="GET /signin"} 1`) {
				t.Fatalf("metrics do not count the sign-in page:\n%s", metrics)
			}
			if !strings.Contains(metrics, `majordome_jobs{state="dead"} 0`) {
				t.Fatalf("metrics do not report the job queue:\n%s", metrics)
			}
			a.DB.Close()
			if res, _ := get(t, a.Handler, "/healthz"); res.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("healthz with the database closed: %d", res.StatusCode)
			}
		})
	}
}

func TestStaticAssetsAreFingerprinted(t *testing.T) {
	a := open(t, "")
	_, page := get(t, a.Handler, "/signin")
	m := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no fingerprinted stylesheet in the sign-in page")
	}
	res, css := get(t, a.Handler, m[1])
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.Contains(res.Header.Get("Content-Type"), "text/css") || len(css) < 1000 {
		t.Fatalf("stylesheet: %d %v", res.StatusCode, res.Header)
	}
	if res, _ := get(t, a.Handler, "/static/app.0000000000.css"); res.StatusCode != 404 {
		t.Fatalf("a stale fingerprint must 404, got %d", res.StatusCode)
	}
}
