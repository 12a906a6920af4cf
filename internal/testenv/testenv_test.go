package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecide(t *testing.T) {
	tests := []struct {
		available, strict bool
		want              decision
	}{
		{available: true, strict: false, want: use},
		{available: true, strict: true, want: use},
		{available: false, strict: false, want: skip},
		{available: false, strict: true, want: fail},
	}
	for _, tt := range tests {
		if got := decide(tt.available, tt.strict); got != tt.want {
			t.Errorf("decide(available=%v, strict=%v) = %v, want %v", tt.available, tt.strict, got, tt.want)
		}
	}
}

// fakeTB records what a helper did instead of stopping the goroutine.
// The embedded nil TB makes any other method call panic, which is what we want.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Skip(args ...any)                  { f.skipped = args[0].(string) }
func (f *fakeTB) Fatal(args ...any)                 { f.failed = args[0].(string) }
func (f *fakeTB) Fatalf(format string, args ...any) { f.failed = format }

func TestPostgresURL(t *testing.T) {
	t.Run("set", func(t *testing.T) {
		t.Setenv(EnvPostgres, "postgres://x@127.0.0.1:1/postgres")
		t.Setenv(EnvStrict, "1")
		f := &fakeTB{}
		if got := PostgresURL(f); got != "postgres://x@127.0.0.1:1/postgres" || f.skipped != "" || f.failed != "" {
			t.Errorf("PostgresURL = %q, skipped %q, failed %q", got, f.skipped, f.failed)
		}
	})
	t.Run("missing", func(t *testing.T) {
		t.Setenv(EnvPostgres, "")
		t.Setenv(EnvStrict, "")
		f := &fakeTB{}
		PostgresURL(f)
		if f.skipped != postgresMissing || f.failed != "" {
			t.Errorf("skipped %q, failed %q; want a skip", f.skipped, f.failed)
		}
	})
	t.Run("missing strict", func(t *testing.T) {
		t.Setenv(EnvPostgres, "")
		t.Setenv(EnvStrict, "1")
		f := &fakeTB{}
		PostgresURL(f)
		if f.skipped != "" || !strings.HasPrefix(f.failed, postgresMissing) {
			t.Errorf("skipped %q, failed %q; want a failure", f.skipped, f.failed)
		}
	})
}

func TestChromium(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "chromium-browser")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}

	t.Run("from PATH", func(t *testing.T) {
		t.Setenv(EnvChromium, "")
		t.Setenv("PATH", dir)
		f := &fakeTB{}
		if got := Chromium(f); got != fake || f.skipped != "" || f.failed != "" {
			t.Errorf("Chromium = %q, skipped %q, failed %q; want %q", got, f.skipped, f.failed, fake)
		}
	})
	t.Run("from env", func(t *testing.T) {
		t.Setenv(EnvChromium, fake)
		t.Setenv("PATH", "")
		f := &fakeTB{}
		if got := Chromium(f); got != fake || f.failed != "" {
			t.Errorf("Chromium = %q, failed %q; want %q", got, f.failed, fake)
		}
	})
	t.Run("env names nothing", func(t *testing.T) {
		t.Setenv(EnvChromium, filepath.Join(dir, "absent"))
		t.Setenv(EnvStrict, "")
		f := &fakeTB{}
		Chromium(f)
		if f.failed == "" {
			t.Error("a broken MAJORDOME_TEST_CHROMIUM should fail even when not strict")
		}
	})
	t.Run("missing", func(t *testing.T) {
		t.Setenv(EnvChromium, "")
		t.Setenv("PATH", t.TempDir())
		t.Setenv(EnvStrict, "")
		f := &fakeTB{}
		Chromium(f)
		if f.skipped != chromiumMissing || f.failed != "" {
			t.Errorf("skipped %q, failed %q; want a skip", f.skipped, f.failed)
		}
	})
	t.Run("missing strict", func(t *testing.T) {
		t.Setenv(EnvChromium, "")
		t.Setenv("PATH", t.TempDir())
		t.Setenv(EnvStrict, "1")
		f := &fakeTB{}
		Chromium(f)
		if f.skipped != "" || !strings.HasPrefix(f.failed, chromiumMissing) {
			t.Errorf("skipped %q, failed %q; want a failure", f.skipped, f.failed)
		}
	})
}
