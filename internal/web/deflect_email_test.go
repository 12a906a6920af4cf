package web_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jhillyerd/enmime/v2"

	"majordome/internal/app"
	"majordome/internal/article"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// sink is a real SMTP relay that keeps what Majordome sends.
type sink struct {
	mu  sync.Mutex
	got [][]byte
}

type sinkSession struct{ s *sink }

func (x *sinkSession) AuthPlain(string, string) error       { return nil }
func (x *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *sinkSession) Reset()                               {}
func (x *sinkSession) Logout() error                        { return nil }
func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.got = append(x.s.got, b)
	return nil
}

func startSink(t *testing.T) (*sink, string) {
	t.Helper()
	s := &sink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }))
	srv.Domain = "relay.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s, "smtp://" + ln.Addr().String()
}

// to returns the messages sent to address, parsed.
func (s *sink) to(t *testing.T, address string) []*enmime.Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*enmime.Envelope
	for _, b := range s.got {
		env, err := enmime.ReadEnvelope(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("unreadable message: %v", err)
		}
		if strings.Contains(env.GetHeader("To"), address) {
			out = append(out, env)
		}
	}
	return out
}

// newMailEnvOn is the whole application on dsn with email set up through a relay of the test,
// its job queue running.
func newMailEnvOn(t *testing.T, dsn, relay string) *env {
	t.Helper()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DB: dsn, BaseURL: "https://majordome.exemple.fr",
		Mail: config.Mail{Address: "office@exemple.fr", SMTPURL: relay}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, testutil.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() { srv.Close(); a.Close() })
	e := &env{t: t, App: a, URL: srv.URL}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Jobs.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })
	return e
}

var deflectLinkRe = regexp.MustCompile(`https://majordome\.exemple\.fr(/deflect/[0-9a-f]+)`)

// The Done-when of answers before requests, by email: Zoé writes to the office about the guest
// Wi-Fi; the acknowledgement (threaded on her email, auto-replied) suggests the Wi-Fi guide and
// carries the "C'est réglé" link. Opening the link changes nothing (link scanners open links);
// its button closes the request and the reports count a deflection by email, once.
func TestDeflectEmailAcknowledgementAndPage(t *testing.T) {
	for _, engine := range []string{"SQLite", "PostgreSQL"} {
		t.Run(engine, func(t *testing.T) {
			relay, relayURL := startSink(t)
			dsn := filepath.Join(t.TempDir(), "majordome.db")
			if engine == "PostgreSQL" {
				dsn = testutil.PostgresDSN(t)
			}
			e := newMailEnvOn(t, dsn, relayURL)
			ctx := context.Background()
			admin, err := e.App.Auth.CreateUser(ctx, auth.NewUser{Email: "camille@exemple.fr", Name: "Camille Martin", Role: auth.Admin})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.Articles.Create(ctx, article.Viewer{UserID: admin.ID, Name: admin.Name, Role: auth.Admin},
				article.Article{Title: "Wi-Fi invités", Slug: "wifi-invites", Body: "Le code du Wi-Fi invités est affiché à l'accueil."}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.People.Create(ctx, people.Input{FirstName: "Zoé", LastName: "Thomas", Email: "zoe@exemple.fr", Language: "fr"}); err != nil {
				t.Fatal(err)
			}
			raw := "From: Zoé Thomas <zoe@exemple.fr>\r\nTo: office@exemple.fr\r\nSubject: Le wifi invité ne marche plus\r\n" +
				"Message-ID: <zoe-wifi-1@exemple.fr>\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\n" +
				"Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, mon rendez-vous de 10 h n'arrive pas à se connecter.\r\n"
			out, err := e.App.MailIn.Process(ctx, []byte(raw))
			if err != nil || out.Request == 0 {
				t.Fatalf("the email filed nothing: %+v %v", out, err)
			}
			n := out.Request

			var ack *enmime.Envelope
			waitUntil(t, "the acknowledgement", func() bool {
				if got := relay.to(t, "zoe@exemple.fr"); len(got) > 0 {
					ack = got[0]
				}
				return ack != nil
			})
			if ack.GetHeader("Auto-Submitted") != "auto-replied" || ack.GetHeader("In-Reply-To") != "<zoe-wifi-1@exemple.fr>" ||
				!strings.Contains(ack.GetHeader("Subject"), "[#") {
				t.Fatalf("acknowledgement headers: %v", ack.Root.Header)
			}
			for _, want := range []string{"est enregistrée", "Ces guides répondent peut-être", "Wi-Fi invités",
				"https://majordome.exemple.fr/bible/wifi-invites", "C'est réglé, fermer ma demande"} {
				if !strings.Contains(ack.Text, want) || !strings.Contains(ack.HTML, strings.ReplaceAll(want, "'", "&#39;")) {
					t.Fatalf("the acknowledgement lacks %q:\n%s", want, ack.Text)
				}
			}
			m := deflectLinkRe.FindStringSubmatch(ack.Text)
			if m == nil {
				t.Fatalf("no link in:\n%s", ack.Text)
			}
			link := m[1]

			deflected := func() map[string]int {
				now := time.Now()
				by, err := e.App.Articles.DeflectionsByChannel(ctx, now.Add(-time.Hour), now.Add(time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				return by
			}
			status := func() request.Status {
				r, err := e.App.Requests.Get(ctx, request.Viewer{UserID: admin.ID, Role: auth.Admin}, n)
				if err != nil {
					t.Fatal(err)
				}
				return r.Status
			}

			c := e.anonymous()
			res := c.get(link)
			if res.StatusCode != 200 || !strings.Contains(res.Body, "Wi-Fi invités") || !strings.Contains(res.Body, "fermer ma demande") {
				t.Fatalf("GET %s: %d\n%s", link, res.StatusCode, res.Body)
			}
			if st := status(); st != request.StatusNew || len(deflected()) != 0 {
				t.Fatalf("a GET changed things: %s %v", st, deflected())
			}
			if res := c.get("/deflect/" + strings.Repeat("0", 36)); res.StatusCode != 404 {
				t.Fatalf("a wrong token: %d", res.StatusCode)
			}

			res = c.post(link, url.Values{})
			if res.StatusCode != 200 || !strings.Contains(res.Body, "est close") {
				t.Fatalf("POST %s: %d\n%s", link, res.StatusCode, res.Body)
			}
			if st := status(); st != request.StatusClosed {
				t.Fatalf("the request is %s, want closed", st)
			}
			if by := deflected(); by[article.ChannelEmail] != 1 || len(by) != 1 {
				t.Fatalf("deflections: %v, want one by email", by)
			}
			res = c.post(link, url.Values{})
			if res.StatusCode != 200 || !strings.Contains(res.Body, "déjà réglée") || deflected()[article.ChannelEmail] != 1 {
				t.Fatalf("POST again: %d %v\n%s", res.StatusCode, deflected(), res.Body)
			}
			// The reports' card says where the bible answered.
			if res := e.signInAs(auth.Admin).get("/reports"); !strings.Contains(res.Body, "Slack : 0 · email : 1") {
				t.Errorf("the reports do not split the deflections:\n%s", res.Body)
			}
			if got := relay.to(t, "zoe@exemple.fr"); len(got) != 1 {
				t.Errorf("Zoé got %d emails, want the acknowledgement only", len(got))
			}
		})
	}
}

// waitUntil waits until cond holds (testutil.Eventually).
var waitUntil = testutil.Eventually
