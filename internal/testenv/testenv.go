// Package testenv tells tests which real external services the test run
// provides (PostgreSQL, Chromium) and turns their absence into a skip, or a
// failure under ./scripts/test.
//
// ./scripts/test starts a throwaway PostgreSQL cluster, finds Chromium and
// exports MAJORDOME_TEST_PG, MAJORDOME_TEST_CHROMIUM and
// MAJORDOME_TEST_STRICT=1. A plain `go test ./...` without those variables
// skips the tests that need them, with a visible reason.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Environment variables set by ./scripts/test.
const (
	EnvPostgres = "MAJORDOME_TEST_PG"       // postgres:// URL of a superuser on a throwaway cluster
	EnvChromium = "MAJORDOME_TEST_CHROMIUM" // path of the Chromium binary
	EnvStrict   = "MAJORDOME_TEST_STRICT"   // "1": a missing service fails the test instead of skipping it
)

// chromiumNames are the binaries looked up on PATH when MAJORDOME_TEST_CHROMIUM
// is unset, in order (same list as scripts/test).
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome"}

const (
	postgresMissing = "PostgreSQL test skipped: set " + EnvPostgres + " or run ./scripts/test"
	chromiumMissing = "Browser test skipped: no chromium, chromium-browser or google-chrome on PATH; set " + EnvChromium + " or run ./scripts/test"
)

// PostgresURL returns MAJORDOME_TEST_PG, or skips the test (fails it when
// MAJORDOME_TEST_STRICT=1) with a visible reason: "PostgreSQL test skipped:
// set MAJORDOME_TEST_PG or run ./scripts/test".
func PostgresURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(EnvPostgres)
	apply(t, decide(url != "", Strict()), postgresMissing)
	return url
}

// Chromium returns the Chromium binary path from MAJORDOME_TEST_CHROMIUM, or
// looks it up on PATH (chromium, chromium-browser, google-chrome); else skips
// (fails when strict) with a visible reason.
//
// A MAJORDOME_TEST_CHROMIUM that does not name an executable always fails the
// test: the variable was set on purpose, so silently skipping would hide a
// broken setup.
func Chromium(t testing.TB) string {
	t.Helper()
	if path := os.Getenv(EnvChromium); path != "" {
		found, err := exec.LookPath(path)
		if err != nil {
			t.Fatalf("%s=%q is not usable: %v", EnvChromium, path, err)
			return ""
		}
		return found
	}
	path := lookChromium()
	apply(t, decide(path != "", Strict()), chromiumMissing)
	return path
}

// Strict reports whether MAJORDOME_TEST_STRICT=1.
func Strict() bool {
	return os.Getenv(EnvStrict) == "1"
}

// lookChromium returns the first of chromiumNames found on PATH, or "".
func lookChromium() string {
	for _, name := range chromiumNames {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
}

// decision is what a helper does about a service the test needs.
type decision int

const (
	use  decision = iota // the service is there: hand it to the test
	skip                 // missing on a casual `go test`: skip the test
	fail                 // missing under ./scripts/test: fail the test
)

// decide is the whole skip/fail policy, kept pure so it can be tested.
func decide(available, strict bool) decision {
	switch {
	case available:
		return use
	case strict:
		return fail
	default:
		return skip
	}
}

// apply carries out d on t, explaining why with reason.
func apply(t testing.TB, d decision, reason string) {
	t.Helper()
	switch d {
	case skip:
		t.Skip(reason)
	case fail:
		t.Fatal(reason + " (" + EnvStrict + "=1 turns this skip into a failure)")
	}
}
