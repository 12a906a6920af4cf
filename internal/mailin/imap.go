package mailin

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// JobPoll polls the desk's mailbox, once a minute across all instances.
const JobPoll = "mail.imap_poll"

// pollEvery is how often the mailbox is polled.
const pollEvery = time.Minute

// maxPerPoll bounds the emails fetched by one poll, so that a full mailbox is worked through in
// several polls rather than one that outlives its lease.
const maxPerPoll = 100

// RegisterPoll makes the queue poll the mailbox every minute (jobs.RegisterEvery), while an
// IMAP URL is set. Call StartPoll once serving.
func (s *Service) RegisterPoll() {
	s.Jobs.RegisterEvery(JobPoll, pollEvery, s.now, func(ctx context.Context, _ []byte) error {
		return s.Poll(ctx)
	})
}

// StartPoll schedules the first poll (a no-op when one is scheduled already).
func (s *Service) StartPoll(ctx context.Context) error {
	return s.Jobs.ScheduleEvery(ctx, JobPoll, pollEvery, s.now())
}

// SetIMAPTLSConfig sets the TLS configuration of the IMAP connection, for tests with their
// own certificates.
func (s *Service) SetIMAPTLSConfig(c *tls.Config) { s.imapTLS = c }

// mailbox is where the poller reads: an IMAP URL taken apart.
type mailbox struct {
	addr, user, password, folder string
	implicitTLS, plain           bool
}

// parseIMAPURL reads imaps://user:pass@host[:993]/INBOX (implicit TLS) or
// imap://user:pass@host[:143]/INBOX (STARTTLS; plain text only to a loopback address, such as
// a local Dovecot or a test server).
func parseIMAPURL(raw string) (mailbox, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return mailbox{}, errors.New("mailin: the IMAP URL cannot be read")
	}
	var m mailbox
	port := "143"
	switch u.Scheme {
	case "imaps":
		m.implicitTLS, port = true, "993"
	case "imap":
	default:
		return mailbox{}, fmt.Errorf("mailin: IMAP URL scheme %q: expected imap or imaps", u.Scheme)
	}
	host := u.Hostname()
	if host == "" {
		return mailbox{}, errors.New("mailin: the IMAP URL has no host")
	}
	if u.Port() != "" {
		port = u.Port()
	}
	m.addr = net.JoinHostPort(host, port)
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
		m.plain = !m.implicitTLS
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.password, _ = u.User.Password()
	}
	m.folder = strings.Trim(u.Path, "/")
	if m.folder == "" {
		m.folder = "INBOX"
	}
	return m, nil
}

// Poll fetches the unseen emails of the mailbox of the IMAP URL in force, stores each (Store
// queues its processing), then marks it \Seen, and moves it to the settings' folder when one
// is set. An email is marked only once stored: a poll cut short fetches it again, and Store
// keeps it once.
func (s *Service) Poll(ctx context.Context) error {
	if s.Mail == nil {
		return nil
	}
	cfg, err := s.Mail(ctx)
	if err != nil {
		return fmt.Errorf("mailin: mail settings: %w", err)
	}
	if cfg.IMAPURL == "" {
		return nil
	}
	mb, err := parseIMAPURL(cfg.IMAPURL)
	if err != nil {
		return err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	c, err := s.dialIMAP(mb)
	if err != nil {
		return fmt.Errorf("mailin: connect to %s: %w", mb.addr, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := c.Login(mb.user, mb.password).Wait(); err != nil {
		return fmt.Errorf("mailin: IMAP login as %s: %w", mb.user, err)
	}
	if _, err := c.Select(mb.folder, nil).Wait(); err != nil {
		return fmt.Errorf("mailin: IMAP select %s: %w", mb.folder, err)
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen, imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("mailin: IMAP search: %w", err)
	}
	uids := found.AllUIDs()
	if len(uids) > maxPerPoll {
		uids = uids[:maxPerPoll]
	}
	moved := false
	for _, uid := range uids {
		raw, err := fetchRaw(c, uid)
		if err != nil {
			return err
		}
		if raw == nil { // expunged meanwhile
			continue
		}
		if _, err := s.Store(ctx, "imap", raw); errors.Is(err, ErrTooLarge) {
			s.Log.Warn("mailin: email over the size limit left in the mailbox", "uid", uid, "size", len(raw))
			continue
		} else if err != nil {
			return err
		}
		set := imap.UIDSetNum(uid)
		if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true,
			Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
			return fmt.Errorf("mailin: IMAP mark seen: %w", err)
		}
		if st.MoveTo != "" && st.MoveTo != mb.folder {
			if !moved {
				_ = c.Create(st.MoveTo, nil).Wait() // it usually exists already
				moved = true
			}
			if _, err := c.Move(set, st.MoveTo).Wait(); err != nil {
				s.Log.Warn("mailin: IMAP move failed; the email stays, marked seen", "folder", st.MoveTo, "err", err)
			}
		}
	}
	if len(uids) > 0 {
		s.Log.Info("mailin: mailbox polled", "folder", mb.folder, "emails", len(uids))
	}
	return c.Logout().Wait()
}

// dialIMAP connects to the mailbox: implicit TLS, STARTTLS, or plain text to a loopback address.
func (s *Service) dialIMAP(mb mailbox) (*imapclient.Client, error) {
	opts := &imapclient.Options{TLSConfig: s.imapTLS}
	switch {
	case mb.implicitTLS:
		return imapclient.DialTLS(mb.addr, opts)
	case mb.plain:
		return imapclient.DialInsecure(mb.addr, opts)
	default:
		return imapclient.DialStartTLS(mb.addr, opts)
	}
}

// fetchRaw returns the whole email uid without marking it \Seen (BODY.PEEK[]), nil when it is
// gone.
func fetchRaw(c *imapclient.Client, uid imap.UID) ([]byte, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("mailin: IMAP fetch %d: %w", uid, err)
	}
	if len(msgs) == 0 {
		return nil, nil
	}
	return msgs[0].FindBodySection(section), nil
}
