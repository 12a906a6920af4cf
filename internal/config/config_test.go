package config

import (
	"errors"
	"flag"
	"testing"
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

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
