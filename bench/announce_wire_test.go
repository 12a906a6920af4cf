//go:build fakeslack

package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"majordome/internal/announce"
	"majordome/internal/app"
	"majordome/internal/config"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// The configured announcement rates of the wire benchmark (MAJORDOME_ANNOUNCE_SLACK_RATE and
// MAJORDOME_ANNOUNCE_EMAIL_RATE): the highest at which, on 2 cores shared with other builds,
// the pacing rather than the machine sets the pace. At 100/s and 200/s a Slack DM (three API
// calls and their rows in SQLite) took 13–15 ms there: see README.md.
var (
	wireSlackRate = config.Rate{N: 50, Per: time.Second}
	wireEmailRate = config.Rate{N: 50, Per: time.Second}
)

// BenchmarkAnnounceDeliver10000Wire is issue 7's delivery target through the real channels: the
// whole app (app.Open, its job queue, the Slack app and the email service as the binary wires
// them) against a local fake Slack API (slackfake) and a real SMTP server that accepts at once,
// delivers an announcement to everyone in a 10 000-person company by Slack DM and email, at
// the configured rates. It must reach status sent within the rate-limit time (10 000 over the
// slower rate) plus 10 %: x-budget is the time taken over that rate-limit time; slack-s and
// email-s are when each channel's last message reached the fake or the sink.
//
// Built with the fakeslack tag, which spaces each Slack method's calls 1 ms instead of by
// Slack's tiers (internal/slackbot/tiers_fakeslack.go): otherwise each DM's conversations.open
// would wait 1.2 s. Run: go test -tags fakeslack -run '^$' -bench Wire -benchtime 1x ./bench/
func BenchmarkAnnounceDeliver10000Wire(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	fake := slackfake.New(b)
	sink, smtpURL := startWireSink(b)
	dir := b.TempDir()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, DB: filepath.Join(dir, "majordome.db"), BaseURL: "https://majordome.exemple.fr",
		Slack:             config.Slack{BotToken: "xoxb-bench-token", SigningSecret: "bench-signing-secret", APIURL: fake.URL},
		Mail:              config.Mail{Address: "office@exemple.fr", SMTPURL: smtpURL},
		AnnounceSlackRate: wireSlackRate, AnnounceEmailRate: wireEmailRate}
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	a, err := app.Open(ctx, cfg, testutil.Quiet)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	if !a.Mail.Ready(ctx) {
		b.Fatal("email is not set up")
	}
	benchPeople(b, a.DB, n) // p00000@exemple.fr …
	for i := range n {
		fake.AddUser(slackfake.User{ID: fmt.Sprintf("U%08d", i), Email: fmt.Sprintf("p%05d@exemple.fr", i),
			Name: fmt.Sprintf("Prénom%05d Nom%05d", i, i)})
	}
	slower := min(float64(wireSlackRate.N)/wireSlackRate.Per.Seconds(), float64(wireEmailRate.N)/wireEmailRate.Per.Seconds())
	budget := float64(n) / slower // seconds

	for b.Loop() {
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); a.Jobs.Run(runCtx) }()
		sent0, posted0 := sink.n.Load(), fake.Count("chat.postMessage")
		start := time.Now()
		an, err := a.Announce.Create(ctx, announce.Input{Title: "Exercice d'évacuation", Body: "Jeudi à **10 h**, parking nord.",
			Audience: announce.Audience{Everyone: true}, Channels: []string{announce.ChannelSlack, announce.ChannelEmail}, SlackDM: true})
		if err != nil {
			b.Fatal(err)
		}
		var got announce.Announcement
		for {
			if got, err = a.Announce.Get(ctx, an.ID); err != nil {
				b.Fatal(err)
			}
			if got.Status == announce.StatusSent {
				break
			}
			time.Sleep(250 * time.Millisecond) // Get counts the 10 000 rows: not too often
		}
		took := time.Since(start)
		stop()
		<-done
		posts := fake.Calls("chat.postMessage")
		dms, mails := len(posts)-posted0, sink.n.Load()-sent0
		if c := got.Counts; c.Recipients != n || c.Sent != n || c.Failed != 0 || dms != n || mails != n {
			b.Fatalf("counts %+v; %d DMs posted, %d emails accepted; want %d of each", c, dms, mails, n)
		}
		slackTook, emailTook := posts[len(posts)-1].At.Sub(start), time.Unix(0, sink.last.Load()).Sub(start)
		b.ReportMetric(took.Seconds(), "s")
		b.ReportMetric(slackTook.Seconds(), "slack-s")
		b.ReportMetric(emailTook.Seconds(), "email-s")
		b.ReportMetric(took.Seconds()/budget, "x-budget")
	}
}

// wireSink is a real SMTP server that accepts every message at once and counts them.
type wireSink struct{ n, last atomic.Int64 } // messages, and when the last came (UnixNano)

func startWireSink(b *testing.B) (*wireSink, string) {
	s := &wireSink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return wireSession{s}, nil }))
	srv.Domain = "sink.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return s, "smtp://" + ln.Addr().String()
}

type wireSession struct{ s *wireSink }

func (wireSession) Mail(string, *smtp.MailOptions) error { return nil }
func (wireSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x wireSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	x.s.n.Add(1)
	x.s.last.Store(time.Now().UnixNano())
	return nil
}
func (wireSession) Reset()        {}
func (wireSession) Logout() error { return nil }
