package cli

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"majordome/internal/app"
	"majordome/internal/config"
	"majordome/internal/demo"
)

// runServe starts Majordome. On the first start it creates the admin account and prints a
// one-time sign-in link; every start prints the URL.
func runServe(ctx context.Context, e *env, args []string) error {
	var cfg config.Config
	fs := flags(e, "serve", "[--demo]", &cfg)
	withDemo := fs.Bool("demo", false, "fill an empty database with a fictional French company, to look around")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", config.ErrUsage, fs.Arg(0))
	}
	start := time.Now()
	log := logger(e, cfg)
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if *withDemo {
		n, err := demo.Fill(ctx, demo.Services{DB: a.DB, Audit: a.Audit, People: a.People, Auth: a.Auth, Search: a.Search})
		if err != nil {
			return fmt.Errorf("demo company: %w", err)
		}
		if n > 0 {
			log.Info("demo company created", "people", n)
		}
	}
	link, err := a.Auth.EnsureAdmin(ctx)
	if err != nil {
		return err
	}
	ln, err := a.Listen()
	if err != nil {
		return err
	}
	base := listenedURL(cfg, ln)
	log.Info("majordome started", "version", Version, "database", string(a.DB.Dialect), "startup_ms", time.Since(start).Milliseconds())
	fmt.Fprintf(e.stdout, "Majordome is running at %s\n", base)
	if link != "" {
		fmt.Fprintf(e.stdout, "First start: sign in as the Office Manager with this one-time link (valid 24 h):\n  %s/signin/link?token=%s\n", base, link)
	}
	if e.ready != nil {
		e.ready(base)
	}
	return a.Serve(ctx, ln)
}

// listenedURL is the URL to print. With --addr HOST:0 the system picks a free port (side-by-side
// instances, tests), so a URL derived from the address would end in ":0" and lead nowhere: use
// the port actually listened on. An explicit MAJORDOME_BASE_URL is printed as it is.
func listenedURL(cfg config.Config, ln net.Listener) string {
	_, port, _ := net.SplitHostPort(cfg.Addr)
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if port != "0" || !ok || !strings.HasSuffix(cfg.BaseURL, ":0") {
		return cfg.BaseURL
	}
	return strings.TrimSuffix(cfg.BaseURL, "0") + strconv.Itoa(tcp.Port)
}

// runMigrate applies pending migrations and reports the schema version.
func runMigrate(ctx context.Context, e *env, args []string) error {
	var cfg config.Config
	fs := flags(e, "migrate", "", &cfg)
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, logger(e, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	cur, _, err := a.DB.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Database schema is at version %d.\n", cur)
	return nil
}

// runBackup copies the live SQLite database.
func runBackup(ctx context.Context, e *env, args []string) error {
	var cfg config.Config
	fs := flags(e, "backup", "FILE", &cfg)
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give the file to write, e.g. majordome backup majordome-2026-11-22.db", config.ErrUsage)
	}
	if cfg.IsPostgres() {
		return fmt.Errorf("the database is PostgreSQL: back it up with pg_dump (see README)")
	}
	a, err := app.Open(ctx, cfg, logger(e, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.DB.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Backup written to %s\n", fs.Arg(0))
	return nil
}
