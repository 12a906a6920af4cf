package httpx

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestClientIP(t *testing.T) {
	for _, tc := range []struct{ remote, fwd, want string }{
		{"203.0.113.7:5000", "", "203.0.113.7"},
		{"203.0.113.7:5000", "198.51.100.1", "203.0.113.7"}, // a public peer cannot claim another address
		{"127.0.0.1:5000", "198.51.100.1, 10.0.0.2", "198.51.100.1"},
		{"10.0.0.5:5000", "not-an-ip", "10.0.0.5"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.fwd != "" {
			r.Header.Set("X-Forwarded-For", tc.fwd)
		}
		if got := ClientIP(r); got != tc.want {
			t.Errorf("%s via %q: %s, want %s", tc.remote, tc.fwd, got, tc.want)
		}
	}
}

func TestProblem(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteProblem(rec, Problem{Status: 422, Errors: []ProblemField{{Field: "email", Code: "email_invalid", Message: "…"}}})
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 422 || rec.Header().Get("Content-Type") != "application/problem+json" || p.Type != "about:blank" ||
		p.Title != "Unprocessable Entity" || p.Errors[0].Field != "email" {
		t.Fatalf("%d %v %+v", rec.Code, rec.Header(), p)
	}
}

func TestObserveRecoversAndCounts(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := Observe(slog.New(slog.NewTextHandler(io.Discard, nil)), NewMetrics(reg), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if RequestID(r.Context()) == "" {
			t.Error("no request id in the context")
		}
		panic("boom")
	}))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("X-Request-Id", "abc123")
	h.ServeHTTP(rec, req)
	if rec.Code != 500 || rec.Header().Get("X-Request-Id") != "abc123" || rec.Header().Get("Content-Security-Policy") == "" {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	mfs, _ := reg.Gather()
	if len(mfs) == 0 {
		t.Fatal("no metrics recorded")
	}
}
