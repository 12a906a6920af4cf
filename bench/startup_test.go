package bench

import (
	"context"
	"testing"

	"majordome/internal/app"
	"majordome/internal/config"
	"majordome/internal/testutil"
)

// BenchmarkColdStart is what `majordome` does on an empty data folder before it listens: create
// the SQLite database, apply every migration, prepare every query, parse the templates and
// create the first admin. It replaces a timed test of the CLI, which a busy CI machine made
// flaky.
func BenchmarkColdStart(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		cfg := config.Defaults()
		cfg.DataDir = b.TempDir()
		cfg.Addr = "127.0.0.1:0"
		if err := cfg.Validate(); err != nil {
			b.Fatal(err)
		}
		a, err := app.Open(ctx, cfg, testutil.Quiet)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Auth.EnsureAdmin(ctx); err != nil {
			b.Fatal(err)
		}
		a.Close()
	}
}
