package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// newClient is the HTTP client of every measurement, floor and product alike: keep-alive
// connections over loopback TCP, one per worker, no redirects followed (a redirect to the
// sign-in page is a failure, not a page).
func newClient(concurrency int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        2 * concurrency,
			MaxIdleConnsPerHost: 2 * concurrency,
			IdleConnTimeout:     90 * time.Second,
		},
		Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// call is one operation of a measurement, numbered from 0: it sends its request and returns
// the response's status and body.
type call func(ctx context.Context, c *http.Client, i int) (status int, body []byte, err error)

// Result is one measured operation: how many ran, how long they took and how many failed.
type Result struct {
	Name       string  `json:"name"`
	N          int     `json:"n"`       // measured
	Planned    int     `json:"planned"` // asked for: more than N when the phase ran out of time
	TimedOut   bool    `json:"timed_out"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	Seconds    float64 `json:"seconds"`
	PerSecond  float64 `json:"per_second"`
	P50ms      float64 `json:"p50_ms"`
	P90ms      float64 `json:"p90_ms"`
	P99ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
}

// measure sends n operations of do from concurrency workers, after warmup operations that are not
// counted, and measures them. An operation fails on a transport error or any status outside
// 2xx; check, when given, may fail it too (it sees the warm-up responses only, so that
// checking costs no time in the measured part). The measured operations stop being sent after
// limit, and the warm-up after a quarter of it, so that a slow server cannot keep the run going
// for hours: the result then says how many were measured.
func measure(ctx context.Context, c *http.Client, name string, n, warmup, concurrency int, limit time.Duration,
	do call, check func(i int, body []byte) error) Result {
	res := Result{Name: name, Planned: n}
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		res.Errors++
		if res.FirstError == "" {
			res.FirstError = err.Error()
		}
	}
	one := func(i int, measured bool) time.Duration {
		start := time.Now()
		status, body, err := do(ctx, c, i)
		took := time.Since(start)
		switch {
		case err != nil:
			fail(err)
		case status < 200 || status > 299:
			fail(fmt.Errorf("%s: status %d: %.200s", name, status, body))
		case !measured && check != nil:
			if err := check(i, body); err != nil {
				fail(fmt.Errorf("%s: %w", name, err))
			}
		}
		return took
	}
	// phase runs operations from, from+1… and returns the durations of those it ran, in order.
	phase := func(from, count int, limit time.Duration, measured bool) []time.Duration {
		took := make([]time.Duration, count)
		deadline := time.Now().Add(limit)
		var next, done atomic.Int64
		var wg sync.WaitGroup
		for range min(concurrency, max(count, 1)) {
			wg.Go(func() {
				for ctx.Err() == nil && time.Now().Before(deadline) {
					k := int(next.Add(1)) - 1
					if k >= count {
						return
					}
					took[k] = one(from+k, measured)
					done.Add(1)
				}
			})
		}
		wg.Wait()
		// Operations are claimed in order, and every claimed one finishes.
		return took[:done.Load()]
	}
	phase(0, warmup, limit/4, false)
	start := time.Now()
	took := phase(warmup, n, limit, true)
	wall := time.Since(start)
	n = len(took)
	res.N, res.TimedOut = n, n < res.Planned && ctx.Err() == nil
	res.Seconds = wall.Seconds()
	if wall > 0 {
		res.PerSecond = float64(n) / wall.Seconds()
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	if n > 0 {
		res.P50ms, res.P90ms = ms(took[n*50/100]), ms(took[n*90/100])
		res.P99ms, res.MaxMs = ms(took[min(n*99/100, n-1)]), ms(took[n-1])
	}
	return res
}

// send performs req and reads the whole body, as a browser or an API client would.
func send(c *http.Client, req *http.Request) (int, []byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// warmupOf is how many operations warm a measurement of n up: a tenth, between 20 and 500.
func warmupOf(n int) int { return min(max(n/10, 20), 500) }
