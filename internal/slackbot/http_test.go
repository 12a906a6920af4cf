package slackbot

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"majordome/internal/db"
	"majordome/internal/testutil"
)

// send posts body to path of the app, signed at the app's time plus skew (or with secret).
func (p *platform) send(t *testing.T, path string, body []byte, secret string, skew time.Duration, extra http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	for k, v := range Sign(secret, body, p.now().Add(skew)) {
		req.Header[k] = v
	}
	for k, v := range extra {
		req.Header[k] = v
	}
	if strings.HasSuffix(path, "events") {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	w := httptest.NewRecorder()
	p.Handler().ServeHTTP(w, req)
	return w
}

func TestSlackEndpointsVerifyAndQueueOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		p := newPlatform(t, d, nil)

		// The handshake Slack makes when the events URL is saved.
		w := p.send(t, "/slack/events", fixture(t, "url-verification.json"), testSecret, 0, nil)
		if w.Code != 200 || w.Body.String() != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
			t.Fatalf("url_verification: %d %q", w.Code, w.Body)
		}

		event := fixture(t, "event-message-im.json")
		for _, tt := range []struct {
			name   string
			secret string
			skew   time.Duration
		}{
			{"bad signature", "not-the-secret", 0},
			{"stale timestamp", testSecret, -6 * time.Minute},
			{"future timestamp", testSecret, 6 * time.Minute},
		} {
			for _, path := range []string{"/slack/events", "/slack/commands", "/slack/interactions"} {
				if w := p.send(t, path, event, tt.secret, tt.skew, nil); w.Code != http.StatusUnauthorized {
					t.Errorf("%s on %s: %d, want 401", tt.name, path, w.Code)
				}
			}
		}
		if n := len(p.pending(t, JobInbound)); n != 0 {
			t.Fatalf("refused requests queued %d jobs", n)
		}

		// The event, then Slack's retry of it, then a replay of the same body: one job.
		if w := p.send(t, "/slack/events", event, testSecret, 0, nil); w.Code != 200 {
			t.Fatalf("event: %d %s", w.Code, w.Body)
		}
		if w := p.send(t, "/slack/events", event, testSecret, 0, http.Header{"X-Slack-Retry-Num": {"1"}, "X-Slack-Retry-Reason": {"http_timeout"}}); w.Code != 200 {
			t.Fatalf("retried event: %d", w.Code)
		}
		p.workOK(t, JobInbound)
		p.clock.advance(time.Minute)
		if w := p.send(t, "/slack/events", event, testSecret, 0, nil); w.Code != 200 {
			t.Fatalf("replayed event: %d", w.Code)
		}
		p.workOK(t, JobInbound)
		if ev, _, _ := p.got.counts(); ev != 1 {
			t.Fatalf("the event was processed %d times, want 1", ev)
		}
		if got := p.got.events[0].InnerEvent.Type; got != "message" {
			t.Errorf("event type %q", got)
		}

		// The slash command: answered at once with the flows' acknowledgement, queued once.
		cmd := fixture(t, "slash-command.txt")
		for range 2 {
			w := p.send(t, "/slack/commands", cmd, testSecret, 0, nil)
			if w.Code != 200 || !strings.Contains(w.Body.String(), `"response_type":"ephemeral"`) || !strings.Contains(w.Body.String(), "noté") {
				t.Fatalf("command: %d %s", w.Code, w.Body)
			}
		}
		p.workOK(t, JobInbound)
		if _, c, _ := p.got.counts(); c != 1 {
			t.Fatalf("the command was processed %d times, want 1", c)
		}
		if c := p.got.commands[0]; c.Command != "/om" || c.UserID != "U0HELENE01" || c.Text != "Plus d'eau chaude au 3ème étage" {
			t.Errorf("command = %+v", c)
		}

		// Interactions: a click and a shortcut, each once.
		for _, f := range []string{"block-actions.txt", "message-shortcut.txt", "block-actions.txt"} {
			if w := p.send(t, "/slack/interactions", fixture(t, f), testSecret, 0, nil); w.Code != 200 {
				t.Fatalf("%s: %d %s", f, w.Code, w.Body)
			}
		}
		p.workOK(t, JobInbound)
		if _, _, n := p.got.counts(); n != 2 {
			t.Fatalf("interactions processed %d, want 2", n)
		}
		if got := p.got.interactions[0].ActionCallback.BlockActions[0].ActionID; got != "request_take" {
			t.Errorf("action %q", got)
		}
	})
}

func TestSlackViewSubmissionErrorsAnsweredAtOnce(t *testing.T) {
	p := newPlatform(t, testutil.SQLite(t), nil)
	p.in.submission = func(_ context.Context, cb slack.InteractionCallback) *slack.ViewSubmissionResponse {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{"title": "Trop court"})
	}
	w := p.send(t, "/slack/interactions", fixture(t, "view-submission.txt"), testSecret, 0, nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"response_action":"errors"`) {
		t.Fatalf("answer: %d %s", w.Code, w.Body)
	}
	if n := len(p.pending(t, JobInbound)); n != 0 {
		t.Errorf("a refused submission was queued (%d jobs)", n)
	}
}
