package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"majordome/internal/app"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// newSlackEnv is newEnv with Slack settings in the environment.
func newSlackEnv(t *testing.T, slack config.Slack) *env {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, DB: testutil.SQLiteFile(t), Slack: slack}
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

func TestSlackSettingsPage(t *testing.T) {
	fake := slackfake.New(t)
	e := newSlackEnv(t, config.Slack{APIURL: fake.URL})
	admin := e.signInAs(auth.Admin)

	page := admin.get("/settings/slack")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Non connecté") ||
		!strings.Contains(page.Body, "From a manifest") || !strings.Contains(page.Body, "/slack/events") ||
		!strings.Contains(page.Body, `href="/settings/slack"`) {
		t.Fatalf("page: %d\n%s", page.StatusCode, page.Body)
	}
	manifest := admin.get("/settings/slack/manifest.json")
	if manifest.StatusCode != 200 || !strings.Contains(manifest.Body, `"users:read.email"`) ||
		!strings.Contains(manifest.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("manifest: %d %s", manifest.StatusCode, manifest.Body)
	}

	// A bad token is refused with what to fix, and not shown back.
	res := admin.post("/settings/slack", url.Values{"bot_token": {"abcd-1234"}, "unknown_users": {"create"}, "triage_channel": {"C0OFFICE01"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "xoxb-") || strings.Contains(res.Body, "abcd-1234") ||
		!strings.Contains(res.Body, `value="C0OFFICE01"`) {
		t.Fatalf("bad token: %d\n%s", res.StatusCode, res.Body)
	}

	token := "xoxb-1234567890-secretpart-Zz9Y"
	res = admin.post("/settings/slack", url.Values{"bot_token": {token}, "signing_secret": {"0123456789abcdef0123"},
		"unknown_users": {"refuse"}, "triage_channel": {"C0OFFICE01"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, res.Body)
	}
	page = admin.get("/settings/slack")
	for _, want := range []string{"xoxb-…Zz9Y", "espace « Exemple » en tant que majordome", "Connecté", `value="C0OFFICE01"`, `value="refuse" selected`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, token) || strings.Contains(page.Body, "0123456789abcdef0123") {
		t.Error("a secret is shown in full")
	}
	if strings.Contains(page.Body, "Redémarrez") {
		t.Error("the page asks for a restart: saved settings apply at once")
	}
	// Saving without the secrets keeps them; clearing removes one.
	admin.post("/settings/slack", url.Values{"unknown_users": {"create"}, "clear_signing_secret": {"1"}})
	page = admin.get("/settings/slack")
	if !strings.Contains(page.Body, "xoxb-…Zz9Y") || strings.Contains(page.Body, "…0123") {
		t.Errorf("after saving without secrets:\n%s", page.Body)
	}

	// The audit log keeps the change, masked.
	audit := admin.get("/settings/audit")
	if strings.Contains(audit.Body, token) {
		t.Error("the audit log shows the token")
	}

	agent := e.signInAs(auth.Agent)
	if res := agent.get("/settings/slack"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an agent got %d", res.StatusCode)
	}
}

func TestSlackSettingsFromTheEnvironment(t *testing.T) {
	fake := slackfake.New(t)
	e := newSlackEnv(t, config.Slack{APIURL: fake.URL, BotToken: "xoxb-env-token-AbCd", SigningSecret: "env-secret-0000"})
	admin := e.signInAs(auth.Admin)
	page := admin.get("/settings/slack")
	for _, want := range []string{"Connecté", "MAJORDOME_SLACK_BOT_TOKEN", "xoxb-…AbCd", "readonly"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "Redémarrez") || strings.Contains(page.Body, "xoxb-env-token-AbCd") {
		t.Errorf("restart notice or full token shown:\n%s", page.Body)
	}
	// The endpoints are mounted outside the session and CSRF middleware.
	res, err := http.Post(e.URL+"/slack/events", "application/json", strings.NewReader(`{"type":"url_verification","challenge":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("an unsigned event: %d, want 401", res.StatusCode)
	}
}
