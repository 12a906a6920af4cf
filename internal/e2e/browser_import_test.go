package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPeopleImport imports the Office Manager's Excel export through the import page: a
// file with mistakes first (refused whole, every bad line named), then the right one.
func TestBrowserPeopleImport(t *testing.T) {
	ctx := newTab(t)
	in := start(t, sqliteSettings(t))
	welcome(t, ctx, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")
	dir := in.directory()

	// The file with errors: lines 3, 4 and 5 named, no way to confirm, nothing written.
	preview(t, ctx, in, "testdata/salaries-excel-fr-erreurs.csv")
	for _, line := range []string{"3", "4", "5"} {
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`ol.errors-list li[data-line="`+line+`"]`)))
	}
	lines := get(t, ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('ol.errors-list li')].map(li => li.dataset.line)`))
	for _, l := range lines {
		if l != "3" && l != "4" && l != "5" {
			t.Errorf("line %s is listed as wrong; only 3, 4 and 5 are", l)
		}
	}
	if get(t, ctx, chromedp.Evaluate[bool](`document.querySelector('#import-confirm') !== null`)) {
		t.Fatal("a file with errors can be confirmed")
	}
	if st, err := dir.Stats(context.Background()); err != nil || st.Active+st.Inactive != 0 {
		t.Fatalf("previewing a bad file wrote people: %+v, %v", st, err)
	}

	// The right file: 12 new people, confirmed, listed.
	preview(t, ctx, in, "testdata/salaries-excel-fr.csv")
	summary := get(t, ctx, chromedp.Text(chromedp.ID("import-summary")))
	if !strings.Contains(summary, "12") {
		t.Fatalf("the preview summary %q does not mention the 12 people", summary)
	}
	if st, _ := dir.Stats(context.Background()); st.Active != 0 {
		t.Fatalf("the preview wrote %d people before confirmation", st.Active)
	}
	screenshot(t, ctx, "import-preview")

	do(t, ctx,
		chromedp.Click(chromedp.ID("import-confirm")),
		chromedp.WaitVisible(chromedp.ID("people-results")),
	)
	if p := path(t, ctx); p != "/people" {
		t.Fatalf("after confirming: %s, want /people", p)
	}
	text := pageText(t, ctx)
	for _, name := range []string{"Zoé", "Hélène", "Maëlys", "Jérôme"} {
		if !strings.Contains(text, name) {
			t.Errorf("/people does not show %s after the import", name)
		}
	}
	if st, _ := dir.Stats(context.Background()); st.Active != 12 {
		t.Fatalf("%d people in the directory, want 12", st.Active)
	}
	screenshot(t, ctx, "people")
}

// preview uploads file on the import page and waits for the preview.
func preview(t *testing.T, ctx context.Context, in *instance, file string) {
	t.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.Navigate(in.URL+"/people/import"),
		chromedp.WaitReady(chromedp.ID("import-file")), // styled as a drop zone: present, not visible
		chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{abs}),
		chromedp.Click(chromedp.ID("import-preview")),
		// The summary exists on the preview only.
		chromedp.WaitVisible(chromedp.ID("import-summary")),
	)
}
