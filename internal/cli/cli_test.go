package cli

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"majordome/internal/db"
)

func TestVersion(t *testing.T) {
	r := newShell(t).mustRun("version")
	if r.stdout != "majordome "+Version+"\n" || r.stderr != "" {
		t.Fatalf("stdout %q, stderr %q", r.stdout, r.stderr)
	}
}

// TestHelp checks every way of asking for help answers on stdout with status 0: a person who
// pipes it into less or grep gets it, and scripts do not see a failure.
func TestHelp(t *testing.T) {
	sh := newShell(t)
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		r := sh.run(args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage: majordome [command]") || r.stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
		for _, c := range commands() {
			if !strings.Contains(r.stdout, c.name) {
				t.Errorf("%v: the command list lacks %q", args, c.name)
			}
		}
	}
	for _, c := range commands() {
		args := append(strings.Fields(c.name), "--help")
		r := sh.run(args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "Usage: majordome "+c.name) || r.stderr != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		// Every command takes the common settings as flags too.
		if c.name != "version" && !strings.Contains(r.stdout, "-data") {
			t.Errorf("%s --help does not list -data:\n%s", c.name, r.stdout)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	sh := newShell(t)
	for _, args := range [][]string{{"frobnicate"}, {"user", "delete"}, {"token"}} {
		r := sh.run(args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
		if want := `unknown command "` + strings.Join(args, " ") + `"`; !strings.Contains(r.stderr, want) ||
			!strings.Contains(r.stderr, "Commands:") {
			t.Errorf("%v: stderr should say %s and list the commands:\n%s", args, want, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%v: stdout %q, want nothing", args, r.stdout)
		}
	}
}

// TestBadSetting checks a wrong setting stops every command with one line that names the
// setting, before anything is opened or created.
func TestBadSetting(t *testing.T) {
	cases := []struct{ setting, value string }{
		{"MAJORDOME_ADDR", "nonsense"},
		{"MAJORDOME_DB", "mysql://x"},
		{"MAJORDOME_BASE_URL", "ftp://x"},
	}
	for _, c := range cases {
		for _, cmd := range [][]string{{"serve"}, {"migrate"}, {"token", "create", "--role", "agent", "--name", "x"}} {
			sh := newShell(t).with(c.setting, c.value)
			r := sh.run(cmd...)
			if r.code != 2 {
				t.Errorf("%s=%s %v: exit %d, want 2", c.setting, c.value, cmd, r.code)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, c.setting) {
				t.Errorf("%s=%s %v: want one line naming the setting, got:\n%s", c.setting, c.value, cmd, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("%s=%s %v: stdout %q", c.setting, c.value, cmd, r.stdout)
			}
		}
	}
}

// TestBadFlag checks a mistyped flag is a usage error (status 2) that names the flag.
func TestBadFlag(t *testing.T) {
	r := newShell(t).run("migrate", "--nope")
	if r.code != 2 || strings.Count(r.stderr, "-nope") != 1 || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("exit %d, want 2 and one line naming the flag; stderr:\n%s", r.code, r.stderr)
	}
}

func TestMigrate(t *testing.T) {
	sh := newShell(t)
	re := regexp.MustCompile(`^Database schema is at version (\d+)\.\n$`)
	first := sh.mustRun("migrate")
	m := re.FindStringSubmatch(first.stdout)
	if m == nil {
		t.Fatalf("stdout %q", first.stdout)
	}
	// The version printed is the one the database is really at, and the newest this binary knows.
	d, err := db.Open(context.Background(), sh.vars["MAJORDOME_DATA"]+"/majordome.db")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cur, latest, err := d.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if m[1] != strconv.FormatInt(cur, 10) || cur != latest || cur < 1 {
		t.Fatalf("printed version %s; database at %d, newest %d", m[1], cur, latest)
	}
	// Running it again changes nothing and says the same.
	if again := sh.mustRun("migrate"); again.stdout != first.stdout {
		t.Fatalf("second migrate: %q, first: %q", again.stdout, first.stdout)
	}
}
