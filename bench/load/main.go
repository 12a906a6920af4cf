// Command load is Majordome's load benchmark of the request desk. It starts Majordome in-process
// on a fresh SQLite database listening on loopback (or targets a running server), seeds a
// company and its request history, and measures over real HTTP: filing requests through the
// API, the queue page under a filter, and search. In the same run it measures a floor, a bare
// net/http handler that decodes the same JSON and inserts one row into SQLite, and reports the
// create throughput as a ratio to it. See bench/README.md for the targets and the figures.
//
//	go run ./bench/load                       # 200 000 requests, 2 000 people
//	go run ./bench/load -requests 20000 -people 500 -json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// options are the command's flags.
type options struct {
	target      string
	token       string
	cookie      string
	allowRemote bool
	dsn         string
	people      int
	requests    int
	creates     int
	queue       int
	search      int
	concurrency int
	phaseTime   time.Duration
	filters     []string
	jsonOut     bool
	cpuprofile  string
	quiet       bool
}

// filterFlag collects repeated -queue-filter flags.
type filterFlag []string

func (f *filterFlag) String() string     { return strings.Join(*f, " ") }
func (f *filterFlag) Set(s string) error { *f = append(*f, strings.TrimPrefix(s, "?")); return nil }

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: go run ./bench/load [flags]\n\nMeasures the request desk under load; see bench/README.md.\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.target, "target", "", "URL of a running Majordome to measure instead of starting one in-process (loopback only, unless -allow-remote); it is not seeded")
	fs.StringVar(&o.token, "token", "", "with -target: an API token (mjd_…) of an agent")
	fs.StringVar(&o.cookie, "cookie", "", "with -target: the majordome_session cookie of an agent signed in")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow a -target that is not on this machine")
	fs.StringVar(&o.dsn, "db", "", "in-process: an empty database to use (a SQLite path or postgres:// URL); default a fresh SQLite file in a temporary folder")
	fs.IntVar(&o.people, "people", 2000, "people to seed")
	fs.IntVar(&o.requests, "requests", 200_000, "requests to seed")
	fs.IntVar(&o.creates, "create", 5000, "creates measured, on the floor and through the API")
	fs.IntVar(&o.queue, "queue", 1000, "queue pages measured")
	fs.IntVar(&o.search, "search", 1000, "searches measured, on the page and through the API each")
	fs.IntVar(&o.concurrency, "concurrency", 2*runtime.GOMAXPROCS(0), "concurrent clients")
	fs.DurationVar(&o.phaseTime, "phase-time", 2*time.Minute, "at most this long measuring each operation: a slow server gets fewer samples, not a run of hours")
	fs.Var((*filterFlag)(&o.filters), "queue-filter", "query string of the queue page measured, e.g. status=active&category=1 (repeatable; default: chosen from the seeded data, or status=active with -target)")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as JSON on standard output (the table goes to standard error)")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured part (server and clients) to this file")
	fs.BoolVar(&o.quiet, "quiet", false, "print no progress")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.people < 1 || o.requests < 1:
		return o, errors.New("-people and -requests must be at least 1")
	case o.creates < 1 || o.queue < 1 || o.search < 1 || o.concurrency < 1:
		return o, errors.New("-create, -queue, -search and -concurrency must be at least 1")
	case o.phaseTime <= 0:
		return o, errors.New("-phase-time must be positive")
	case o.target != "" && (o.token == "" || o.cookie == ""):
		return o, errors.New("-target needs -token (an agent's API token) and -cookie (an agent's majordome_session cookie)")
	case o.target != "" && o.dsn != "":
		return o, errors.New("-db is for the in-process server; -target measures a server with its own database")
	}
	return o, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o, err := parseOptions(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	rep, err := runLoad(ctx, o, os.Stderr)
	if rep != nil {
		if o.jsonOut { // the table still goes to the person watching, beside the progress
			rep.writeText(os.Stderr)
			err = errors.Join(err, rep.writeJSON(os.Stdout))
		} else {
			rep.writeText(os.Stdout)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	if rep.Errors > 0 {
		fmt.Fprintf(os.Stderr, "load: %d requests failed: the run does not count\n", rep.Errors)
		os.Exit(1)
	}
}
