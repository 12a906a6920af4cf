package slackbot

import (
	"context"
	"testing"

	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// The Slack notification channel is ready only with a bot token, and a token saved on this
// instance counts at once despite the cache.
func TestSlackChannelReadyWithABotToken(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		fake := slackfake.New(t)
		p := newPlatformWith(t, d, nil, fake, config.Slack{APIURL: fake.URL, Command: "/om"})
		ctx := context.Background()
		ch := p.Channel()
		if ch.Ready(ctx) {
			t.Fatal("ready without a bot token")
		}
		if err := p.Store().Save(ctx, SettingsInput{BotToken: testBotToken, UnknownUsers: UnknownCreate}); err != nil {
			t.Fatal(err)
		}
		if !ch.Ready(ctx) {
			t.Fatal("not ready once a bot token is saved")
		}
		if err := p.Store().Save(ctx, SettingsInput{ClearBot: true, UnknownUsers: UnknownCreate}); err != nil {
			t.Fatal(err)
		}
		if ch.Ready(ctx) {
			t.Fatal("still ready once the bot token is removed")
		}
	})
}
