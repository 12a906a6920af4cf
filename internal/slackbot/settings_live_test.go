package slackbot

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// An app built with no bot token declines what reaches it (the endpoints answer 503, the
// notification channel and the desk observer queue nothing), and works as soon as a token is
// saved, with no new App.
func TestSlackNotSetUpThenSavedTakesEffectAtOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		fake := slackfake.New(t)
		p := newPlatformWith(t, d, nil, fake, config.Slack{APIURL: fake.URL, Command: "/om"})
		ctx := context.Background()
		zp, err := p.People.Create(ctx, people.Input{FirstName: "Zoé", LastName: "Thomas", Email: "zoe@exemple.fr"})
		if err != nil {
			t.Fatal(err)
		}
		fake.AddUser(slackfake.User{ID: zoe, Email: "zoe@exemple.fr", Name: "Zoé Thomas"})
		command := fixture(t, "slash-command.txt")
		deliver := func(id int64) {
			t.Helper()
			err := p.Channel().Deliver(ctx, notify.Delivery{Notification: notify.Notification{ID: id, PersonID: zp.ID,
				Kind: "request.assigned", Link: "/requests/1", To: notify.Recipient{Email: zp.Email, Lang: "fr"}}, Title: "Assignée"})
			if err != nil {
				t.Fatal(err)
			}
		}

		w := p.send(t, "/slack/commands", command, testSecret, 0, nil)
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "not set up") {
			t.Fatalf("a command before Slack is set up: %d %q, want 503 saying so", w.Code, w.Body)
		}
		// A triage channel alone does not turn the app on.
		if err := p.Store().Save(ctx, SettingsInput{TriageChannel: "C0OFFICE01", UnknownUsers: UnknownCreate}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Desk.Create(ctx, request.NewRequest{Title: "Badge perdu", RequesterEmail: zp.Email, Channel: request.Web}); err != nil {
			t.Fatal(err)
		}
		deliver(1)
		if n := len(p.pending(t, JobPost)); n != 0 {
			t.Fatalf("%d Slack posts queued while no bot token is set", n)
		}

		if err := p.Store().Save(ctx, SettingsInput{BotToken: testBotToken, SigningSecret: testSecret,
			TriageChannel: "C0OFFICE01", UnknownUsers: UnknownCreate}); err != nil {
			t.Fatal(err)
		}
		if w := p.send(t, "/slack/commands", command, testSecret, 0, nil); w.Code != http.StatusOK {
			t.Fatalf("a command once the token is saved: %d %q", w.Code, w.Body)
		}
		if n := len(p.pending(t, JobInbound)); n != 1 {
			t.Fatalf("%d inbound jobs, want the command's", n)
		}
		if _, err := p.Desk.Create(ctx, request.NewRequest{Title: "Plus de café", RequesterEmail: zp.Email, Channel: request.Web}); err != nil {
			t.Fatal(err)
		}
		deliver(2)
		p.workOK(t, JobPost)
		posted := fake.Posted()
		if posted["notify:2"] != 1 || posted["notify:1"] != 0 {
			t.Errorf("notifications posted: %v, want notify:2 only", posted)
		}
		triage := 0
		for _, m := range fake.Messages() {
			if m.Channel == "C0OFFICE01" {
				triage++
			}
		}
		if triage != 1 {
			t.Errorf("%d messages in the triage channel, want the request filed after the token was saved", triage)
		}
	})
}

// Socket Mode follows the settings on every instance: it connects when an app token is saved
// (on either instance), reconnects with a new one, and disconnects when it is removed.
func TestSocketModeFollowsTheSettings(t *testing.T) {
	testutil.EachSharedDB(t, func(t *testing.T, d1, d2 *db.DB) {
		fake := slackfake.New(t)
		cfg := config.Slack{APIURL: fake.URL, Command: "/om"}
		p1 := newPlatformWith(t, d1, nil, fake, cfg)
		p2 := newPlatformWith(t, d2, nil, fake, cfg)
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		defer wg.Wait()
		defer stop()
		for _, p := range []*platform{p1, p2} {
			p.socketLease, p.socketPoll = 300*time.Millisecond, 20*time.Millisecond
			wg.Add(1)
			go func() { defer wg.Done(); p.RunSocket(ctx) }()
		}
		save := func(p *platform, in SettingsInput) {
			t.Helper()
			in.UnknownUsers = UnknownCreate
			if err := p.Store().Save(context.Background(), in); err != nil {
				t.Fatal(err)
			}
		}
		opened := func() []string {
			var tokens []string
			for _, c := range fake.Calls("apps.connections.open") {
				tokens = append(tokens, c.Token)
			}
			return tokens
		}

		save(p1, SettingsInput{BotToken: testBotToken, AppToken: "xapp-1-first"})
		eventually(t, "a socket once the app token is saved", func() bool { return fake.Connected() == 1 })

		save(p2, SettingsInput{AppToken: "xapp-1-rotated"})
		eventually(t, "a socket with the new app token", func() bool {
			tokens := opened()
			return fake.Connected() == 1 && len(tokens) > 0 && tokens[len(tokens)-1] == "xapp-1-rotated"
		})
		if fake.Opened() != 2 {
			t.Errorf("%d websockets opened, want the first and the new one", fake.Opened())
		}

		save(p1, SettingsInput{ClearApp: true})
		eventually(t, "the socket to close once the app token is removed", func() bool { return fake.Connected() == 0 })
		save(p2, SettingsInput{AppToken: "xapp-1-again"})
		eventually(t, "a socket again", func() bool { return fake.Connected() == 1 })
	})
}
