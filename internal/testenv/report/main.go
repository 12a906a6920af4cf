// Command report reads a `go test -json` stream on stdin, prints a line per
// package as it finishes, then a summary: the output of every failed test and
// of every package that failed to build or failed outside any test, how many
// PostgreSQL and Browser tests ran, and a closing "N passed, N failed,
// N skipped" line. ./scripts/test pipes `go test -json` into it.
//
// It exits 1 when anything failed, and also, when MAJORDOME_TEST_STRICT=1,
// when a PostgreSQL or Browser test was skipped or none of them ran at all,
// so a broken test environment cannot pass silently. A test counts as a
// PostgreSQL test when its name or subtest path contains "PostgreSQL" or
// "postgres", and as a Browser test when it contains "Browser".
//
// Usage:
//
//	go test -json ./... | go run ./internal/testenv/report [-partial]
//
// -partial says the run was narrowed (e.g. -run X), so it is fine if no
// PostgreSQL or Browser test ran; skipped ones still fail a strict run.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
)

func main() {
	partial := flag.Bool("partial", false, "the run was narrowed with go test flags: do not require PostgreSQL and Browser tests to have run")
	flag.Parse()
	opts := options{strict: os.Getenv("MAJORDOME_TEST_STRICT") == "1", partial: *partial}
	if err := run(os.Stdin, os.Stdout, opts); err != nil {
		// The summary already explains the failure, and its last line must
		// stay the counts line, so say nothing more here.
		os.Exit(1)
	}
}

type options struct {
	strict  bool // MAJORDOME_TEST_STRICT=1
	partial bool // see -partial
}

// event is one test2json record (go doc test2json), including the
// build-output and build-fail actions added in Go 1.24.
type event struct {
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	ImportPath  string // build events only
	FailedBuild string // package fail events: the ImportPath whose build failed
}

type test struct {
	pkg, name string
	output    strings.Builder
	done      bool
}

type pkg struct {
	name        string
	action      string // "pass", "fail" or "skip" (no test files); "" while running
	elapsed     float64
	failedBuild string
	failedTests int
	output      strings.Builder // output outside any test
	running     []*test         // tests started and not yet finished
}

// report accumulates a test2json stream.
type report struct {
	pkgs       map[string]*pkg
	tests      map[[2]string]*test
	build      map[string]*strings.Builder // build output by ImportPath
	failed     []*test                     // failed tests, in finishing order
	pass, fail int
	skip       int
	postgres   int      // PostgreSQL tests that ran (passed or failed)
	browser    int      // Browser tests that ran
	skippedSvc []string // PostgreSQL or Browser tests that were skipped
	stray      strings.Builder
}

func newReport() *report {
	return &report{
		pkgs:  map[string]*pkg{},
		tests: map[[2]string]*test{},
		build: map[string]*strings.Builder{},
	}
}

// run streams in to out: a progress line per finished package, then the
// summary. It returns the error that makes the run red, if any.
func run(in io.Reader, out io.Writer, opts options) error {
	r := newReport()
	br := bufio.NewReader(in)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			fmt.Fprint(out, r.addLine(line))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading go test output: %w", err)
		}
	}
	summary, err := r.summary(opts)
	fmt.Fprint(out, summary)
	return err
}

// addLine takes one line of the stream and returns what to print right away.
func (r *report) addLine(line []byte) string {
	var ev event
	if err := json.Unmarshal(line, &ev); err != nil || ev.Action == "" {
		// Not test2json: go itself complaining (go.mod, bad flags...). Show
		// it now and again in the summary.
		s := strings.TrimRight(string(line), "\n") + "\n"
		r.stray.WriteString(s)
		return s
	}
	return r.add(ev)
}

// add records ev and returns the progress line to print, if any.
func (r *report) add(ev event) string {
	switch ev.Action {
	case "build-output":
		b := r.build[ev.ImportPath]
		if b == nil {
			b = &strings.Builder{}
			r.build[ev.ImportPath] = b
		}
		b.WriteString(ev.Output)
		return ""
	case "build-fail":
		return ""
	}
	if ev.Package == "" {
		return ""
	}
	p := r.pkg(ev.Package)
	if ev.Test == "" {
		switch ev.Action {
		case "output":
			p.output.WriteString(ev.Output)
		case "pass", "fail", "skip":
			return r.finishPackage(p, ev)
		}
		return ""
	}

	t := r.test(p, ev.Test)
	switch ev.Action {
	case "output":
		t.output.WriteString(ev.Output)
	case "pass", "fail", "skip":
		r.finishTest(p, t, ev.Action)
	}
	return ""
}

func (r *report) pkg(name string) *pkg {
	p := r.pkgs[name]
	if p == nil {
		p = &pkg{name: name}
		r.pkgs[name] = p
	}
	return p
}

func (r *report) test(p *pkg, name string) *test {
	k := [2]string{p.name, name}
	t := r.tests[k]
	if t == nil {
		t = &test{pkg: p.name, name: name}
		r.tests[k] = t
		p.running = append(p.running, t)
	}
	return t
}

func (r *report) finishTest(p *pkg, t *test, action string) {
	if t.done {
		return
	}
	t.done = true
	p.running = slices.DeleteFunc(p.running, func(x *test) bool { return x == t })
	pg, br := isPostgres(t.name), isBrowser(t.name)
	switch action {
	case "pass":
		r.pass++
	case "fail":
		r.fail++
		p.failedTests++
		r.failed = append(r.failed, t)
	case "skip":
		r.skip++
		if pg || br {
			r.skippedSvc = append(r.skippedSvc, t.pkg+" "+t.name)
		}
		return
	}
	if pg {
		r.postgres++
	}
	if br {
		r.browser++
	}
}

func (r *report) finishPackage(p *pkg, ev event) string {
	p.action, p.elapsed, p.failedBuild = ev.Action, ev.Elapsed, ev.FailedBuild
	// A test binary that dies (os.Exit, timeout, crash) can leave tests
	// without a result: they did not pass, so count them as failed.
	for _, t := range slices.Clone(p.running) {
		t.output.WriteString("(no result: the test binary exited while this test was running)\n")
		r.finishTest(p, t, "fail")
	}
	return p.line() + "\n"
}

// line is the package's one-line status, like go test's own.
func (p *pkg) line() string {
	switch {
	case p.failedBuild != "":
		return fmt.Sprintf("FAIL  %s [build failed]", p.name)
	case p.action == "skip":
		return fmt.Sprintf("?     %s [no test files]", p.name)
	case p.action == "pass":
		return fmt.Sprintf("ok    %s %.2fs", p.name, p.elapsed)
	case p.action == "fail":
		return fmt.Sprintf("FAIL  %s %.2fs", p.name, p.elapsed)
	default:
		return fmt.Sprintf("FAIL  %s [no result]", p.name)
	}
}

func isPostgres(name string) bool {
	return strings.Contains(name, "PostgreSQL") || strings.Contains(name, "postgres")
}

func isBrowser(name string) bool { return strings.Contains(name, "Browser") }

// summary renders the end-of-run report and decides whether the run is red.
// The last line is always "N passed, N failed, N skipped".
func (r *report) summary(opts options) (string, error) {
	var b strings.Builder
	var problems []error

	b.WriteString("\n=== Packages\n")
	noTests := 0
	var buildFailed, pkgFailed []*pkg
	for _, name := range slices.Sorted(maps.Keys(r.pkgs)) {
		p := r.pkgs[name]
		switch {
		case p.failedBuild != "":
			buildFailed = append(buildFailed, p)
		case p.action == "skip":
			noTests++
			continue
		case p.action != "pass" && p.failedTests == 0:
			// Failed (or never finished) without a failing test: TestMain,
			// init, or the binary itself went wrong.
			pkgFailed = append(pkgFailed, p)
		}
		b.WriteString(p.line() + "\n")
	}
	if noTests > 0 {
		fmt.Fprintf(&b, "(%s without test files)\n", plural(noTests, "package"))
	}

	for _, t := range r.failed {
		fmt.Fprintf(&b, "\n=== FAIL %s %s\n%s", t.pkg, t.name, t.output.String())
	}
	for _, p := range buildFailed {
		out := r.build[p.failedBuild]
		text := "(no build output)\n"
		if out != nil {
			text = out.String()
		}
		fmt.Fprintf(&b, "\n=== BUILD FAILED %s\n%s", p.name, text)
	}
	for _, p := range pkgFailed {
		fmt.Fprintf(&b, "\n=== FAIL %s (outside any test)\n%s", p.name, p.output.String())
	}
	if r.stray.Len() > 0 {
		fmt.Fprintf(&b, "\n=== Other output from go test\n%s", r.stray.String())
	}

	if r.fail > 0 {
		problems = append(problems, fmt.Errorf("%s failed", plural(r.fail, "test")))
	}
	if len(buildFailed) > 0 {
		problems = append(problems, fmt.Errorf("%s failed to build", plural(len(buildFailed), "package")))
	}
	if len(pkgFailed) > 0 {
		problems = append(problems, fmt.Errorf("%s failed outside any test", plural(len(pkgFailed), "package")))
	}
	if len(r.pkgs) == 0 {
		problems = append(problems, errors.New("go test reported no packages"))
	}
	if opts.strict {
		for _, name := range r.skippedSvc {
			problems = append(problems, fmt.Errorf("skipped under MAJORDOME_TEST_STRICT=1: %s", name))
		}
		if !opts.partial && r.postgres == 0 {
			problems = append(problems, errors.New("no PostgreSQL test ran under MAJORDOME_TEST_STRICT=1"))
		}
		if !opts.partial && r.browser == 0 {
			problems = append(problems, errors.New("no Browser test ran under MAJORDOME_TEST_STRICT=1"))
		}
	}

	b.WriteString("\n")
	fmt.Fprintf(&b, "PostgreSQL tests run: %d\n", r.postgres)
	fmt.Fprintf(&b, "Browser tests run: %d\n", r.browser)
	for _, p := range problems {
		fmt.Fprintf(&b, "FAILED: %v\n", p)
	}
	fmt.Fprintf(&b, "%d passed, %d failed, %d skipped\n", r.pass, r.fail, r.skip)
	return b.String(), errors.Join(problems...)
}

// plural renders "1 test", "2 tests".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
