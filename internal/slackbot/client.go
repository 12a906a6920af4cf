package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"majordome/internal/jobs"
)

// The Web API client: one function, apiCall, for every method, so that rate limits, Retry-After
// and error classes are handled in one place. slack-go's Client is used for Socket Mode only:
// its methods cannot be told apart from our own retries and it knows no shared rate limits.

// APIError is Slack's answer {"ok": false, "error": Code}.
type APIError struct {
	Method string
	Code   string
}

func (e *APIError) Error() string { return fmt.Sprintf("slack %s: %s", e.Method, e.Code) }

// retryable reports whether trying again later may succeed: Slack's own trouble, or a token an
// admin may fix; not a bad request.
func (e *APIError) retryable() bool {
	switch e.Code {
	case "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
		"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "team_access_not_granted":
		return true
	}
	return false
}

// HTTPError is an answer other than 200 (a 429, a 5xx…), with its Retry-After when given.
// Only a 429's Retry-After is obeyed (see api).
type HTTPError struct {
	Method     string
	Status     int
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("slack %s: HTTP %d", e.Method, e.Status)
}

// permanent reports whether err is a refusal that retrying will not change.
func permanent(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && !ae.retryable()
}

// formMethods take form parameters (they do not accept JSON bodies).
var formMethods = map[string]bool{
	"auth.test": true, "users.info": true, "users.lookupByEmail": true, "conversations.history": true,
	"conversations.replies": true, "chat.getPermalink": true, "files.info": true,
}

// rateIntervals space the calls of each method by Slack's tiers (tier 2: 20/min, tier 3:
// 50/min, tier 4: 100/min); chat.postMessage is limited per channel, about one a second.
var rateIntervals = map[string]time.Duration{
	"chat.postMessage":      time.Second,
	"chat.update":           1200 * time.Millisecond,
	"chat.postEphemeral":    600 * time.Millisecond,
	"chat.getPermalink":     600 * time.Millisecond,
	"conversations.open":    1200 * time.Millisecond,
	"conversations.history": 1200 * time.Millisecond,
	"conversations.replies": 1200 * time.Millisecond,
	"users.info":            600 * time.Millisecond,
	"users.lookupByEmail":   1200 * time.Millisecond,
	"views.open":            600 * time.Millisecond,
	"views.publish":         600 * time.Millisecond,
	"views.update":          600 * time.Millisecond,
	"views.push":            600 * time.Millisecond,
	"auth.test":             600 * time.Millisecond,
	"files.info":            600 * time.Millisecond,
}

// bucketOf names the rate-limit bucket of a call.
func bucketOf(method, channel string) (string, time.Duration) {
	iv, ok := rateIntervals[method]
	if !ok {
		iv = 3 * time.Second // an unknown method: assume tier 2
	}
	if method == "chat.postMessage" && channel != "" {
		return method + ":" + channel, iv
	}
	return method, iv
}

// api calls method with params, waiting its turn in the method's rate limit, and decodes the
// answer into out (may be nil). A 429 pushes the method's next slot for every instance and
// returns a jobs.RetryAfter error; other failures are *HTTPError or *APIError.
func (a *App) api(ctx context.Context, token, method string, params map[string]any, out any) error {
	if token == "" {
		return ErrNotConfigured
	}
	channel, _ := params["channel"].(string)
	bucket, iv := bucketOf(method, channel)
	if err := a.throttle(ctx, bucket, iv); err != nil {
		return err
	}
	err := a.do(ctx, token, method, params, out)
	var he *HTTPError
	if errors.As(err, &he) && he.Status == http.StatusTooManyRequests {
		a.push(ctx, bucket, a.now().Add(he.RetryAfter))
		return jobs.RetryAfter(he.RetryAfter, err)
	}
	// Anything else (a 5xx, a network error) retries after the queue's backoff, which grows
	// to an hour: a Retry-After of a second on each 503 would spend every attempt of a message
	// within a minute of an outage.
	return err
}

// do is one HTTP exchange with the Web API.
func (a *App) do(ctx context.Context, token, method string, params map[string]any, out any) error {
	var body io.Reader
	var ctype string
	if formMethods[method] {
		v := url.Values{}
		for k, p := range params {
			switch p := p.(type) {
			case string:
				v.Set(k, p)
			case bool, int, int64, float64:
				v.Set(k, fmt.Sprint(p))
			default:
				b, err := json.Marshal(p)
				if err != nil {
					return fmt.Errorf("slack %s: %s: %w", method, k, err)
				}
				v.Set(k, string(b))
			}
		}
		body, ctype = strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
	} else {
		b, err := json.Marshal(params)
		if err != nil {
			return fmt.Errorf("slack %s: %w", method, err)
		}
		body, ctype = bytes.NewReader(b), "application/json; charset=utf-8"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.Config.Slack.APIURL+method, body)
	if err != nil {
		return fmt.Errorf("slack %s: %w", method, err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("slack %s: %w", method, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("slack %s: %w", method, err)
	}
	if resp.StatusCode != http.StatusOK {
		he := &HTTPError{Method: method, Status: resp.StatusCode}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
			he.RetryAfter = max(time.Duration(s)*time.Second, time.Second)
		} else if resp.StatusCode == http.StatusTooManyRequests {
			he.RetryAfter = time.Minute
		}
		return he
	}
	var head struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return fmt.Errorf("slack %s: answer: %w", method, err)
	}
	if !head.OK {
		return &APIError{Method: method, Code: head.Error}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("slack %s: answer: %w", method, err)
		}
	}
	return nil
}

// maxInlineWait is how long a job waits for its rate-limit slot before giving the worker back.
const maxInlineWait = 5 * time.Second

// throttle waits for the next slot of bucket, one call per interval across every instance. A
// wait longer than maxInlineWait returns a jobs.RetryAfter error instead.
func (a *App) throttle(ctx context.Context, bucket string, interval time.Duration) error {
	for {
		now := a.now()
		if _, err := a.DB.W.ExecContext(ctx, a.q.Get("rate-ensure"), bucket, now); err != nil {
			return fmt.Errorf("slackbot: rate limit: %w", err)
		}
		res, err := a.DB.W.ExecContext(ctx, a.q.Get("rate-take"), bucket, now, now.Add(interval))
		if err != nil {
			return fmt.Errorf("slackbot: rate limit: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var next time.Time
		if err := a.DB.R.QueryRowContext(ctx, a.q.Get("rate-next"), bucket).Scan(&next); err != nil {
			return fmt.Errorf("slackbot: rate limit: %w", err)
		}
		wait := next.Sub(now)
		if wait <= 0 {
			continue // freed meanwhile
		}
		if wait > maxInlineWait {
			return jobs.RetryAfter(wait, fmt.Errorf("slackbot: %s rate-limited for %s", bucket, wait.Round(time.Second)))
		}
		if err := a.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// push delays the bucket's next slot to at (Slack's Retry-After), for every instance.
func (a *App) push(ctx context.Context, bucket string, at time.Time) {
	if _, err := a.DB.W.ExecContext(ctx, a.q.Get("rate-push"), bucket, at); err != nil {
		a.Log.Warn("slack rate limit not recorded", "bucket", bucket, "err", err)
	}
}

// definite reports whether err says for sure that Slack did nothing: it refused the call
// (ok: false) or limited it (429). A network error, a timeout or a 5xx leaves it uncertain.
func definite(err error) bool {
	var ae *APIError
	var he *HTTPError
	return errors.As(err, &ae) || errors.As(err, &he) && he.Status == http.StatusTooManyRequests
}
