package web_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// Réglages → Slack shows the Socket Mode connection itself, not only the bot token's state:
// waiting while no instance holds it, then connected, by which instance and since when.
func TestSlackSettingsShowSocketModeState(t *testing.T) {
	fake := slackfake.New(t)
	e := newSlackEnv(t, config.Slack{APIURL: fake.URL, BotToken: "xoxb-env-token-AbCd", AppToken: "xapp-1-env-EfGh"})
	admin := e.signInAs(auth.Admin)

	page := admin.get("/settings/slack")
	if !strings.Contains(page.Body, "Socket Mode : en attente") {
		t.Fatalf("before any connection, the page lacks the waiting state:\n%s", page.Body)
	}

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); e.App.Slack.RunSocket(ctx) }()
	defer wg.Wait()
	defer stop()
	testutil.Eventually(t, "the socket", func() bool { return fake.Connected() == 1 })
	connected := regexp.MustCompile(`Socket Mode : connecté \(instance [^ ,]+-[0-9a-f]{8}, depuis [0-9/ ]*[0-9]{2}:[0-9]{2}\)`)
	testutil.Eventually(t, "the page to show the connection", func() bool {
		return connected.MatchString(admin.get("/settings/slack").Body)
	})

	stop()
	wg.Wait()
	if page := admin.get("/settings/slack"); !strings.Contains(page.Body, "Socket Mode : en attente") {
		t.Errorf("once the instance let the connection go, the page lacks the waiting state:\n%s", page.Body)
	}
}
