// Package config owns Majordome's start-up settings: their defaults, how they are read from the
// environment and flags, and their validation. Settings that admins change at run time live in the
// database instead (package settings).
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config holds every start-up setting. It is loaded once and passed explicitly.
type Config struct {
	Addr    string // MAJORDOME_ADDR: where the HTTP server listens
	DataDir string // MAJORDOME_DATA: folder for the SQLite database and uploaded files
	DB      string // MAJORDOME_DB: a SQLite file path, or a postgres:// URL
	BaseURL string // MAJORDOME_BASE_URL: the public URL, used in links sent to people
	LogJSON bool   // MAJORDOME_LOG_JSON: JSON logs instead of text

	Slack Slack // the Slack app (internal/slackbot); off while no bot token is set
	Mail  Mail  // the email channel (internal/mailout, internal/mailin); off while no address is set

	rates [2]string // the announcement rates as read, parsed by Validate

	// How fast announcements go out, to stay within the limits of Slack and of the relay:
	// MAJORDOME_ANNOUNCE_SLACK_RATE (DMs, default 120/min: a DM to someone the bot wrote to
	// before is one chat.postMessage, which Slack allows once a second per channel and "several
	// hundred" a minute across the workspace; the first DM to someone also opens the
	// conversation, which keeps its own pace of 50 a minute) and MAJORDOME_ANNOUNCE_EMAIL_RATE
	// (default 30/min, what the strictest common relays, Microsoft 365's, accept).
	AnnounceSlackRate Rate
	AnnounceEmailRate Rate
}

// Rate is N per Per, written "20/s", "30/min" or "500/h".
type Rate struct {
	N   int
	Per time.Duration
}

func (r Rate) String() string {
	unit := map[time.Duration]string{time.Second: "s", time.Minute: "min", time.Hour: "h"}[r.Per]
	return fmt.Sprintf("%d/%s", r.N, unit)
}

// ParseRate reads "20/s", "30/min" or "500/h".
func ParseRate(s string) (Rate, error) {
	n, unit, ok := strings.Cut(strings.ReplaceAll(s, " ", ""), "/")
	v, err := strconv.Atoi(n)
	per := map[string]time.Duration{"s": time.Second, "sec": time.Second, "m": time.Minute, "min": time.Minute, "h": time.Hour}[unit]
	if !ok || err != nil || v <= 0 || per == 0 {
		return Rate{}, errors.New("expected a rate such as 20/s, 30/min or 500/h")
	}
	return Rate{N: v, Per: per}, nil
}

// Slack is the connection to the company's Slack app. Each setting may also be set on the
// settings page; the environment wins over the page.
type Slack struct {
	BotToken      string // MAJORDOME_SLACK_BOT_TOKEN: xoxb-…, the app's bot token
	SigningSecret string // MAJORDOME_SLACK_SIGNING_SECRET: verifies the requests Slack sends (HTTP mode)
	AppToken      string // MAJORDOME_SLACK_APP_TOKEN: xapp-…, for Socket Mode (no public URL needed)
	TriageChannel string // MAJORDOME_SLACK_TRIAGE_CHANNEL: the channel id (or #name) where new requests appear
	APIURL        string // MAJORDOME_SLACK_API_URL: the Web API base URL, https://slack.com/api/ by default
	Command       string // MAJORDOME_SLACK_COMMAND: the slash command, /om by default
}

// Mail is the email channel. Each setting may also be set on the settings page; the environment
// wins over the page.
type Mail struct {
	Address    string // MAJORDOME_MAIL_ADDRESS: the desk's address, e.g. office@exemple.fr
	SMTPURL    string // MAJORDOME_SMTP_URL: the outgoing relay, smtp://user:pass@host:587 (STARTTLS) or smtps://…:465
	IMAPURL    string // MAJORDOME_IMAP_URL: the mailbox to poll, imaps://user:pass@host/INBOX
	SMTPListen string // MAJORDOME_SMTP_LISTEN: address of the built-in SMTP listener, e.g. 127.0.0.1:2525; "" for off
}

// Error is a bad setting: it names the setting so the person running Majordome knows what to fix.
type Error struct {
	Setting string
	Value   string
	Reason  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s=%q: %s", e.Setting, e.Value, e.Reason)
}

// Defaults returns the configuration used when nothing is set.
func Defaults() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./majordome-data"}
}

// RegisterFlags binds the settings to flags of fs, with defaults taken from env (MAJORDOME_*)
// over the built-in defaults, so that a flag beats the environment which beats the default.
func (c *Config) RegisterFlags(fs *flag.FlagSet, getenv func(string) string) {
	def := Defaults()
	str := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	fs.StringVar(&c.Addr, "addr", str("MAJORDOME_ADDR", def.Addr), "listen address (MAJORDOME_ADDR)")
	fs.StringVar(&c.DataDir, "data", str("MAJORDOME_DATA", def.DataDir), "data folder (MAJORDOME_DATA)")
	fs.StringVar(&c.DB, "db", str("MAJORDOME_DB", ""), "database: SQLite file or postgres:// URL (MAJORDOME_DB; default: majordome.db in the data folder)")
	fs.StringVar(&c.BaseURL, "base-url", str("MAJORDOME_BASE_URL", ""), "public URL used in links (MAJORDOME_BASE_URL; default: http://ADDR)")
	c.LogJSON = str("MAJORDOME_LOG_JSON", "") == "1" || str("MAJORDOME_LOG_JSON", "") == "true"
	c.Slack = Slack{
		BotToken:      str("MAJORDOME_SLACK_BOT_TOKEN", ""),
		SigningSecret: str("MAJORDOME_SLACK_SIGNING_SECRET", ""),
		AppToken:      str("MAJORDOME_SLACK_APP_TOKEN", ""),
		TriageChannel: str("MAJORDOME_SLACK_TRIAGE_CHANNEL", ""),
		APIURL:        str("MAJORDOME_SLACK_API_URL", ""),
		Command:       str("MAJORDOME_SLACK_COMMAND", ""),
	}
	c.rates = [2]string{str("MAJORDOME_ANNOUNCE_SLACK_RATE", ""), str("MAJORDOME_ANNOUNCE_EMAIL_RATE", "")}
	c.Mail = Mail{
		Address:    str("MAJORDOME_MAIL_ADDRESS", ""),
		SMTPURL:    str("MAJORDOME_SMTP_URL", ""),
		IMAPURL:    str("MAJORDOME_IMAP_URL", ""),
		SMTPListen: str("MAJORDOME_SMTP_LISTEN", ""),
	}
}

// Validate checks every setting and fills the derived defaults. It returns an *Error for the
// first bad setting.
func (c *Config) Validate() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "" {
		return &Error{"MAJORDOME_ADDR", c.Addr, "expected host:port, e.g. 127.0.0.1:8080"}
	}
	if c.DataDir == "" {
		return &Error{"MAJORDOME_DATA", c.DataDir, "must not be empty"}
	}
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "majordome.db")
	}
	if strings.Contains(c.DB, "://") {
		u, err := url.Parse(c.DB)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return &Error{"MAJORDOME_DB", redact(c.DB), "expected a SQLite file path or a postgres://user:pass@host/db URL"}
		}
	}
	if c.BaseURL == "" {
		h := host
		if h == "" || h == "0.0.0.0" || h == "::" {
			h = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(h, port)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Error{"MAJORDOME_BASE_URL", c.BaseURL, "expected an absolute http(s) URL, e.g. https://majordome.exemple.fr"}
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if err := c.Slack.validate(); err != nil {
		return err
	}
	for _, r := range []struct {
		setting, raw, def string
		dst               *Rate
	}{
		{"MAJORDOME_ANNOUNCE_SLACK_RATE", c.rates[0], "120/min", &c.AnnounceSlackRate},
		{"MAJORDOME_ANNOUNCE_EMAIL_RATE", c.rates[1], "30/min", &c.AnnounceEmailRate},
	} {
		if r.raw == "" && r.dst.N > 0 { // set by the caller, as tests do
			continue
		}
		if r.raw == "" {
			r.raw = r.def
		}
		rate, err := ParseRate(r.raw)
		if err != nil {
			return &Error{r.setting, r.raw, err.Error()}
		}
		*r.dst = rate
	}
	return c.Mail.validate()
}

func (s *Slack) validate() error {
	if s.APIURL == "" {
		s.APIURL = "https://slack.com/api/"
	}
	if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Error{"MAJORDOME_SLACK_API_URL", s.APIURL, "expected an absolute http(s) URL, e.g. https://slack.com/api/"}
	}
	if !strings.HasSuffix(s.APIURL, "/") {
		s.APIURL += "/"
	}
	if s.Command == "" {
		s.Command = "/om"
	}
	if !strings.HasPrefix(s.Command, "/") || strings.ContainsAny(s.Command, " \t") || len(s.Command) > 32 {
		return &Error{"MAJORDOME_SLACK_COMMAND", s.Command, "expected a slash command such as /om"}
	}
	if s.BotToken != "" && !strings.HasPrefix(s.BotToken, "xoxb-") {
		return &Error{"MAJORDOME_SLACK_BOT_TOKEN", "xxxxx", "expected a bot token starting with xoxb-"}
	}
	if s.AppToken != "" && !strings.HasPrefix(s.AppToken, "xapp-") {
		return &Error{"MAJORDOME_SLACK_APP_TOKEN", "xxxxx", "expected an app-level token starting with xapp-"}
	}
	return nil
}

func (m *Mail) validate() error {
	if m.Address != "" {
		if a, err := mail.ParseAddress(m.Address); err != nil || a.Name != "" {
			return &Error{"MAJORDOME_MAIL_ADDRESS", m.Address, "expected an address such as office@exemple.fr"}
		}
	}
	if m.SMTPURL != "" {
		u, err := url.Parse(m.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			return &Error{"MAJORDOME_SMTP_URL", redact(m.SMTPURL), "expected smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465"}
		}
	}
	if m.IMAPURL != "" {
		u, err := url.Parse(m.IMAPURL)
		if err != nil || (u.Scheme != "imap" && u.Scheme != "imaps") || u.Host == "" {
			return &Error{"MAJORDOME_IMAP_URL", redact(m.IMAPURL), "expected imaps://user:pass@host/INBOX"}
		}
	}
	if m.SMTPListen != "" {
		if _, port, err := net.SplitHostPort(m.SMTPListen); err != nil || port == "" {
			return &Error{"MAJORDOME_SMTP_LISTEN", m.SMTPListen, "expected host:port, e.g. 127.0.0.1:2525"}
		}
	}
	return nil
}

// IsPostgres reports whether the database is PostgreSQL.
func (c *Config) IsPostgres() bool {
	return strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://")
}

// SecureCookies reports whether cookies must carry the Secure flag (the public URL is https).
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// redact hides a password in a database URL before it is printed.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redacted returns the database setting with any password hidden, for logs.
func (c *Config) Redacted() string { return redact(c.DB) }

// ErrUsage marks a command-line usage error (exit status 2).
var ErrUsage = errors.New("usage")
