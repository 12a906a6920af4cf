package cli

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures are copies, byte for byte, of /work/shared/fixtures/people: Windows-1252, semicolons,
// dd/mm/yyyy, as Excel saves a CSV in France.
const (
	goodFile = "testdata/salaries-excel-fr.csv"
	badFile  = "testdata/salaries-excel-fr-erreurs.csv"
)

func TestImportPeople(t *testing.T) {
	sh := newShell(t)
	r := sh.mustRun("import", "people", "--dry-run", goodFile)
	if r.stdout != "Dry run, nothing written: 12 new, 0 updated, 0 unchanged.\n" {
		t.Fatalf("dry run: %q", r.stdout)
	}
	if st := directoryStats(t, sh); st.Active != 0 {
		t.Fatalf("the dry run wrote %d people", st.Active)
	}

	r = sh.mustRun("import", "people", goodFile)
	if r.stdout != "Imported 12 new, 0 updated, 0 unchanged.\n" {
		t.Fatalf("first import: %q", r.stdout)
	}
	if st := directoryStats(t, sh); st.Active != 12 || st.Teams != 5 || st.Sites != 3 {
		t.Fatalf("after the import: %+v", st)
	}
	// Importing the same file again is harmless: nothing changes, and it says so.
	r = sh.mustRun("import", "people", goodFile)
	if r.stdout != "Imported 0 new, 0 updated, 12 unchanged.\n" {
		t.Fatalf("second import: %q", r.stdout)
	}
}

// TestImportPeopleErrors checks a file with bad lines is refused whole, and every bad line is
// named with its reason, so the Office Manager fixes them all in one go.
func TestImportPeopleErrors(t *testing.T) {
	sh := newShell(t)
	sh.mustRun("migrate") // as after a first serve: stderr then holds the problems only
	r := sh.run("import", "people", badFile)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstderr: %s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", r.stdout)
	}
	if !strings.HasPrefix(r.stderr, "Nothing was imported: ") {
		t.Errorf("stderr does not start with the summary:\n%s", r.stderr)
	}
	// Each bad line, with its reasons in words (not codes such as email_invalid). Line 4 has two:
	// an impossible date, and a manager whose own line (3) is refused.
	byLine := map[string][]string{}
	for _, l := range strings.Split(r.stderr, "\n") {
		if prefix, reason, ok := strings.Cut(strings.TrimSpace(l), ": "); ok && strings.HasPrefix(prefix, "line ") {
			byLine[prefix] = append(byLine[prefix], strings.ToLower(reason))
		}
	}
	want := map[string]string{"line 3": "email", "line 4": "date", "line 5": "manager"}
	if len(byLine) != len(want) {
		t.Errorf("lines named: %v, want 3, 4 and 5", byLine)
	}
	for line, word := range want {
		reasons := strings.Join(byLine[line], " | ")
		if !strings.Contains(reasons, word) || strings.Contains(reasons, "_") {
			t.Errorf("%s: reasons %q, want one about the %s, in words", line, reasons, word)
		}
	}
	if st := directoryStats(t, sh); st.Active+st.Inactive != 0 || st.Teams != 0 {
		t.Fatalf("a refused file wrote: %+v", st)
	}

	// In French on request.
	if r := sh.run("import", "people", "--lang", "fr", badFile); !strings.Contains(r.stderr, "line 4: ") || r.code != 1 {
		t.Fatalf("--lang fr: exit %d\n%s", r.code, r.stderr)
	}
}

func TestImportPeopleUsage(t *testing.T) {
	sh := newShell(t)
	if r := sh.run("import", "people"); r.code != 2 || !strings.Contains(r.stderr, "file") {
		t.Errorf("no file: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := sh.run("import", "people", "testdata/nope.csv"); r.code != 1 || !strings.Contains(r.stderr, "nope.csv") {
		t.Errorf("missing file: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestBackup(t *testing.T) {
	sh := newShell(t)
	sh.mustRun("import", "people", goodFile)
	dest := filepath.Join(t.TempDir(), "majordome-2026-11-22.db")
	r := sh.mustRun("backup", dest)
	if r.stdout != "Backup written to "+dest+"\n" {
		t.Fatalf("stdout %q", r.stdout)
	}

	// The copy is a SQLite database of its own, with the people in it.
	copyDB, err := sql.Open("sqlite", "file:"+dest+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var n int
	var zoe string
	if err := copyDB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM people").Scan(&n); err != nil || n != 12 {
		t.Fatalf("people in the backup: %d, %v; want 12", n, err)
	}
	err = copyDB.QueryRowContext(context.Background(), "SELECT first_name FROM people WHERE email = 'zoe.thomas@exemple.fr'").Scan(&zoe)
	if err != nil || zoe != "Zoé" {
		t.Fatalf("Zoé in the backup: %q, %v", zoe, err)
	}

	// Never overwrite: yesterday's backup may be the only good one.
	before, _ := os.ReadFile(dest)
	r = sh.run("backup", dest)
	if r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("backup over an existing file: exit %d, stderr %q", r.code, r.stderr)
	}
	if after, _ := os.ReadFile(dest); string(after) != string(before) {
		t.Fatal("the existing file was changed")
	}

	if r := sh.run("backup"); r.code != 2 {
		t.Errorf("backup without a file: exit %d", r.code)
	}
	// PostgreSQL is backed up with pg_dump; the command says so before trying to connect.
	pg := sh.with("MAJORDOME_DB", "postgres://majordome@127.0.0.1:1/majordome")
	if r := pg.run("backup", filepath.Join(t.TempDir(), "x.db")); r.code != 1 || !strings.Contains(r.stderr, "pg_dump") {
		t.Errorf("backup on PostgreSQL: exit %d, stderr %q", r.code, r.stderr)
	}
}
