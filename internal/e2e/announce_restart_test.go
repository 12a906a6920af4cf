package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"majordome/internal/db"
	"majordome/internal/slackbot/slackfake"
)

// TestAnnouncementFanOutSurvivesAKill sends an announcement to a team of 1 000 by Slack DM and
// email through the real binary, against a fake Slack and an SMTP relay of the test. When about
// half is delivered on each channel, the relay and Slack stall in the middle of a delivery, the
// server is killed (SIGKILL: no graceful shutdown), and started again on the same SQLite file;
// it must finish the fan-out with each of the 1 000 receiving exactly one DM and one email.
//
// Why it fails if a delivery were lost or duplicated:
//   - Lost: the test waits for the API to count 1 000 recipients sent (and none queued or
//     failed), then requires one DM in each of the 1 000 DM channels and one email accepted for
//     each of the 1 000 addresses: a recipient skipped shows 0, or the wait times out.
//   - Duplicated: the kill lands in the two windows where a resume could deliver twice. On
//     Slack, chat.postMessage is held AFTER the fake posted the DM: the message exists but
//     Majordome never read the answer, so its rows still say "queued"; after the restart it
//     must find that DM by the ref in its metadata (conversations.history, checked below)
//     rather than post it again. On email, the relay holds its answer to DATA and then refuses
//     it (451): the relay never accepted that message, so it must be sent again, once. Every
//     recipient settled before the kill must be skipped after it. Any second DM in a channel,
//     second chat.postMessage call there, or second email to an address fails the test.
//
// Email has no lookup like Slack's metadata: a relay's 250 is its only commit point, so the
// instant between that answer and Majordome's record (mailout's outbox) is a window no client
// can close; the test stalls the relay before its answer, not after.
func TestAnnouncementFanOutSurvivesAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const n = 1000
	bin := buildFakeSlackBinary(t)
	fake := slackfake.New(t)
	relay := startHoldRelay(t)

	dir := t.TempDir()
	var people strings.Builder
	people.WriteString("Nom;Prénom;E-mail;Langue;Équipe\n")
	for i := range n {
		fmt.Fprintf(&people, "Nom%04d;Prénom%04d;p%04d@exemple.fr;fr;Produit\n", i, i, i)
		fake.AddUser(slackfake.User{ID: fmt.Sprintf("U%08d", i), Email: fmt.Sprintf("p%04d@exemple.fr", i),
			Name: fmt.Sprintf("Prénom%04d Nom%04d", i, i)})
	}
	// One person outside the team, known to Slack: the announcement must not reach her.
	people.WriteString("Hors;Équipe;hors@exemple.fr;fr;Direction\n")
	fake.AddUser(slackfake.User{ID: "U0HORS0001", Email: "hors@exemple.fr", Name: "Équipe Hors"})
	csv := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(csv, []byte(people.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"MAJORDOME_DATA=" + dir,
		"MAJORDOME_ADDR=" + freeAddr(t),
		"MAJORDOME_SLACK_BOT_TOKEN=xoxb-e2e-token",
		"MAJORDOME_SLACK_SIGNING_SECRET=e2e-signing-secret",
		"MAJORDOME_SLACK_API_URL=" + fake.URL,
		"MAJORDOME_MAIL_ADDRESS=office@exemple.fr",
		"MAJORDOME_SMTP_URL=smtp://" + relay.addr,
		"MAJORDOME_ANNOUNCE_SLACK_RATE=200/s",
		"MAJORDOME_ANNOUNCE_EMAIL_RATE=200/s",
	}
	runBin(t, bin, env, "import", "people", csv)
	token := lastLine(runBin(t, bin, env, "token", "create", "--role", "admin", "--name", "e2e"))

	first := startBin(t, bin, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("first server's log (end):\n%s", tail(first.stderr.String(), 4000))
		}
	})
	var created struct {
		ID int64 `json:"id"`
	}
	apiCall(t, first.url, token, "POST", "/api/v1/announcements", `{"title":"Exercice d'évacuation jeudi à 10 h",
		"body":"Rendez-vous au point de rassemblement, **parking nord**.","audience":{"teams":["Produit"]},
		"channels":["slack","email"]}`, http.StatusCreated, &created)
	ref := fmt.Sprintf("announce:%d:", created.ID)
	dms := func() int {
		k := 0
		for _, m := range fake.Messages() {
			if strings.HasPrefix(m.Ref, ref) {
				k++
			}
		}
		return k
	}

	// Stall each channel once it has delivered about half, in the middle of a delivery: the
	// fan-out of a channel is one job calling one recipient after the other, so a held call
	// means every recipient before it is settled and nothing more goes on that channel.
	var slackHeld, mailHeld bool
	waitFor(t, "half of each channel delivered, then a delivery held on each", 60*time.Second, func() bool {
		if !slackHeld && dms() >= n/2 {
			fake.Hold("chat.postMessage")
			slackHeld = true
		}
		if !mailHeld && relay.accepted() >= n/2 {
			relay.hold()
			mailHeld = true
		}
		return fake.Holding() > 0 && relay.holding() > 0
	})
	progress := func() int { return fake.Count("") + relay.commands() }
	last, still := progress(), time.Now()
	waitFor(t, "no call to Slack or the relay for 300 ms", 30*time.Second, func() bool {
		if p := progress(); p != last {
			last, still = p, time.Now()
		}
		return time.Since(still) >= 300*time.Millisecond
	})
	msgs := fake.Messages()
	held := msgs[len(msgs)-1] // posted, its answer held: Majordome never learnt it was
	if !strings.HasPrefix(held.Ref, ref) {
		t.Fatalf("the held post is %q, not a DM of the announcement", held.Ref)
	}
	killedAt := time.Now()
	first.kill()
	dmsBefore, mailsBefore := dms(), relay.accepted()
	if dmsBefore >= n || mailsBefore >= n {
		t.Fatalf("killed after the end: %d DMs, %d emails", dmsBefore, mailsBefore)
	}
	fake.Release()
	relay.release()
	waitFor(t, "the relay to refuse the held message", 10*time.Second, func() bool { return relay.refusedCount() > 0 })

	// The dead instance's fan-out jobs and its lock on the held Slack message run out after a
	// minute (jobs.Options.Lease, slackbot's lockFor), which is how another instance takes over.
	// The test ends them now, as if that minute had passed, rather than wait for it.
	expireLeases(t, filepath.Join(dir, "majordome.db"))

	second := startBin(t, bin, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("second server's log (end):\n%s", tail(second.stderr.String(), 4000))
		}
	})
	var got struct {
		Status string `json:"status"`
		Counts struct {
			Recipients, Queued, Sent, Failed int
		} `json:"counts"`
	}
	path := fmt.Sprintf("/api/v1/announcements/%d", created.ID)
	waitFor(t, "the announcement to be sent to everyone", 60*time.Second, func() bool {
		apiCall(t, second.url, token, "GET", path, "", http.StatusOK, &got)
		return got.Status == "sent" && got.Counts.Queued == 0
	})
	if c := got.Counts; c.Recipients != n || c.Sent != n || c.Failed != 0 {
		t.Errorf("counts %+v, want %d recipients, all sent, none failed", c, n)
	}
	checkRecipients(t, second.url, token, path+"/recipients", n)
	second.stop()

	// Slack: one DM per person, posted once, and the held one found again, not re-posted.
	perChannel, postsPerChannel := map[string]int{}, map[string]int{}
	for _, m := range fake.Messages() {
		if strings.HasPrefix(m.Ref, ref) {
			perChannel[m.Channel]++
		}
	}
	for _, c := range fake.Calls("chat.postMessage") {
		postsPerChannel[c.Params["channel"]]++
	}
	for i := range n {
		ch := fmt.Sprintf("D%08d", i)
		if perChannel[ch] != 1 || postsPerChannel[ch] != 1 {
			t.Errorf("%s: %d DMs from %d chat.postMessage, want 1 and 1", ch, perChannel[ch], postsPerChannel[ch])
		}
	}
	if k := perChannel["D0HORS0001"]; k != 0 {
		t.Errorf("the person outside the team got %d DMs", k)
	}
	lookedUp := false
	for _, c := range fake.Calls("conversations.history") {
		lookedUp = lookedUp || c.Params["channel"] == held.Channel && c.At.After(killedAt)
	}
	if !lookedUp {
		t.Errorf("the held DM (%s) was not looked up after the restart", held.Channel)
	}

	// Email: one accepted message per person.
	for i := range n {
		if k := relay.to(fmt.Sprintf("p%04d@exemple.fr", i)); k != 1 {
			t.Errorf("p%04d@exemple.fr got %d emails, want 1", i, k)
		}
	}
	if k := relay.to("hors@exemple.fr"); k != 0 {
		t.Errorf("the person outside the team got %d emails", k)
	}
	t.Logf("killed at %d/%d DMs and %d/%d emails (%d held email refused); after the restart: %d DMs, %d emails",
		dmsBefore, n, mailsBefore, n, relay.refusedCount(), dms(), relay.accepted())
}

// buildFakeSlackBinary compiles majordome with the fakeslack tag: Slack's per-method tiers are
// spaced 1 ms instead of about a second (internal/slackbot/tiers_fakeslack.go), so that 1 000
// DMs to a fake Slack take seconds, not 20 minutes.
func buildFakeSlackBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "majordome")
	cmd := exec.Command("go", "build", "-tags", "fakeslack", "-o", bin, "majordome/cmd/majordome")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// apiCall sends one request to the API with token and decodes the answer into out (may be
// nil), failing the test unless the status is want.
func apiCall(t *testing.T, base, token, method, path, body string, want int, out any) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d\n%s", method, path, res.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, b)
		}
	}
}

// checkRecipients reads every page of the recipients and checks that there are n, each sent by
// Slack and by email.
func checkRecipients(t *testing.T, base, token, path string, n int) {
	t.Helper()
	seen, cursor := 0, ""
	for {
		var page struct {
			Items []struct {
				Email    string            `json:"email"`
				State    string            `json:"state"`
				Channels map[string]string `json:"channels"`
			} `json:"items"`
			Next *string `json:"next_cursor"`
		}
		apiCall(t, base, token, "GET", path+"?limit=200&cursor="+cursor, "", http.StatusOK, &page)
		for _, r := range page.Items {
			seen++
			if r.Channels["slack"] != "sent" || r.Channels["email"] != "sent" {
				t.Errorf("%s: state %s, channels %v, want sent on slack and email", r.Email, r.State, r.Channels)
			}
		}
		if page.Next == nil {
			break
		}
		cursor = *page.Next
	}
	if seen != n {
		t.Errorf("%d recipients listed, want %d", seen, n)
	}
}

// expireLeases ends, in the SQLite database at path, the leases a dead instance held: its
// running jobs and its locks on Slack messages.
func expireLeases(t *testing.T, path string) {
	t.Helper()
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	past := time.Now().Add(-time.Second)
	if _, err := d.W.Exec(`UPDATE jobs SET run_at = ? WHERE state = 'running'`, past); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.Exec(`UPDATE slack_messages SET lock_until = ? WHERE lock_until IS NOT NULL`, past); err != nil {
		t.Fatal(err)
	}
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// holdRelay is the company's SMTP relay, played by a go-smtp server that counts the messages it
// accepts per recipient, and that can hold its answers to DATA (hold) and then refuse them
// (release): a relay that stalls before it accepts.
type holdRelay struct {
	addr string

	mu      sync.Mutex
	got     map[string]int // accepted messages by recipient
	cmds    int            // MAIL, RCPT and DATA commands received: whether anything moves
	held    chan struct{}  // while DATA answers are held; closed by release
	waiting int            // DATA answers held now
	refused int            // held messages refused on release
}

func startHoldRelay(t *testing.T) *holdRelay {
	t.Helper()
	r := &holdRelay{got: map[string]int{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &holdSession{r: r}, nil }))
	srv.Domain = "relay.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	t.Cleanup(r.release) // first: a held session must not outlive the test
	return r
}

func (r *holdRelay) hold() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.held == nil {
		r.held = make(chan struct{})
	}
}

func (r *holdRelay) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.held != nil {
		close(r.held)
		r.held = nil
	}
}

func (r *holdRelay) holding() int  { return r.read(func() int { return r.waiting }) }
func (r *holdRelay) commands() int { return r.read(func() int { return r.cmds }) }
func (r *holdRelay) refusedCount() int {
	return r.read(func() int { return r.refused })
}
func (r *holdRelay) to(addr string) int { return r.read(func() int { return r.got[addr] }) }
func (r *holdRelay) accepted() int {
	return r.read(func() int {
		k := 0
		for _, c := range r.got {
			k += c
		}
		return k
	})
}

func (r *holdRelay) bump() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cmds++
}

func (r *holdRelay) read(f func() int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return f()
}

type holdSession struct {
	r  *holdRelay
	to []string
}

func (s *holdSession) Mail(string, *smtp.MailOptions) error {
	s.r.bump()
	return nil
}

func (s *holdSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.r.bump()
	s.to = append(s.to, to)
	return nil
}

func (s *holdSession) Data(rd io.Reader) error {
	if _, err := io.Copy(io.Discard, rd); err != nil {
		return err
	}
	r := s.r
	r.mu.Lock()
	r.cmds++
	if held := r.held; held != nil {
		r.waiting++
		r.mu.Unlock()
		<-held
		r.mu.Lock()
		r.waiting--
		r.refused++
		r.mu.Unlock()
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Relay stalled: message not accepted"}
	}
	defer r.mu.Unlock()
	for _, to := range s.to {
		r.got[to]++
	}
	return nil
}

func (s *holdSession) Reset()        { s.to = nil }
func (s *holdSession) Logout() error { return nil }
