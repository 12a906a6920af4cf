package mailin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// The built-in SMTP listener, for companies that prefer to forward the desk's mail to
// Majordome (a transport rule, an alias to majordome@…, Postfix's relay to 127.0.0.1:2525)
// rather than let it poll a mailbox. It takes mail for the desk's address and its
// plus-addresses only, and answers 250 only once the email is stored: a failure is a 451, so
// the sending server keeps the email and tries again.

// ServeSMTP answers SMTP on ln until ctx ends, then closes the listener and waits for the
// sessions in progress (up to 10 seconds).
func (s *Service) ServeSMTP(ctx context.Context, ln net.Listener) error {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{s: s, ctx: context.WithoutCancel(ctx)}, nil
	}))
	srv.Domain = "majordome"
	srv.MaxMessageBytes = MaxSize
	srv.MaxRecipients = 50
	srv.ReadTimeout = 2 * time.Minute
	srv.WriteTimeout = 2 * time.Minute
	srv.ErrorLog = slogLogger{s.Log}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		srv.Close()
	}
	<-errc
	return nil
}

// smtpSession is one SMTP transaction.
type smtpSession struct {
	s    *Service
	ctx  context.Context
	rcpt int
}

var (
	errNoSuchUser = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "No such user here: this server takes mail for the desk's address only"}
	errTryLater = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "Temporary failure, please try again later"}
)

func (ss *smtpSession) Reset()        { ss.rcpt = 0 }
func (ss *smtpSession) Logout() error { return nil }

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error { return nil }

// Rcpt takes the desk's address and its plus-addresses, and refuses every other with 550.
func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	desk, err := ss.s.address(ss.ctx)
	if err != nil {
		ss.s.Log.Warn("mailin: smtp: settings", "err", err)
		return errTryLater
	}
	if !isOwn(strings.ToLower(strings.Trim(to, "<> ")), desk) {
		return errNoSuchUser
	}
	ss.rcpt++
	return nil
}

// Data stores the email before answering 250.
func (ss *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err // the size limit's 552, or a broken connection
	}
	if _, err := ss.s.Store(ss.ctx, "smtp", raw); err != nil {
		ss.s.Log.Warn("mailin: smtp: store", "err", err)
		return errTryLater
	}
	return nil
}

// slogLogger writes go-smtp's errors to the service's log.
type slogLogger struct{ l *slog.Logger }

func (l slogLogger) Printf(format string, v ...any) {
	l.l.Warn("mailin: smtp", "msg", sprintf(format, v...))
}
func (l slogLogger) Println(v ...any) { l.l.Warn("mailin: smtp", "msg", sprint(v...)) }

func sprintf(format string, v ...any) string { return strings.TrimSpace(fmt.Sprintf(format, v...)) }
func sprint(v ...any) string                 { return strings.TrimSpace(fmt.Sprintln(v...)) }
