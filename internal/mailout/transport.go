package mailout

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// The relay URL: smtp://user:pass@host:587 speaks STARTTLS (required, except to a relay on the
// machine itself, where it is used when offered), smtps://user:pass@host:465 implicit TLS. With
// a user, Majordome authenticates with the best mechanism the relay offers; PLAIN and LOGIN
// only over TLS or to localhost.

// relay is a parsed relay URL.
type relay struct {
	host     string
	port     int
	implicit bool
	user     string
	password string
}

func parseRelay(raw string) (relay, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return relay{}, fmt.Errorf("mailout: bad relay URL %q", withoutPassword(raw))
	}
	r := relay{host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		r.port = 587
	case "smtps":
		r.port, r.implicit = 465, true
	default:
		return relay{}, fmt.Errorf("mailout: relay URL %q: expected smtp:// or smtps://", withoutPassword(raw))
	}
	if p := u.Port(); p != "" {
		if r.port, err = strconv.Atoi(p); err != nil {
			return relay{}, fmt.Errorf("mailout: relay URL %q: bad port", withoutPassword(raw))
		}
	}
	if u.User != nil {
		r.user = u.User.Username()
		r.password, _ = u.User.Password()
	}
	return r, nil
}

func (r relay) loopback() bool {
	if r.host == "localhost" {
		return true
	}
	ip := net.ParseIP(r.host)
	return ip != nil && ip.IsLoopback()
}

// deliver sends raw, a whole message, from from to to through the relay at rawURL. The
// message goes as it was rendered: a retry sends the same bytes.
func deliver(ctx context.Context, rawURL, helo, from, to string, raw []byte, tlsConfig *tls.Config) error {
	r, err := parseRelay(rawURL)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(r.port), gomail.WithTimeout(30 * time.Second)}
	if helo != "" {
		opts = append(opts, gomail.WithHELO(helo))
	}
	if tlsConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(tlsConfig))
	}
	switch {
	case r.implicit:
		opts = append(opts, gomail.WithSSL())
	case r.loopback():
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if r.user != "" {
		mech := gomail.SMTPAuthAutoDiscover
		if r.loopback() && !r.implicit {
			// go-mail's discovery leaves PLAIN out without TLS, even to a relay on this machine,
			// which is the one case where it is safe.
			mech = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(mech), gomail.WithUsername(r.user), gomail.WithPassword(r.password))
	}
	c, err := gomail.NewClient(r.host, opts...)
	if err != nil {
		return fmt.Errorf("mailout: relay: %w", err)
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("mailout: connect to %s:%d: %w", r.host, r.port, err)
	}
	defer sc.Close()
	if err := sc.Mail(from); err != nil {
		return fmt.Errorf("mailout: MAIL FROM: %w", err)
	}
	if err := sc.Rcpt(to); err != nil {
		return fmt.Errorf("mailout: RCPT TO %s: %w", to, err)
	}
	w, err := sc.Data()
	if err != nil {
		return fmt.Errorf("mailout: DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		w.Close()
		return fmt.Errorf("mailout: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mailout: DATA: %w", err)
	}
	if err := sc.Quit(); err != nil && !errors.Is(err, net.ErrClosed) && !strings.Contains(err.Error(), "closed") {
		// The message is accepted once DATA is: a failed QUIT does not make it fail.
		return nil
	}
	return nil
}
