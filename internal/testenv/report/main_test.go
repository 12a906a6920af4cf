package main

import (
	"strings"
	"testing"
)

// Events as go test -json (Go 1.26) writes them, trimmed of Time.
const (
	pkgGood = `{"Action":"start","Package":"m/good"}
{"Action":"run","Package":"m/good","Test":"TestPostgreSQLPing"}
{"Action":"output","Package":"m/good","Test":"TestPostgreSQLPing","Output":"=== RUN   TestPostgreSQLPing\n"}
{"Action":"output","Package":"m/good","Test":"TestPostgreSQLPing","Output":"--- PASS: TestPostgreSQLPing (0.01s)\n"}
{"Action":"pass","Package":"m/good","Test":"TestPostgreSQLPing","Elapsed":0.01}
{"Action":"run","Package":"m/good","Test":"TestStore"}
{"Action":"run","Package":"m/good","Test":"TestStore/postgres"}
{"Action":"pass","Package":"m/good","Test":"TestStore/postgres","Elapsed":0}
{"Action":"pass","Package":"m/good","Test":"TestStore","Elapsed":0}
{"Action":"run","Package":"m/good","Test":"TestBrowserVersion"}
{"Action":"pass","Package":"m/good","Test":"TestBrowserVersion","Elapsed":0.2}
{"Action":"run","Package":"m/good","Test":"TestLater"}
{"Action":"output","Package":"m/good","Test":"TestLater","Output":"--- SKIP: TestLater (0.00s)\n"}
{"Action":"skip","Package":"m/good","Test":"TestLater","Elapsed":0}
{"Action":"output","Package":"m/good","Output":"ok  \tm/good\t0.3s\n"}
{"Action":"pass","Package":"m/good","Elapsed":0.3}
`
	pkgBad = `{"Action":"start","Package":"m/bad"}
{"Action":"run","Package":"m/bad","Test":"TestSum"}
{"Action":"output","Package":"m/bad","Test":"TestSum","Output":"=== RUN   TestSum\n"}
{"Action":"run","Package":"m/bad","Test":"TestSum/negative"}
{"Action":"output","Package":"m/bad","Test":"TestSum/negative","Output":"    sum_test.go:12: Sum(-1) = 3, want -1\n"}
{"Action":"output","Package":"m/bad","Test":"TestSum/negative","Output":"--- FAIL: TestSum/negative (0.00s)\n"}
{"Action":"fail","Package":"m/bad","Test":"TestSum/negative","Elapsed":0}
{"Action":"output","Package":"m/bad","Test":"TestSum","Output":"--- FAIL: TestSum (0.00s)\n"}
{"Action":"fail","Package":"m/bad","Test":"TestSum","Elapsed":0}
{"Action":"output","Package":"m/bad","Output":"FAIL\tm/bad\t0.01s\n"}
{"Action":"fail","Package":"m/bad","Elapsed":0.01}
`
	pkgBroken = `{"ImportPath":"m/broken [m/broken.test]","Action":"build-output","Output":"# m/broken [m/broken.test]\n"}
{"ImportPath":"m/broken [m/broken.test]","Action":"build-output","Output":"broken/b_test.go:3:39: undefined: frob\n"}
{"ImportPath":"m/broken [m/broken.test]","Action":"build-fail"}
{"Action":"start","Package":"m/broken"}
{"Action":"output","Package":"m/broken","Output":"FAIL\tm/broken [build failed]\n"}
{"Action":"fail","Package":"m/broken","Elapsed":0,"FailedBuild":"m/broken [m/broken.test]"}
`
	pkgEmpty = `{"Action":"start","Package":"m/cmd/tool"}
{"Action":"output","Package":"m/cmd/tool","Output":"?   \tm/cmd/tool\t[no test files]\n"}
{"Action":"skip","Package":"m/cmd/tool","Elapsed":0}
`
)

func runReport(t *testing.T, stream string, opts options) (string, error) {
	t.Helper()
	var out strings.Builder
	err := run(strings.NewReader(stream), &out, opts)
	return out.String(), err
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestGreenRun(t *testing.T) {
	out, err := runReport(t, pkgGood+pkgEmpty, options{strict: true})
	if err != nil {
		t.Fatalf("green run reported %v\n%s", err, out)
	}
	for _, want := range []string{
		"ok    m/good 0.30s\n",
		"?     m/cmd/tool [no test files]\n",
		"(1 package without test files)\n",
		"PostgreSQL tests run: 2\n", // TestPostgreSQLPing and TestStore/postgres
		"Browser tests run: 1\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if got, want := lastLine(out), "4 passed, 0 failed, 1 skipped"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
}

func TestRedRun(t *testing.T) {
	out, err := runReport(t, pkgGood+pkgBad+pkgBroken+pkgEmpty, options{strict: true})
	if err == nil {
		t.Fatalf("red run reported success:\n%s", out)
	}
	for _, want := range []string{
		"FAIL  m/bad 0.01s\n",
		"FAIL  m/broken [build failed]\n",
		"=== FAIL m/bad TestSum/negative\n",
		"sum_test.go:12: Sum(-1) = 3, want -1\n",
		"=== BUILD FAILED m/broken\n",
		"undefined: frob\n",
		"FAILED: 2 tests failed\n",
		"FAILED: 1 package failed to build\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if got, want := lastLine(out), "4 passed, 2 failed, 1 skipped"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
}

// Package lines must come out as packages finish, before the summary.
func TestStreamsProgress(t *testing.T) {
	out, _ := runReport(t, pkgBad+pkgGood, options{})
	bad, good, summary := strings.Index(out, "FAIL  m/bad"), strings.Index(out, "ok    m/good"), strings.Index(out, "=== Packages")
	if bad < 0 || good < 0 || summary < 0 || !(bad < good && good < summary) {
		t.Errorf("want progress lines in finishing order before the summary:\n%s", out)
	}
}

func TestStrict(t *testing.T) {
	onlyUnit := strings.NewReplacer("TestPostgreSQLPing", "TestPing", "TestStore/postgres", "TestStore/memory", "TestBrowserVersion", "TestVersion").Replace(pkgGood)
	skippedPG := strings.ReplaceAll(pkgGood, "TestLater", "TestPostgreSQLLater")
	tests := []struct {
		name    string
		stream  string
		opts    options
		wantErr string // "" for a green run
	}{
		{"no service tests, not strict", onlyUnit, options{}, ""},
		{"no service tests, strict", onlyUnit, options{strict: true}, "no PostgreSQL test ran"},
		{"no service tests, strict partial run", onlyUnit, options{strict: true, partial: true}, ""},
		{"skipped service test, not strict", skippedPG, options{}, ""},
		{"skipped service test, strict", skippedPG, options{strict: true}, "skipped under MAJORDOME_TEST_STRICT=1: m/good TestPostgreSQLLater"},
		{"skipped service test, strict partial run", skippedPG, options{strict: true, partial: true}, "skipped under"},
		{"empty stream", "", options{}, "no packages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runReport(t, tt.stream, tt.opts)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected failure %v\n%s", err, out)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error = %v, want one containing %q\n%s", err, tt.wantErr, out)
			case tt.wantErr != "" && !strings.Contains(out, "FAILED: "):
				t.Errorf("failure not explained in the output:\n%s", out)
			}
		})
	}
}

// A test binary that exits mid-test leaves tests without a result; they
// must count as failures, and stray non-JSON lines must still be shown.
func TestUnfinishedTestsAndStrayOutput(t *testing.T) {
	stream := `go: warning: something odd
{"Action":"start","Package":"m/crash"}
{"Action":"run","Package":"m/crash","Test":"TestHang"}
{"Action":"output","Package":"m/crash","Test":"TestHang","Output":"=== RUN   TestHang\n"}
{"Action":"output","Package":"m/crash","Output":"FAIL\tm/crash\t600.0s\n"}
{"Action":"fail","Package":"m/crash","Elapsed":600}
`
	out, err := runReport(t, stream, options{})
	if err == nil {
		t.Fatalf("crash reported success:\n%s", out)
	}
	for _, want := range []string{"=== FAIL m/crash TestHang\n", "(no result:", "go: warning: something odd\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if got, want := lastLine(out), "0 passed, 1 failed, 0 skipped"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
}

// A package failing with no failing test (TestMain, init) shows its own output.
func TestPackageFailureOutsideTests(t *testing.T) {
	stream := `{"Action":"start","Package":"m/main"}
{"Action":"output","Package":"m/main","Output":"setup: cannot open fixtures\n"}
{"Action":"output","Package":"m/main","Output":"FAIL\tm/main\t0.01s\n"}
{"Action":"fail","Package":"m/main","Elapsed":0.01}
`
	out, err := runReport(t, stream, options{})
	if err == nil || !strings.Contains(out, "=== FAIL m/main (outside any test)\nsetup: cannot open fixtures\n") {
		t.Errorf("err = %v; want the package output shown:\n%s", err, out)
	}
}
