package config

import (
	"errors"
	"flag"
	"testing"
	"time"
)

func TestLoadAndValidate(t *testing.T) {
	env := map[string]string{"MAJORDOME_ADDR": "0.0.0.0:9000", "MAJORDOME_DATA": "/srv/majordome"}
	var c Config
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	c.RegisterFlags(fs, func(k string) string { return env[k] })
	if err := fs.Parse([]string{"--data", "/var/lib/majordome"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.DataDir != "/var/lib/majordome" || c.DB != "/var/lib/majordome/majordome.db" ||
		c.BaseURL != "http://localhost:9000" || c.IsPostgres() || c.SecureCookies() {
		t.Fatalf("flag over env over default: %+v", c)
	}
}

func TestBadSettingsNameTheSetting(t *testing.T) {
	for _, tc := range []struct {
		c       Config
		setting string
	}{
		{Config{Addr: "nonsense", DataDir: "d"}, "MAJORDOME_ADDR"},
		{Config{Addr: "127.0.0.1:8080", DataDir: ""}, "MAJORDOME_DATA"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", DB: "mysql://u:secret@h/db"}, "MAJORDOME_DB"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", BaseURL: "ftp://x"}, "MAJORDOME_BASE_URL"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", Slack: Slack{APIURL: "slack.com/api"}}, "MAJORDOME_SLACK_API_URL"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", Slack: Slack{Command: "om"}}, "MAJORDOME_SLACK_COMMAND"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", Slack: Slack{BotToken: "xapp-1"}}, "MAJORDOME_SLACK_BOT_TOKEN"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", Slack: Slack{AppToken: "xoxb-1"}}, "MAJORDOME_SLACK_APP_TOKEN"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", Mail: Mail{Address: "Office <office@exemple.fr>"}}, "MAJORDOME_MAIL_ADDRESS"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", Mail: Mail{SMTPURL: "http://u:secret@h"}}, "MAJORDOME_SMTP_URL"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", Mail: Mail{IMAPURL: "pop3://h"}}, "MAJORDOME_IMAP_URL"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", Mail: Mail{SMTPListen: "2525"}}, "MAJORDOME_SMTP_LISTEN"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", rates: [2]string{"vite"}}, "MAJORDOME_ANNOUNCE_SLACK_RATE"},
		{Config{Addr: "127.0.0.1:8080", DataDir: "d", rates: [2]string{"", "0/min"}}, "MAJORDOME_ANNOUNCE_EMAIL_RATE"},
	} {
		err := tc.c.Validate()
		var ce *Error
		if !errors.As(err, &ce) || ce.Setting != tc.setting {
			t.Errorf("%+v: got %v, want an error naming %s", tc.c, err, tc.setting)
		}
	}
	c := Config{Addr: "127.0.0.1:8080", DataDir: "d", DB: "postgresql://u:secret@/db"}
	err := c.Validate()
	if err == nil || contains(err.Error(), "secret") {
		t.Fatalf("a bad URL must be refused without printing its password: %v", err)
	}
}

func TestPostgresAndHTTPS(t *testing.T) {
	c := Config{Addr: "127.0.0.1:8080", DataDir: "d", DB: "postgres://u:p@db:5432/m", BaseURL: "https://majordome.exemple.fr/"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if !c.IsPostgres() || !c.SecureCookies() || c.BaseURL != "https://majordome.exemple.fr" || contains(c.Redacted(), ":p@") {
		t.Fatalf("%+v %s", c, c.Redacted())
	}
}

func TestSlackAndMailDefaults(t *testing.T) {
	env := map[string]string{"MAJORDOME_SLACK_BOT_TOKEN": "xoxb-1", "MAJORDOME_SLACK_API_URL": "http://127.0.0.1:9/api",
		"MAJORDOME_MAIL_ADDRESS": "office@exemple.fr", "MAJORDOME_SMTP_URL": "smtp://u:p@relay:587"}
	var c Config
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	c.RegisterFlags(fs, func(k string) string { return env[k] })
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Slack.APIURL != "http://127.0.0.1:9/api/" || c.Slack.Command != "/om" || c.Slack.BotToken != "xoxb-1" ||
		c.Mail.Address != "office@exemple.fr" || c.Mail.SMTPURL != "smtp://u:p@relay:587" {
		t.Fatalf("%+v", c)
	}
	var d Config
	d.RegisterFlags(flag.NewFlagSet("t", flag.ContinueOnError), func(string) string { return "" })
	if err := d.Validate(); err != nil || d.Slack.APIURL != "https://slack.com/api/" {
		t.Fatalf("default Slack API URL: %v %q", err, d.Slack.APIURL)
	}
	if d.AnnounceSlackRate != (Rate{120, time.Minute}) || d.AnnounceEmailRate != (Rate{30, time.Minute}) {
		t.Fatalf("default announcement rates: %v %v", d.AnnounceSlackRate, d.AnnounceEmailRate)
	}
	env["MAJORDOME_ANNOUNCE_SLACK_RATE"], env["MAJORDOME_ANNOUNCE_EMAIL_RATE"] = "200/s", "500 / h"
	var f Config
	f.RegisterFlags(flag.NewFlagSet("t", flag.ContinueOnError), func(k string) string { return env[k] })
	if err := f.Validate(); err != nil || f.AnnounceSlackRate != (Rate{200, time.Second}) || f.AnnounceEmailRate.String() != "500/h" {
		t.Fatalf("announcement rates: %v %v %v", err, f.AnnounceSlackRate, f.AnnounceEmailRate)
	}
	e := Config{Addr: "127.0.0.1:8080", DataDir: "d", Mail: Mail{SMTPURL: "http://u:secret@h"}}
	if err := e.Validate(); err == nil || contains(err.Error(), "secret") {
		t.Fatalf("a bad SMTP URL must be refused without printing its password: %v", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
