package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackImportExport imports the starter pack from the repository's packs/ folder (dry run,
// then for real, then again: nothing changes), exports the bible to a folder and a zip, and
// imports the zip into another instance.
func TestPackImportExport(t *testing.T) {
	starter := filepath.Join("..", "..", "packs", "demarrage")
	sh := newShell(t)
	r := sh.mustRun("pack", "import", "--dry-run", starter)
	if !strings.HasSuffix(r.stdout, "Dry run, nothing written: 20 new, 0 updated, 0 unchanged.\n") ||
		!strings.Contains(r.stdout, "  + dpae.md (new article): Faire la DPAE") {
		t.Fatalf("dry run:\n%s", r.stdout)
	}
	r = sh.mustRun("pack", "import", starter)
	if !strings.HasSuffix(r.stdout, "Imported 20 new, 0 updated, 0 unchanged.\n") {
		t.Fatalf("import:\n%s", r.stdout)
	}
	if r := sh.mustRun("pack", "import", starter); r.stdout != "Imported 0 new, 0 updated, 20 unchanged.\n" {
		t.Fatalf("second import: %q", r.stdout)
	}

	out := t.TempDir()
	dir, zip := filepath.Join(out, "bible"), filepath.Join(out, "bible.zip")
	if r := sh.mustRun("pack", "export", dir); !strings.HasPrefix(r.stdout, "Exported ") {
		t.Fatalf("export: %q", r.stdout)
	}
	b, err := os.ReadFile(filepath.Join(dir, "fuite-d-eau.md"))
	if err != nil || !strings.Contains(string(b), "title: Que faire en cas de fuite d'eau") {
		t.Fatalf("exported fuite-d-eau.md: %v\n%s", err, b)
	}
	sh.mustRun("pack", "export", zip)
	if r := sh.run("pack", "export", dir); r.code != 1 || !strings.Contains(r.stderr, "not empty") {
		t.Errorf("export into a full folder: exit %d, %q", r.code, r.stderr)
	}

	other := newShell(t)
	// The export holds the reply templates made from the desk's default macros too, which the
	// other instance has already.
	if r := other.mustRun("pack", "import", zip); !strings.Contains(r.stdout, "\nImported 20 new, 0 updated, ") {
		t.Fatalf("importing the zip elsewhere:\n%s", r.stdout)
	}
}

// TestPackImportErrors checks a bad pack is refused whole with the file and line of each
// problem, in French on request.
func TestPackImportErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pack.yaml", "name: Mon pack\n")
	write("onboarding.md", "---\ntype: checklist\ntitle: Arrivée\nanchor: person_start\ntasks:\n  - title: Commander l'ordinateur\n    ownr: role:manager\n    unit: working\n---\nTexte\n")
	write("wifi.md", "---\ntype: article\ntitle: Wi-Fi\n---\nVoir [la fuite](fuite.md).\n")
	sh := newShell(t)
	r := sh.run("pack", "import", "--lang", "fr", dir)
	if r.code != 1 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Nothing was imported: 2 problem(s)", "  onboarding.md:7: champ inconnu « ownr »",
		"  wifi.md:5: lien cassé vers « fuite.md »"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r := sh.run("pack", "import", filepath.Join(dir, "nope.zip")); r.code != 1 {
		t.Errorf("a missing zip: exit %d", r.code)
	}
	if r := sh.run("pack", "import"); r.code != 2 {
		t.Errorf("no pack: exit %d", r.code)
	}
}

// TestPackImportFiles checks a pack carries its articles' files: a link to a missing file is
// refused with its file and line, the good pack stores the image with the article, and the
// export writes it back in files/SLUG/.
func TestPackImportFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 100)...)
	write("pack.yaml", []byte("name: Mon pack\n"))
	write("images/plan.png", png)
	write("wifi.md", []byte("---\ntype: article\ntitle: Wi-Fi\n---\n![Plan](images/plan.png)\n\n![Borne](images/borne.png)\n"))
	sh := newShell(t)
	r := sh.run("pack", "import", "--dry-run", "--lang", "fr", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "  wifi.md:7: lien vers « images/borne.png » : ce fichier n'est pas dans le pack.") {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}

	write("wifi.md", []byte("---\ntype: article\ntitle: Wi-Fi\n---\n![Plan](images/plan.png)\n"))
	r = sh.mustRun("pack", "import", dir)
	if !strings.Contains(r.stdout, "  + wifi.md (new article): Wi-Fi\n      + images/plan.png\n") ||
		!strings.HasSuffix(r.stdout, "Imported 1 new, 0 updated, 0 unchanged, 1 file(s) stored with the articles.\n") {
		t.Fatalf("import:\n%s", r.stdout)
	}
	out := filepath.Join(t.TempDir(), "bible")
	sh.mustRun("pack", "export", out)
	b, err := os.ReadFile(filepath.Join(out, "files", "wifi", "plan.png"))
	if err != nil || string(b) != string(png) {
		t.Fatalf("exported image: %v", err)
	}
	if md, _ := os.ReadFile(filepath.Join(out, "wifi.md")); !strings.Contains(string(md), "![Plan](files/wifi/plan.png)") {
		t.Fatalf("exported wifi.md:\n%s", md)
	}
}
