package pack_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"majordome/internal/article"
	"majordome/internal/auth"
	"majordome/internal/checklist"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/markdown"
	"majordome/internal/pack"
	"majordome/internal/testutil"
)

// Real enough files for the desk's rules, which read the first bytes.
var (
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 300)...)
	pdfBytes = []byte("%PDF-1.4\n% un devis\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
)

var admin = article.Viewer{Name: "Camille", Role: auth.Admin}

// fresh is another empty database on the same engine as d.
func fresh(t *testing.T, d *db.DB) *db.DB {
	if d.Dialect == db.Postgres {
		return testutil.Postgres(t)
	}
	return testutil.SQLite(t)
}

// TestFilesRoundTrip checks a pack carries the articles' files: the export writes them in
// files/SLUG/ with the links turned into those paths, and importing the export into an empty
// bible stores the same bytes with each article, its rendered text showing the images from
// their new addresses; importing it again changes nothing.
func TestFilesRoundTrip(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		moving, err := b.articles.Create(ctx(), admin, article.Article{Slug: "demenagement", Title: "Déménagement",
			Body: "Le plan."})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := b.articles.AddFile(ctx(), admin, moving, article.Upload{Name: "plan du 3e (v2).png",
			ContentType: "image/png", SHA256: sum(pngBytes), Data: pngBytes})
		if err != nil {
			t.Fatal(err)
		}
		quote, err := b.articles.AddFile(ctx(), admin, moving, article.Upload{Name: "devis.pdf",
			ContentType: "application/pdf", SHA256: sum(pdfBytes), Data: pdfBytes})
		if err != nil {
			t.Fatal(err)
		}
		body := fmt.Sprintf("Le plan :\n\n![Plan du 3e](/bible/demenagement/files/%d \"Le 3e\")\n\n"+
			"Le [devis][d] et [ailleurs](https://exemple.fr/plan.png).\n\n```\n![code](/bible/demenagement/files/%d)\n```\n\n"+
			"[d]: /bible/autre-slug/files/%d\n", plan.ID, plan.ID, quote.ID)
		if _, err := b.articles.Update(ctx(), admin, moving.ID, article.Article{Slug: "demenagement",
			Title: "Déménagement", Body: body}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.checklists.CreateTemplate(ctx(), checklist.Template{Slug: "cartons", Title: "Cartons",
			Anchor: "date", Description: fmt.Sprintf("Voir [le plan](/bible/demenagement/files/%d).", plan.ID),
			Tasks: []checklist.Task{{Title: "Étiqueter", Offset: -2, Unit: "calendar", Owner: "role:office_manager"}}}); err != nil {
			t.Fatal(err)
		}

		files, err := b.packs.Export(ctx(), pack.Meta{Name: "Export"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]byte{}
		for _, f := range files {
			got[f.Path] = f.Data
		}
		if !bytes.Equal(got["files/demenagement/plan-du-3e--v2-.png"], pngBytes) ||
			!bytes.Equal(got["files/demenagement/devis.pdf"], pdfBytes) {
			t.Fatalf("exported files: %v", slices.Collect(mapKeys(got)))
		}
		md := string(got["demenagement.md"])
		for _, want := range []string{"![Plan du 3e](files/demenagement/plan-du-3e--v2-.png \"Le 3e\")",
			"[d]: files/demenagement/devis.pdf", "(https://exemple.fr/plan.png)",
			fmt.Sprintf("![code](/bible/demenagement/files/%d)", plan.ID)} {
			if !strings.Contains(md, want) {
				t.Fatalf("demenagement.md lacks %q:\n%s", want, md)
			}
		}
		if !strings.Contains(string(got["cartons.md"]), "[le plan](files/demenagement/plan-du-3e--v2-.png)") {
			t.Fatalf("cartons.md:\n%s", got["cartons.md"])
		}

		// Through a zip, into another empty bible.
		zipped := t.TempDir() + "/export.zip"
		if err := pack.WriteZip(zipped, files); err != nil {
			t.Fatal(err)
		}
		src, err := pack.ReadPath(zipped)
		if err != nil || len(src.Problems) > 0 {
			t.Fatalf("reading the export: %v %v", err, src.Problems)
		}
		other := newBible(t, fresh(t, d))
		dry, err := other.packs.Check(ctx(), src)
		if err != nil || dry.Files != 2 || dry.Created != 2 || len(dry.Images) != 0 {
			t.Fatalf("dry run: %+v, %v", dry, err)
		}
		if n := count(t, other.d, "article_files"); n != 0 {
			t.Fatalf("a dry run stored %d files", n)
		}
		imported, err := other.packs.Import(ctx(), src)
		if err != nil || imported.Files != 2 || imported.Created != 2 {
			t.Fatalf("import: %+v, %v", imported, err)
		}
		if c := imported.Changes[0]; c.Slug != "demenagement" || len(c.Files) != 2 {
			t.Fatalf("change: %+v", c)
		}
		a, err := other.articles.BySlug(ctx(), "demenagement")
		if err != nil {
			t.Fatal(err)
		}
		if a.Version != 1 {
			t.Errorf("an imported article with files: version %d, want 1", a.Version)
		}
		stored, err := other.articles.Files(ctx(), a)
		if err != nil || len(stored) != 2 {
			t.Fatalf("stored files: %+v, %v", stored, err)
		}
		html := string(markdown.Render(a.Body))
		img := regexp.MustCompile(`<img src="/bible/demenagement/files/(\d+)"`).FindStringSubmatch(html)
		if img == nil {
			t.Fatalf("no image in the rendered article:\n%s\n%s", a.Body, html)
		}
		var id int64
		fmt.Sscan(img[1], &id)
		f, data, err := other.articles.FileData(ctx(), admin, id)
		if err != nil || !bytes.Equal(data, pngBytes) || f.ContentType != "image/png" || !f.IsImage() {
			t.Fatalf("the image's file: %+v, %v", f, err)
		}
		pdfLink := regexp.MustCompile(`\[d\]: /bible/demenagement/files/(\d+)`).FindStringSubmatch(a.Body)
		if pdfLink == nil {
			t.Fatalf("the devis link:\n%s", a.Body)
		}
		fmt.Sscan(pdfLink[1], &id)
		if _, data, err := other.articles.FileData(ctx(), admin, id); err != nil || !bytes.Equal(data, pdfBytes) {
			t.Fatalf("the devis: %v", err)
		}
		c, err := other.checklists.TemplateBySlug(ctx(), "cartons")
		if err != nil || !strings.Contains(c.Description, "[le plan](/bible/demenagement/files/"+img[1]+")") {
			t.Fatalf("the checklist's link: %q, %v", c.Description, err)
		}

		// Again: nothing changes, no file is stored twice.
		again, err := other.packs.Import(ctx(), src)
		if err != nil || again.Created+again.Updated != 0 || again.Files != 0 {
			t.Fatalf("second import: %+v, %v", again, err)
		}
		if n := count(t, other.d, "article_files"); n != 2 {
			t.Fatalf("%d files after importing twice", n)
		}
		// And the export of the import is the export.
		files2, err := other.packs.Export(ctx(), pack.Meta{Name: "Export"})
		if err != nil {
			t.Fatal(err)
		}
		if len(files2) != len(files) {
			t.Fatalf("%d files, then %d", len(files), len(files2))
		}
		for i := range files {
			if files[i].Path != files2[i].Path || !bytes.Equal(files[i].Data, files2[i].Data) {
				t.Fatalf("%s differs:\n%s\n----\n%s", files[i].Path, files[i].Data, files2[i].Data)
			}
		}
	})
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func mapKeys(m map[string][]byte) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestPackFilesByHand checks a pack written by hand: images beside the Markdown, in a
// subfolder, with spaces, linked from two articles; a file added to an article already in the
// bible is an update; a file nobody links to is left out and said.
func TestPackFilesByHand(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		src := &pack.Source{Files: []pack.SourceFile{
			{Path: "pack.yaml", Data: []byte(metaYAML)},
			{Path: "guides/wifi.md", Data: []byte("---\ntype: article\ntitle: Wi-Fi\n---\n![QR](<../images/qr code.png>)\n")},
			{Path: "fuite.md", Data: []byte("---\ntype: article\ntitle: Fuite\n---\n![QR](images/qr%20code.png)\n")},
			{Path: "images/qr code.png", Data: pngBytes},
			{Path: "images/vieux.png", Data: pngBytes},
		}}
		plan, err := b.packs.Import(ctx(), src)
		if err != nil {
			t.Fatal(err)
		}
		if plan.Files != 2 || !slices.Equal(plan.Images, []string{"images/vieux.png"}) {
			t.Fatalf("plan: %+v", plan)
		}
		for _, slug := range []string{"wifi", "fuite"} {
			a, err := b.articles.BySlug(ctx(), slug)
			if err != nil {
				t.Fatal(err)
			}
			fs, _ := b.articles.Files(ctx(), a)
			if len(fs) != 1 || fs[0].Filename != "qr code.png" ||
				a.Body != fmt.Sprintf("![QR](/bible/%s/files/%d)", slug, fs[0].ID) {
				t.Fatalf("%s: %q %+v", slug, a.Body, fs)
			}
		}

		// A file in the article's folder, linked from nowhere, is the article's too.
		src.Files = append(src.Files, pack.SourceFile{Path: "files/fuite/devis.pdf", Data: pdfBytes})
		plan, err = b.packs.Check(ctx(), src)
		if err != nil {
			t.Fatal(err)
		}
		var fuite pack.Change
		for _, c := range plan.Changes {
			if c.Slug == "fuite" {
				fuite = c
			}
		}
		if plan.Updated != 1 || fuite.Action != pack.Update ||
			!slices.Equal(fuite.Diffs, []pack.Diff{{Field: "file", After: "files/fuite/devis.pdf"}}) {
			t.Fatalf("plan: %+v, fuite %+v", plan, fuite)
		}
	})
}

// TestPackFileProblems checks a pack whose files are missing, refused or too large is refused
// whole, each problem at the file and line of the link, dry run included, and nothing is
// written.
func TestPackFileProblems(t *testing.T) {
	article := func(body string) string { return "---\ntype: article\ntitle: Wi-Fi\n---\nTexte.\n\n" + body }
	cases := []struct {
		name  string
		files map[string][]byte
		want  []string
	}{
		{"missing", map[string][]byte{"wifi.md": []byte(article("![QR](images/qr.png)\n"))},
			[]string{"wifi.md:7 broken_file images/qr.png"}},
		{"outside the pack", map[string][]byte{"wifi.md": []byte(article("Voir [le devis](../devis.pdf).\n"))},
			[]string{"wifi.md:7 broken_file ../devis.pdf"}},
		{"refused kind", map[string][]byte{"wifi.md": []byte(article("![QR](qr.png)\n")),
			"qr.png": []byte("<html><script>alert(1)</script></html>")},
			[]string{"wifi.md:7 file_type qr.png"}},
		{"empty", map[string][]byte{"wifi.md": []byte(article("\n[x](x.pdf)\n")), "x.pdf": {}},
			[]string{"wifi.md:8 file_empty x.pdf"}},
		{"too large", map[string][]byte{"wifi.md": []byte(article("![QR](qr.png)\n")),
			"qr.png": append(slices.Clone(pngBytes), make([]byte, 10<<20)...)},
			[]string{"qr.png too_large ", "wifi.md:7 file_too_large qr.png"}},
		{"refused in the article's folder", map[string][]byte{"wifi.md": []byte(article("")),
			"files/wifi/page.pdf": []byte("pas un pdf\x00\x01")},
			[]string{"files/wifi/page.pdf file_type page.pdf"}},
		{"checklist", map[string][]byte{"wifi.md": []byte(article("")), "qr.png": pngBytes,
			"cartons.md": []byte("---\ntype: checklist\ntitle: Cartons\nanchor: date\ntasks:\n  - title: Étiqueter\n    offset: 0\n" +
				"    unit: calendar\n    owner: role:office_manager\n    details: Voir ![QR](qr.png)\n---\nTexte\n")},
			[]string{"cartons.md:10 file_not_carried qr.png"}},
		{"code blocks are text", map[string][]byte{"wifi.md": []byte(article("```\n![QR](qr.png)\n```\n"))}, nil},
	}
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				src := &pack.Source{Files: []pack.SourceFile{{Path: "pack.yaml", Data: []byte(metaYAML)}}}
				paths := slices.Sorted(func(yield func(string) bool) {
					for k := range tc.files {
						if !yield(k) {
							return
						}
					}
				})
				for _, p := range paths {
					src.Files = append(src.Files, pack.SourceFile{Path: p, Data: tc.files[p]})
				}
				// Through a folder, as the command reads it, for the size limits.
				dir := t.TempDir()
				if err := pack.WriteDir(dir+"/p", src.Files); err != nil {
					t.Fatal(err)
				}
				src, err := pack.ReadDir(dir + "/p")
				if err != nil {
					t.Fatal(err)
				}
				for _, run := range []func(*pack.Source) (*pack.Plan, error){
					func(s *pack.Source) (*pack.Plan, error) { return b.packs.Check(ctx(), s) },
					func(s *pack.Source) (*pack.Plan, error) { return b.packs.Import(ctx(), s) },
				} {
					_, err := run(src)
					if tc.want == nil {
						if err != nil {
							t.Fatal(err)
						}
						continue
					}
					var probs pack.Problems
					if !errors.As(err, &probs) {
						t.Fatalf("want problems, got %v", err)
					}
					var got []string
					for _, p := range probs {
						got = append(got, p.Where()+" "+p.Code+" "+p.Params["target"])
					}
					if !slices.Equal(got, tc.want) {
						t.Fatalf("problems %q, want %q", got, tc.want)
					}
				}
				if tc.want != nil {
					if n := count(t, d, "articles WHERE kind = 'article'") + count(t, d, "article_files"); n != 0 {
						t.Fatalf("a refused pack wrote %d rows", n)
					}
				}
				if _, err := d.W.Exec("DELETE FROM articles"); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

// TestProblemWords checks every problem code has its words, and that a file's problem says
// the file and the line.
func TestProblemWords(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range pack.Codes {
		if !cat.Has("packs.problem." + code) {
			t.Errorf("no words for %q", code)
		}
	}
	p := pack.Problem{File: "wifi.md", Line: 7, Code: "broken_file", Params: map[string]string{"target": "images/qr.png"}}
	if got := pack.Describe(cat, "fr", p); got != "wifi.md:7: lien vers « images/qr.png » : ce fichier n'est pas dans le pack." {
		t.Errorf("%q", got)
	}
}
