package web_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jhillyerd/enmime/v2"

	"majordome/internal/announce"
	"majordome/internal/app"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/people"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

const announceSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// announceSink is a real SMTP server that keeps what it is sent.
type announceSink struct {
	mu  sync.Mutex
	got map[string][][]byte // by recipient
}

func startAnnounceSink(t *testing.T) (*announceSink, string) {
	t.Helper()
	s := &announceSink{got: map[string][][]byte{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &announceSinkSession{s: s}, nil }))
	srv.Domain = "sink.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s, "smtp://" + ln.Addr().String()
}

func (s *announceSink) to(address string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.got[address]...)
}

type announceSinkSession struct {
	s  *announceSink
	to []string
}

func (x *announceSinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *announceSinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, strings.ToLower(to))
	return nil
}
func (x *announceSinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	for _, to := range x.to {
		x.s.got[to] = append(x.s.got[to], b)
	}
	return nil
}
func (x *announceSinkSession) Reset()        { x.to = nil }
func (x *announceSinkSession) Logout() error { return nil }

// TestAnnouncementToATeamThroughEveryChannel is issue 7's first "done when": an announcement
// to a team of three reaches each member once by Slack DM (a fake Slack API) and by email (a
// real SMTP server), shows as a banner in the portal, and the acknowledgements of each channel
// (the Slack button, the email's link, the portal's banner) are counted.
func TestAnnouncementToATeamThroughEveryChannel(t *testing.T) {
	ctx := context.Background()
	fake := slackfake.New(t)
	sink, smtpURL := startAnnounceSink(t)
	dir := t.TempDir()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, DB: testutil.SQLiteFile(t), BaseURL: "https://majordome.exemple.fr",
		Slack: config.Slack{BotToken: "xoxb-test-token", SigningSecret: announceSecret, APIURL: fake.URL},
		Mail:  config.Mail{Address: "office@exemple.fr", SMTPURL: smtpURL}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, cfg, testutil.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); a.Jobs.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done; srv.Close(); a.Close() })
	e := &env{t: t, App: a, URL: srv.URL}
	if !a.Mail.Ready(ctx) {
		t.Fatal("email is not set up")
	}
	// The relay of the test takes more than a real one: no need to wait 2 s between emails.
	mail := a.Mail.Announcer(a.Announce)
	mail.SetRate(announce.Rate{N: 50, Per: time.Second})
	a.Announce.AddDeliverer(mail)

	team := []struct{ slackID, first, email string }{
		{"U0ZOE00001", "Zoé", "zoe.thomas@exemple.fr"},
		{"U0HELENE01", "Hélène", "helene.bernard@exemple.fr"},
		{"U0ANAIS001", "Anaïs", "anais.petit@exemple.fr"},
	}
	ids := map[string]int64{}
	for _, m := range team {
		p, err := a.People.Create(ctx, people.Input{FirstName: m.first, LastName: "Exemple", Email: m.email, Team: "Sécurité", Language: "fr"})
		if err != nil {
			t.Fatal(err)
		}
		ids[m.email] = p.ID
		fake.AddUser(slackfake.User{ID: m.slackID, Email: m.email, Name: m.first + " Exemple"})
	}
	other, err := a.People.Create(ctx, people.Input{FirstName: "Noël", LastName: "Richard", Email: "noel@exemple.fr", Team: "Finance"})
	if err != nil {
		t.Fatal(err)
	}
	zoe, _ := e.signInUser("zoe.thomas@exemple.fr", "Zoé Exemple", auth.Employee)

	actx := audit.WithActor(ctx, audit.Actor{Kind: "user", Name: "Camille Martin"})
	an, err := a.Announce.Create(actx, announce.Input{Title: "Exercice d'évacuation jeudi", Body: "Rendez-vous **devant l'entrée**.",
		Audience: announce.Audience{Teams: []string{"Sécurité"}}, Importance: announce.Action, AckRequired: true,
		Channels: []string{announce.ChannelSlack, announce.ChannelEmail, announce.ChannelPortal}, SlackDM: true})
	if err != nil {
		t.Fatal(err)
	}
	announceWait(t, "the fan-out ends", func() bool {
		got, err := a.Announce.Get(ctx, an.ID)
		return err == nil && got.Status == announce.StatusSent
	})

	// Each member once by Slack and once by email; nobody else.
	posted := fake.Posted()
	for _, m := range team {
		if n := posted[fmt.Sprintf("announce:%d:%d", an.ID, ids[m.email])]; n != 1 {
			t.Errorf("%s got %d Slack DMs", m.first, n)
		}
		if n := len(sink.to(m.email)); n != 1 {
			t.Errorf("%s got %d emails", m.first, n)
		}
	}
	if len(sink.to("noel@exemple.fr")) != 0 || posted[fmt.Sprintf("announce:%d:%d", an.ID, other.ID)] != 0 {
		t.Error("Noël, of another team, got it")
	}
	got, _ := a.Announce.Get(ctx, an.ID)
	if got.Counts.Recipients != 3 || got.Counts.Sent != 3 || got.Counts.Failed != 0 || got.Counts.Acknowledged != 0 {
		t.Fatalf("counts after the fan-out: %+v", got.Counts)
	}

	// Hélène: "J'ai lu" in her Slack DM, through the signed interactions endpoint.
	var dm slackfake.Message
	for _, m := range fake.Messages() {
		if m.Ref == fmt.Sprintf("announce:%d:%d", an.ID, ids["helene.bernard@exemple.fr"]) {
			dm = m
		}
	}
	announceSlackClick(t, srv.URL, "U0HELENE01", dm.Channel, dm.TS, strconv.FormatInt(an.ID, 10))
	announceWait(t, "Hélène's Slack acknowledgement", func() bool {
		r, err := a.Announce.Recipient(ctx, an.ID, ids["helene.bernard@exemple.fr"])
		return err == nil && r.AckAt != nil
	})

	// Anaïs: the link in her email; the page first (which does not acknowledge), then its button.
	env, err := enmime.ReadEnvelope(bytes.NewReader(sink.to("anais.petit@exemple.fr")[0]))
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`https://majordome\.exemple\.fr(/announcements/ack/[A-Za-z0-9_-]+)`).FindStringSubmatch(env.Text)
	if link == nil || env.GetHeader("Subject") != "[Action requise] Exercice d'évacuation jeudi" {
		t.Fatalf("Anaïs's email: %s\n%s", env.GetHeader("Subject"), env.Text)
	}
	anon := e.anonymous()
	if res := anon.get(link[1]); res.StatusCode != 200 {
		t.Fatalf("the link's page: %d", res.StatusCode)
	}
	if r, _ := a.Announce.Recipient(ctx, an.ID, ids["anais.petit@exemple.fr"]); r.AckAt != nil {
		t.Fatal("opening the link acknowledged")
	}
	if res := anon.post(link[1], nil); res.StatusCode != 200 {
		t.Fatalf("the link's button: %d", res.StatusCode)
	}

	// Zoé: the banner in the portal, and its button.
	home := text(zoe.get("/portal"))
	if !strings.Contains(home, "Exercice d'évacuation jeudi") || !strings.Contains(home, fmt.Sprintf("/portal/announcements/%d/ack", an.ID)) {
		t.Fatalf("no banner in Zoé's portal:\n%s", home)
	}
	if res := zoe.post(fmt.Sprintf("/portal/announcements/%d/ack", an.ID), url.Values{"back": {"/portal"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the banner's button: %d", res.StatusCode)
	}

	// Three acknowledgements, one through each channel.
	got, _ = a.Announce.Get(ctx, an.ID)
	if got.Counts.Acknowledged != 3 {
		t.Fatalf("counts after the acknowledgements: %+v", got.Counts)
	}
	for email, via := range map[string]string{"helene.bernard@exemple.fr": "slack", "anais.petit@exemple.fr": "email", "zoe.thomas@exemple.fr": "portal"} {
		if r, _ := a.Announce.Recipient(ctx, an.ID, ids[email]); r.AckVia != via {
			t.Errorf("%s acknowledged through %q, want %q", email, r.AckVia, via)
		}
	}
}

// announceSlackClick posts the block_actions of "J'ai lu" on the message at channel/ts, signed as
// Slack signs it.
func announceSlackClick(t *testing.T, base, user, channel, ts, value string) {
	t.Helper()
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]any{"id": user},
		"team": map[string]any{"id": slackfake.TeamID}, "api_app_id": slackfake.AppID, "trigger_id": "trigger-" + ts,
		"channel":   map[string]any{"id": channel},
		"container": map[string]any{"type": "message", "message_ts": ts, "channel_id": channel},
		"message":   map[string]any{"type": "message", "ts": ts, "text": "annonce"},
		"actions": []any{map[string]any{"action_id": "announce_ack", "block_id": "announce_ack", "type": "button",
			"value": value, "action_ts": ts}}})
	body := []byte(url.Values{"payload": {string(payload)}}.Encode())
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(announceSecret))
	fmt.Fprintf(mac, "v0:%s:%s", stamp, body)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("interactions answered %d", res.StatusCode)
	}
}

// announceWait polls cond until it holds, failing the test after 20 s.
func announceWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
