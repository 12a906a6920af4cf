package mailout

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"

	"majordome/internal/audit"
	"majordome/internal/config"
	"majordome/internal/valid"
)

// Settings are the email channel's settings in force: each one from the environment when it is
// set there (MAJORDOME_MAIL_ADDRESS…), else from the settings page.
type Settings struct {
	config.Mail
	// FromEnv names the settings the environment sets ("address", "smtp_url", "imap_url",
	// "smtp_listen"): the page shows them and cannot change them.
	FromEnv map[string]bool
}

// Ready reports whether mail can be sent: the desk has an address and a relay. The settings
// are read on every use (the channel, the desk observers, the announcements), so settings
// saved on the page take effect at once, on every instance.
func (st Settings) Ready() bool { return st.Address != "" && st.SMTPURL != "" }

// Ready reports whether announcements can go by email now: the announcement service asks
// before it accepts email as a channel.
func (d *Announcer) Ready(ctx context.Context) bool { return d.s.Ready(ctx) }

// Domain is the domain of the desk's address, which Message-IDs use.
func (st Settings) Domain() string {
	_, d, _ := strings.Cut(st.Address, "@")
	return strings.ToLower(d)
}

// SMTPDisplay is the relay URL with its password hidden, for the settings page.
func (st Settings) SMTPDisplay() string { return withoutPassword(st.SMTPURL) }

// SMTPHasPassword reports whether the relay URL carries a password.
func (st Settings) SMTPHasPassword() bool { return hasPassword(st.SMTPURL) }

// IMAPDisplay is the mailbox URL with its password hidden.
func (st Settings) IMAPDisplay() string { return withoutPassword(st.IMAPURL) }

// SettingsInput is what the settings page submits. A password left empty keeps the stored one.
type SettingsInput struct {
	Address      string
	SMTPURL      string // without its password
	SMTPPassword string
	IMAPURL      string // without its password
	IMAPPassword string
	SMTPListen   string
}

// Settings returns the settings in force.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	stored, err := s.storedSettings(ctx)
	if err != nil {
		return Settings{}, err
	}
	st := Settings{Mail: stored, FromEnv: map[string]bool{}}
	pick := func(name string, env string, dst *string) {
		if env != "" {
			*dst = env
			st.FromEnv[name] = true
		}
	}
	pick("address", s.env.Address, &st.Address)
	pick("smtp_url", s.env.SMTPURL, &st.SMTPURL)
	pick("imap_url", s.env.IMAPURL, &st.IMAPURL)
	pick("smtp_listen", s.env.SMTPListen, &st.SMTPListen)
	return st, nil
}

func (s *Service) storedSettings(ctx context.Context) (config.Mail, error) {
	var m config.Mail
	err := s.db.R.QueryRowContext(ctx, s.q.Get("settings-get")).Scan(&m.Address, &m.SMTPURL, &m.IMAPURL, &m.SMTPListen)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("mailout: settings: %w", err)
	}
	return m, nil
}

// SaveSettings validates and stores the settings of the page, audited without passwords. The
// environment still wins over what is stored.
func (s *Service) SaveSettings(ctx context.Context, in SettingsInput) error {
	before, err := s.storedSettings(ctx)
	if err != nil {
		return err
	}
	var errs valid.Errors
	next := config.Mail{Address: strings.TrimSpace(in.Address), SMTPListen: strings.TrimSpace(in.SMTPListen)}
	if next.Address != "" {
		if a, err := mail.ParseAddress(next.Address); err != nil || a.Name != "" || a.Address != next.Address {
			errs.Add("address", "email_invalid")
		}
	}
	next.SMTPURL = mergeURL(&errs, "smtp_url", in.SMTPURL, in.SMTPPassword, before.SMTPURL, "smtp", "smtps")
	next.IMAPURL = mergeURL(&errs, "imap_url", in.IMAPURL, in.IMAPPassword, before.IMAPURL, "imap", "imaps")
	if next.SMTPListen != "" {
		if _, port, err := net.SplitHostPort(next.SMTPListen); err != nil || port == "" {
			errs.Add("smtp_listen", "listen_invalid")
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	defer s.ready.Forget() // the next notification reads them again
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("settings-put"), next.Address, next.SMTPURL, next.IMAPURL, next.SMTPListen, s.now()); err != nil {
			return fmt.Errorf("mailout: save settings: %w", err)
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "settings.mail", EntityType: "setting", EntityName: "mail",
			Before: redactedMail(before), After: redactedMail(next)})
	})
}

// mergeURL checks the URL of a form field, and gives it the password typed, or the one stored
// when none was typed and the user is the same.
func mergeURL(errs *valid.Errors, field, raw, password, stored string, schemes ...string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != schemes[0] && u.Scheme != schemes[1]) {
		errs.Add(field, "url_invalid")
		return ""
	}
	if u.User == nil {
		return u.String()
	}
	name := u.User.Username()
	if pw, ok := u.User.Password(); ok && password == "" {
		password = pw
	}
	if password == "" {
		if old, err := url.Parse(stored); err == nil && old.User != nil && old.User.Username() == name && old.Host == u.Host {
			password, _ = old.User.Password()
		}
	}
	if password != "" {
		u.User = url.UserPassword(name, password)
	}
	return u.String()
}

func withoutPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = url.User(u.User.Username())
	return u.String()
}

func hasPassword(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return false
	}
	_, ok := u.User.Password()
	return ok
}

func redactedMail(m config.Mail) config.Mail {
	m.SMTPURL, m.IMAPURL = withoutPassword(m.SMTPURL), withoutPassword(m.IMAPURL)
	return m
}
