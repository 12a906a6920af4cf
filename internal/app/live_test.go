package app_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"majordome/internal/app"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/mailout"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/slackbot"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

const liveSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// instance is an App serving on a port of its own, as `majordome serve` runs it.
type instance struct {
	*app.App
	url string
}

// serve opens an App on dsn and serves it (HTTP and the background work) until the test ends.
func serve(t *testing.T, dsn string, slackAPI string) *instance {
	t.Helper()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DB: dsn, BaseURL: "https://majordome.exemple.fr",
		Slack: config.Slack{APIURL: slackAPI, Command: "/om"}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, testutil.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := a.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return &instance{App: a, url: "http://" + ln.Addr().String()}
}

// command sends a signed "/om text" to the instance's Slack endpoint.
func (in *instance) command(t *testing.T, trigger, text string) (int, string) {
	t.Helper()
	body := url.Values{"command": {"/om"}, "text": {text}, "user_id": {"U0HELENE01"}, "user_name": {"helene.bernard"},
		"channel_id": {"C0GENERAL1"}, "team_id": {"T0EXEMPLE"}, "trigger_id": {trigger}}.Encode()
	req, err := http.NewRequest(http.MethodPost, in.url+"/slack/commands", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range slackbot.Sign(liveSecret, []byte(body), in.Requests.Now()) {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// titles lists the requests' titles.
func titles(t *testing.T, d *db.DB) []string {
	t.Helper()
	out, err := db.Column[string](context.Background(), d.R, "SELECT title FROM requests ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mailSink is a real SMTP server that keeps the recipients of what it is sent.
type mailSink struct {
	mu sync.Mutex
	to []string
}

func startSink(t *testing.T) (*mailSink, string) {
	t.Helper()
	s := &mailSink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }))
	srv.Domain = "sink.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s, "smtp://" + ln.Addr().String()
}

func (s *mailSink) got(address string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, to := range s.to {
		if strings.EqualFold(to, address) {
			n++
		}
	}
	return n
}

type sinkSession struct {
	s  *mailSink
	to []string
}

func (x *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}
func (x *sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.to = append(x.s.to, x.to...)
	return nil
}
func (x *sinkSession) Reset()        { x.to = nil }
func (x *sinkSession) Logout() error { return nil }

// TestSettingsTakeEffectWithoutRestart runs two instances on one database, both started with
// neither Slack nor email set up. Settings saved on the first take effect at once on both:
// a signed slash command is filed, Socket Mode connects and disconnects, and an agent's reply
// is emailed to the requester through a relay.
func TestSettingsTakeEffectWithoutRestart(t *testing.T) {
	for name, dsn := range map[string]func(*testing.T) string{
		"SQLite":     func(t *testing.T) string { return filepath.Join(t.TempDir(), "majordome.db") },
		"PostgreSQL": func(t *testing.T) string { return testutil.PostgresDSN(t) },
	} {
		t.Run(name, func(t *testing.T) {
			dsn := dsn(t)
			fake := slackfake.New(t)
			fake.AddUser(slackfake.User{ID: "U0HELENE01", Email: "helene.bernard@exemple.fr", Name: "Hélène Bernard"})
			one := serve(t, dsn, fake.URL)
			two := serve(t, dsn, fake.URL)
			ctx := audit.WithActor(context.Background(), audit.Actor{Kind: "system", Name: "test"})
			if _, err := one.People.Create(ctx, people.Input{FirstName: "Hélène", LastName: "Bernard", Email: "helene.bernard@exemple.fr"}); err != nil {
				t.Fatal(err)
			}

			// Slack, over HTTP.
			if code, body := one.command(t, "1.before", "Plus de café"); code != http.StatusServiceUnavailable || !strings.Contains(body, "not set up") {
				t.Fatalf("a command before Slack is set up: %d %q", code, body)
			}
			err := one.Slack.Store().Save(ctx, slackbot.SettingsInput{BotToken: "xoxb-test-token", SigningSecret: liveSecret,
				UnknownUsers: slackbot.UnknownCreate})
			if err != nil {
				t.Fatal(err)
			}
			for i, in := range []*instance{one, two} {
				title := []string{"Plus de café", "Plus de thé"}[i]
				if code, body := in.command(t, "1.after."+title, title); code != http.StatusOK {
					t.Fatalf("instance %d: a command once the token is saved: %d %q", i+1, code, body)
				}
				testutil.Eventually(t, "the command on instance "+title+" filed", func() bool {
					got := titles(t, one.DB)
					return len(got) == i+1 && got[i] == title
				})
			}
			testutil.Eventually(t, "Hélène's DM threads", func() bool {
				n := 0
				for _, m := range fake.Messages() {
					if m.Channel == "D0HELENE01" {
						n++
					}
				}
				return n >= 2
			})

			// Slack, over Socket Mode: saved on one instance, removed on the other.
			err = one.Slack.Store().Save(ctx, slackbot.SettingsInput{AppToken: "xapp-1-live", UnknownUsers: slackbot.UnknownCreate})
			if err != nil {
				t.Fatal(err)
			}
			testutil.Eventually(t, "a Socket Mode connection", func() bool { return fake.Connected() == 1 })
			err = two.Slack.Store().Save(ctx, slackbot.SettingsInput{ClearApp: true, UnknownUsers: slackbot.UnknownCreate})
			if err != nil {
				t.Fatal(err)
			}
			testutil.Eventually(t, "the Socket Mode connection to close", func() bool { return fake.Connected() == 0 })
			if n := fake.Opened(); n != 1 {
				t.Errorf("%d websockets opened, want one holder", n)
			}

			// Email: a reply on the second instance, once the first saved the relay.
			sink, relay := startSink(t)
			zoe, err := one.People.Create(ctx, people.Input{FirstName: "Zoé", LastName: "Thomas", Email: "zoe@exemple.fr", Language: "fr"})
			if err != nil {
				t.Fatal(err)
			}
			r, err := two.Requests.Create(ctx, request.NewRequest{Title: "Badge perdu", RequesterEmail: zoe.Email, Channel: request.Web})
			if err != nil {
				t.Fatal(err)
			}
			if err := one.Mail.SaveSettings(ctx, mailout.SettingsInput{Address: "office@exemple.fr", SMTPURL: relay}); err != nil {
				t.Fatal(err)
			}
			camille, err := two.Auth.CreateUser(ctx, auth.NewUser{Email: "camille@exemple.fr", Name: "Camille Martin", Role: auth.Agent})
			if err != nil {
				t.Fatal(err)
			}
			v, err := two.Requests.ViewerFor(ctx, camille.ID, camille.Name, camille.Email, camille.Role)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := two.Requests.Reply(ctx, v, r.Number, "Votre nouveau badge est à l'accueil.", false, request.Web); err != nil {
				t.Fatal(err)
			}
			testutil.Eventually(t, "Zoé's email", func() bool { return sink.got(zoe.Email) == 1 })
		})
	}
}
