package mailin_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"

	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/mailin"
	"majordome/internal/testutil"
)

// imapInbox is a real IMAP server (go-imap's in-memory backend) over implicit TLS, holding the
// desk's mailbox.
type imapInbox struct {
	user *imapmemserver.User
	addr string
	tls  *tls.Config // the client's, trusting the server's certificate
}

func newIMAPInbox(t *testing.T) *imapInbox {
	t.Helper()
	certSrv := httptest.NewTLSServer(nil) // only for its certificate, valid for 127.0.0.1
	cert := certSrv.TLS.Certificates[0]
	pool := x509.NewCertPool()
	pool.AddCert(certSrv.Certificate())
	certSrv.Close()

	mem := imapmemserver.New()
	user := imapmemserver.NewUser("office", "s3cret")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:   imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		Logger: nopLogger{},
	})
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &imapInbox{user: user, addr: ln.Addr().String(), tls: &tls.Config{RootCAs: pool}}
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}

// deliver puts raw in the inbox, with flags.
func (b *imapInbox) deliver(t *testing.T, raw []byte, flags ...imap.Flag) {
	t.Helper()
	if _, err := b.user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{Flags: flags}); err != nil {
		t.Fatal(err)
	}
}

// folder returns the flags of every email of a folder, over IMAP.
func (b *imapInbox) folder(t *testing.T, name string) [][]imap.Flag {
	t.Helper()
	c, err := imapclient.DialTLS(b.addr, &imapclient.Options{TLSConfig: b.tls})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("office", "s3cret").Wait(); err != nil {
		t.Fatal(err)
	}
	sel, err := c.Select(name, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	msgs, err := c.Fetch(imap.SeqSetNum(rangeNums(sel.NumMessages)...), &imap.FetchOptions{Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]imap.Flag
	for _, m := range msgs {
		out = append(out, m.Flags)
	}
	return out
}

func rangeNums(n uint32) []uint32 {
	var out []uint32
	for i := uint32(1); i <= n; i++ {
		out = append(out, i)
	}
	return out
}

// TestIMAPPollFilesTheInbox polls a real IMAP server: the unseen emails become a request and
// an ignored out-of-office, each marked \Seen and moved to the "Majordome" folder; the email
// read before is left alone; a second poll fetches nothing again.
func TestIMAPPollFilesTheInbox(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		box := newIMAPInbox(t)
		url := fmt.Sprintf("imaps://office:s3cret@%s/INBOX", box.addr)
		o.in.Mail = func(context.Context) (config.Mail, error) {
			return config.Mail{Address: "office@exemple.fr", IMAPURL: url}, nil
		}
		o.in.SetIMAPTLSConfig(box.tls)
		ctx := context.Background()
		if _, err := o.in.SetSettings(ctx, mailin.Settings{UnknownSender: mailin.UnknownCreate, MoveTo: "Majordome"}); err != nil {
			t.Fatal(err)
		}
		box.deliver(t, []byte("From: zoe.thomas@exemple.fr\r\nTo: office@exemple.fr\r\nSubject: Lu\r\nMessage-ID: <read@x>\r\n\r\nDeja lu.\r\n"), imap.FlagSeen)
		box.deliver(t, corpus(t, "03-apple-mail-piece-jointe.eml"))
		box.deliver(t, corpus(t, "04-absence-automatique.eml"))

		if err := o.in.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := o.count(t, "mail_inbound"); n != 2 {
			t.Fatalf("%d emails stored", n)
		}
		if inbox := box.folder(t, "INBOX"); len(inbox) != 1 || !slices.Contains(inbox[0], imap.FlagSeen) {
			t.Errorf("inbox after the poll: %v", inbox)
		}
		moved := box.folder(t, "Majordome")
		if len(moved) != 2 || !slices.Contains(moved[0], imap.FlagSeen) || !slices.Contains(moved[1], imap.FlagSeen) {
			t.Errorf("Majordome folder: %v", moved)
		}
		runUntil(t, o, func() bool {
			return o.count(t, "mail_inbound WHERE state = 'pending'") == 0
		})
		var number int64
		if err := d.R.QueryRow("SELECT number FROM requests").Scan(&number); err != nil {
			t.Fatal(err)
		}
		r := o.request(t, number)
		if r.RequesterEmail != "francois.dubois@exemple.fr" || r.Title != "Chaise cassée" ||
			!strings.Contains(r.Description, "Le vérin de ma chaise a lâché") {
			t.Errorf("%+v", r)
		}
		if got := o.attachments(t, number); !slices.Equal(got, []string{"chaise.png"}) {
			t.Errorf("attachments %v", got)
		}
		if n := o.count(t, "requests"); n != 1 {
			t.Errorf("%d requests: the out-of-office filed one", n)
		}

		box.deliver(t, corpus(t, "03-apple-mail-piece-jointe.eml")) // the same email, delivered again
		if err := o.in.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := o.count(t, "mail_inbound"); n != 2 {
			t.Errorf("%d emails stored after a second poll", n)
		}
	})
}

// TestIMAPPollRefusesAWrongPassword: a poll that cannot sign in fails, so the job's error shows.
func TestIMAPPollRefusesAWrongPassword(t *testing.T) {
	d := testutil.SQLite(t)
	o := newOffice(t, d)
	box := newIMAPInbox(t)
	o.in.Mail = func(context.Context) (config.Mail, error) {
		return config.Mail{Address: "office@exemple.fr", IMAPURL: "imaps://office:wrong@" + box.addr}, nil
	}
	o.in.SetIMAPTLSConfig(box.tls)
	if err := o.in.Poll(context.Background()); err == nil || !strings.Contains(err.Error(), "login") {
		t.Fatalf("poll with a wrong password: %v", err)
	}
}

// TestSMTPListenerTakesTheDesksMail feeds the built-in listener through a real SMTP client: it
// refuses other recipients with 550, stores the desk's email before its 250, and the job files
// it.
func TestSMTPListenerTakesTheDesksMail(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, stop := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- o.in.ServeSMTP(ctx, ln) }()

		c, err := smtp.Dial(ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Hello("mx.exemple.fr"); err != nil {
			t.Fatal(err)
		}
		if err := c.Mail("francois.dubois@exemple.fr", nil); err != nil {
			t.Fatal(err)
		}
		var se *smtp.SMTPError
		if err := c.Rcpt("someone.else@exemple.fr", nil); !errors.As(err, &se) || se.Code != 550 {
			t.Fatalf("RCPT TO another address: %v", err)
		}
		if err := c.Rcpt("Office+7@exemple.fr", nil); err != nil {
			t.Fatalf("RCPT TO a plus-address: %v", err)
		}
		w, err := c.Data()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(corpus(t, "03-apple-mail-piece-jointe.eml")); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatalf("DATA: %v", err)
		}
		// Answered 250: the email is stored already.
		if n := o.count(t, "mail_inbound WHERE source = 'smtp'"); n != 1 {
			t.Fatalf("%d emails stored at 250", n)
		}
		if err := c.Quit(); err != nil {
			t.Fatal(err)
		}

		runUntil(t, o, func() bool { return o.count(t, "requests") == 1 })
		var number int64
		if err := d.R.QueryRow("SELECT number FROM requests").Scan(&number); err != nil {
			t.Fatal(err)
		}
		if r := o.request(t, number); r.RequesterEmail != "francois.dubois@exemple.fr" || r.Title != "Chaise cassée" {
			t.Errorf("%+v", r)
		}
		if got := o.attachments(t, number); !slices.Equal(got, []string{"chaise.png"}) {
			t.Errorf("attachments %v", got)
		}
		stop()
		if err := <-served; err != nil {
			t.Fatal(err)
		}
	})
}
