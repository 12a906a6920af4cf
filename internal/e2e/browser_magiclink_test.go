package e2e

import (
	"bytes"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-smtp"
	"github.com/jhillyerd/enmime/v2"

	"majordome/internal/people"
)

// TestBrowserMagicLinkSignsEmployeeIn walks an employee without a password: on the sign-in
// page she asks for a link by email, the company's relay (an SMTP server of the test) receives
// it, she opens it and lands on the portal, signed in; the link does not work twice.
func TestBrowserMagicLinkSignsEmployeeIn(t *testing.T) {
	mails := startCaptureRelay(t)
	vars := sqliteSettings(t)
	vars["MAJORDOME_ADDR"] = "127.0.0.1:" + strconv.Itoa(freePort(t)) // so the link in the email is right
	vars["MAJORDOME_MAIL_ADDRESS"] = "office@sentier.co"
	vars["MAJORDOME_SMTP_URL"] = "smtp://" + mails.addr
	in := start(t, vars)
	if _, err := in.directory().Create(context.Background(), people.Input{FirstName: "Zoé", LastName: "Bernard",
		Email: "zoe.bernard@sentier.co", Language: "fr"}); err != nil {
		t.Fatal(err)
	}

	ctx := newTab(t)
	do(t, ctx,
		chromedp.Navigate(in.URL+"/signin"),
		chromedp.WaitVisible(chromedp.ID("f-link_email")),
		chromedp.SendKeys(chromedp.ID("f-link_email"), "zoe.bernard@sentier.co"),
		chromedp.Submit(chromedp.ID("f-link_email")),
		chromedp.WaitVisible(chromedp.CSS(`.flash, [role="status"], .callout`)),
	)
	if txt := pageText(t, ctx); !strings.Contains(txt, "Si cette adresse est connue, un lien vient de partir") {
		t.Fatalf("the sign-in page does not confirm the link:\n%s", txt)
	}

	var env *enmime.Envelope
	deadline := time.Now().Add(30 * time.Second)
	for env == nil {
		if time.Now().After(deadline) {
			t.Fatalf("no email reached the relay\nstderr:\n%s", in.stderr.String())
		}
		env = mails.to("zoe.bernard@sentier.co")
		time.Sleep(20 * time.Millisecond)
	}
	link := signInLink(env.Text)
	if link == "" || !strings.HasPrefix(link, in.URL+"/signin/link?token=") {
		t.Fatalf("no sign-in link for this instance in the email:\n%s", env.Text)
	}
	if env.GetHeader("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", env.GetHeader("Auto-Submitted"))
	}

	do(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`.portal`)))
	if p := path(t, ctx); p != "/" && p != "/portal" {
		t.Fatalf("after the link: %s, want the portal", p)
	}
	if h1 := get(t, ctx, chromedp.Text(chromedp.CSS(`main h1`))); !strings.Contains(h1, "Zoé") {
		t.Errorf("portal greets %q, want Zoé", h1)
	}

	other := newTab(t)
	do(t, other, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`body`)))
	if p := path(t, other); p != "/signin/link" {
		t.Fatalf("the used link signed in again (%s)", p)
	}
	if txt := pageText(t, other); !strings.Contains(txt, "Ce lien de connexion a déjà servi ou a expiré") {
		t.Errorf("a second use does not say why:\n%s", txt)
	}
}

// captureRelay is the company's SMTP relay, played by a go-smtp server that keeps every
// message.
type captureRelay struct {
	addr string
	mu   sync.Mutex
	got  map[string][]byte // by recipient, the last message
}

func startCaptureRelay(t *testing.T) *captureRelay {
	t.Helper()
	r := &captureRelay{got: map[string][]byte{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &captureSession{r: r}, nil }))
	srv.Domain = "relay.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return r
}

// to returns the last message for addr, parsed, or nil.
func (r *captureRelay) to(addr string) *enmime.Envelope {
	r.mu.Lock()
	data := r.got[addr]
	r.mu.Unlock()
	if data == nil {
		return nil
	}
	env, err := enmime.ReadEnvelope(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	return env
}

type captureSession struct {
	r  *captureRelay
	to []string
}

func (s *captureSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *captureSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *captureSession) Data(rd io.Reader) error {
	b, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	for _, to := range s.to {
		s.r.got[to] = b
	}
	return nil
}
func (s *captureSession) Reset()        { s.to = nil }
func (s *captureSession) Logout() error { return nil }

// freePort is a TCP port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
