package mailin

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/testutil"
)

// The built-in listener follows its address in the settings, with no restart: it starts once
// one is saved, moves when it changes and stops when it is removed.
func TestSMTPListenerFollowsTheSettings(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		var mu sync.Mutex
		listen := ""
		set := func(addr string) { mu.Lock(); listen = addr; mu.Unlock() }
		s := New(Deps{DB: d, Log: testutil.Quiet, Mail: func(context.Context) (config.Mail, error) {
			mu.Lock()
			defer mu.Unlock()
			return config.Mail{Address: "office@exemple.fr", SMTPListen: listen}, nil
		}})
		s.smtpCheck = 10 * time.Millisecond
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.RunSMTP(ctx) }()

		first, second := freeAddr(t), freeAddr(t)
		set(first)
		testutil.Eventually(t, "the listener on "+first, func() bool { return takesDeskMail(first) })
		set(second)
		testutil.Eventually(t, "the listener to move to "+second, func() bool { return takesDeskMail(second) && !answers(first) })
		set("")
		testutil.Eventually(t, "the listener to stop", func() bool { return !answers(second) })

		stop()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// freeAddr is a loopback address no one listens on (it did a moment ago).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func answers(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// takesDeskMail reports whether Majordome's listener at addr takes mail for the desk.
func takesDeskMail(addr string) bool {
	c, err := smtp.Dial(addr)
	if err != nil {
		return false
	}
	defer c.Close()
	return c.Hello("mx.exemple.fr") == nil && c.Mail("zoe@exemple.fr", nil) == nil && c.Rcpt("office@exemple.fr", nil) == nil
}
