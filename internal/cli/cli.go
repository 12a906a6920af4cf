// Package cli is Majordome's command line: it reads the configuration, dispatches the
// subcommands (serve, migrate, user, token, import, pack, backup, version) and turns their failures
// into exit statuses: 1 for a failure, 2 for a usage or configuration error.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"majordome/internal/config"
)

// Version is the release, set at build time with -ldflags "-X majordome/internal/cli.Version=…".
var Version = "dev"

// env is the process environment, replaced in tests.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	stdinIsTTY     bool
	// ready, when set, is told the URL once the server listens (tests use it).
	ready func(url string)
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "[--demo]", "serve the web app and the API (the default)", runServe},
		{"migrate", "", "apply pending database migrations and exit", runMigrate},
		{"user create", "--email E --name N --role R [--password P]", "create an account and print a sign-in link", runUserCreate},
		{"user link", "--email E", "print a one-time sign-in link for an account (e.g. a lost password)", runUserLink},
		{"token create", "--role R --name N", "create an API token; the token is the last line of output", runTokenCreate},
		{"import people", "FILE", "import people from a CSV or XLSX file (all or nothing)", runImportPeople},
		{"pack export", "DIR|FILE.zip", "export the bible (articles and checklists) as a pack", runPackExport},
		{"pack import", "DIR|FILE.zip [--dry-run]", "import a pack of articles and checklists (all or nothing)", runPackImport},
		{"backup", "FILE", "write a consistent copy of the SQLite database to FILE", runBackup},
		{"slack manifest", "[--socket]", "print the Slack app manifest (JSON) for the base URL", runSlackManifest},
		{"version", "", "print the version", runVersion},
	}
}

// Main runs the command line with args (without the program name) and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, getenv: os.Getenv}
	if fi, err := os.Stdin.Stat(); err == nil {
		e.stdinIsTTY = fi.Mode()&os.ModeCharDevice != 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, e, args)
}

// Options are what Run takes from its caller instead of the process: where output goes, how
// settings are read, and who is told the URL once the server listens.
type Options struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string // nil: os.Getenv
	Ready          func(url string)    // nil: nobody
}

// Run runs the command line like Main, but stops when ctx ends instead of on a signal, and reads
// its settings and writes its output through opts. It lets end-to-end tests run several
// instances of the real commands in one process.
func Run(ctx context.Context, args []string, opts Options) int {
	e := &env{stdout: opts.Stdout, stderr: opts.Stderr, getenv: opts.Getenv, ready: opts.Ready}
	if e.getenv == nil {
		e.getenv = os.Getenv
	}
	return run(ctx, e, args)
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		usage(e.stdout)
		return 0
	}
	cmd, rest, ok := find(args)
	if !ok {
		fmt.Fprintf(e.stderr, "majordome: unknown command %q\n\n", strings.Join(args, " "))
		usage(e.stderr)
		return 2
	}
	err := cmd.run(ctx, e, rest)
	var cfgErr *config.Error
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &cfgErr):
		fmt.Fprintf(e.stderr, "majordome: bad setting %s\n", cfgErr)
		return 2
	case errors.Is(err, config.ErrUsage):
		fmt.Fprintf(e.stderr, "majordome %s: %s\n", cmd.name, strings.TrimPrefix(err.Error(), "usage: "))
		return 2
	default:
		fmt.Fprintf(e.stderr, "majordome %s: %v\n", cmd.name, err)
		return 1
	}
}

// find picks the command named by the first one or two words; no words means serve, and flags
// first (majordome --demo) also mean serve.
func find(args []string) (command, []string, bool) {
	all := commands()
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return all[0], args, true
	}
	for _, c := range all {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, args[len(words):], true
		}
	}
	return command{}, nil, false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Majordome: the Office Manager's back office.")
	fmt.Fprintln(w, "\nUsage: majordome [command] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-15s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command reads MAJORDOME_ADDR, MAJORDOME_DATA, MAJORDOME_DB and MAJORDOME_BASE_URL;")
	fmt.Fprintln(w, "run 'majordome COMMAND --help' for its flags.")
}

// flags returns a flag set for cmd bound to the configuration, printing its help to stdout.
func flags(e *env, name, args string, cfg *config.Config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package would print a parse error here, and run prints it again with the
	// command's name: keep the one from run.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fs.SetOutput(e.stdout)
		fmt.Fprintf(e.stdout, "Usage: majordome %s %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	cfg.RegisterFlags(fs, e.getenv)
	return fs
}

// parse parses args and validates the configuration.
func parse(fs *flag.FlagSet, args []string, cfg *config.Config) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", config.ErrUsage, err)
	}
	return cfg.Validate()
}

func logger(e *env, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// runVersion prints the version. It reads no setting, but parses its arguments like every other
// command, so that "version --help" shows help and a stray argument is a usage error.
func runVersion(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run prints the error
	fs.Usage = func() { fmt.Fprintln(e.stdout, "Usage: majordome version\n\nPrints the version and exits.") }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", config.ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", config.ErrUsage, fs.Arg(0))
	}
	fmt.Fprintln(e.stdout, "majordome", Version)
	return nil
}
