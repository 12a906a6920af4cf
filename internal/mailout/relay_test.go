package mailout

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testRelay is a real SMTP server, started by the test, that plays the company's relay: it
// captures what Majordome sends. With user set it requires AUTH PLAIN; refuse makes it refuse
// that many messages (a 451 at DATA) before accepting.
type testRelay struct {
	t        *testing.T
	addr     string
	user     string
	password string

	mu     sync.Mutex
	refuse int
	got    []captured
	authed int
}

// captured is one message the relay accepted.
type captured struct {
	From string
	To   []string
	Data []byte
}

func startRelay(t *testing.T, user, password string) *testRelay {
	t.Helper()
	r := &testRelay{t: t, user: user, password: password}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &relaySession{r: r}, nil }))
	srv.Domain = "relay.test"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return r
}

// url is the relay's address as MAJORDOME_SMTP_URL.
func (r *testRelay) url() string {
	if r.user != "" {
		return (&url.URL{Scheme: "smtp", User: url.UserPassword(r.user, r.password), Host: r.addr}).String()
	}
	return "smtp://" + r.addr
}

func (r *testRelay) messages() []captured {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]captured(nil), r.got...)
}

func (r *testRelay) refuseNext(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refuse = n
}

type relaySession struct {
	r      *testRelay
	authed bool
	from   string
	to     []string
}

func (s *relaySession) AuthMechanisms() []string {
	if s.r.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *relaySession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.r.user || password != s.r.password {
			return errors.New("invalid credentials")
		}
		s.authed = true
		s.r.mu.Lock()
		s.r.authed++
		s.r.mu.Unlock()
		return nil
	}), nil
}

func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error {
	if s.r.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *relaySession) Data(rd io.Reader) error {
	b, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if s.r.refuse > 0 {
		s.r.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.r.got = append(s.r.got, captured{From: s.from, To: s.to, Data: bytes.Clone(b)})
	return nil
}

func (s *relaySession) Reset()        { s.from, s.to = "", nil }
func (s *relaySession) Logout() error { return nil }
