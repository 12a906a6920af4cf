package pack_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"majordome/internal/article"
	"majordome/internal/checklist"
	"majordome/internal/db"
	"majordome/internal/pack"
	"majordome/internal/testutil"
	"majordome/packs"
)

func starter(t *testing.T) *pack.Source {
	t.Helper()
	src, err := pack.ReadFS(packs.Starter())
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Problems) > 0 {
		t.Fatal(src.Problems)
	}
	return src
}

// content is what an instance's bible says, without ids, times and versions, to compare two
// instances.
func content(t *testing.T, b *bible) string {
	t.Helper()
	arts, err := b.articles.All(ctx())
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, a := range arts {
		a.ID, a.Version, a.CreatedAt, a.UpdatedAt = 0, 0, a.CreatedAt.AddDate(-3000, 0, 0), a.UpdatedAt.AddDate(-3000, 0, 0)
		fmt.Fprintf(&out, "%s|%s|%s|%s|%q|%s|%s|%s|%s\n%s\n", a.Slug, a.Title, a.Kind, a.Category, a.Tags, a.Audience,
			a.Status, a.OwnerEmail, a.VerifiedUntil, a.Body)
	}
	ts, err := b.checklists.Templates(ctx())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ts {
		fmt.Fprintf(&out, "%s|%s|%s|%s|%s\n%s\n", c.Slug, c.Title, c.Anchor, c.Recurrence, c.RecurrenceDay, c.Description)
		for _, k := range c.Tasks {
			fmt.Fprintf(&out, "  %+v\n", k)
		}
	}
	return out.String()
}

// TestStarterPack checks the promise: the starter pack imports into an empty instance,
// exporting it and importing the export into another empty instance gives identical articles
// and checklists, and the export is the same bytes every time.
func TestStarterPack(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		if empty, err := b.packs.IsEmpty(ctx()); err != nil || !empty {
			t.Fatalf("a new instance's bible: empty %v, %v", empty, err)
		}
		plan, err := b.packs.Import(ctx(), starter(t))
		if err != nil {
			t.Fatal(err)
		}
		if plan.Created != 20 || plan.Updated != 0 || plan.Unchanged != 0 || plan.Meta.Name != "Pack de démarrage" {
			t.Fatalf("plan: %+v", plan)
		}
		if empty, _ := b.packs.IsEmpty(ctx()); empty {
			t.Fatal("the bible is still empty after the starter pack")
		}

		// What the pack said is what the bible holds, links included.
		dpae, err := b.articles.BySlug(ctx(), "dpae")
		if err != nil {
			t.Fatal(err)
		}
		if dpae.Kind != article.KindArticle || dpae.Audience != "agents" || dpae.VerifiedUntil.String() != "2027-06-30" ||
			!strings.Contains(dpae.Body, "](/bible/checklists/arrivee-salarie)") ||
			!strings.Contains(dpae.Body, "](/bible/visite-information-prevention)") {
			t.Fatalf("dpae: %+v", dpae)
		}
		onb, err := b.checklists.TemplateBySlug(ctx(), "arrivee-salarie")
		if err != nil {
			t.Fatal(err)
		}
		want := checklist.Task{Title: "Faire la DPAE", Offset: -8, OffsetEnd: -1, Unit: "calendar",
			Owner: "role:office_manager", ArticleSlug: "dpae",
			Details: "Au plus tôt 8 jours avant l'embauche, au plus tard juste avant la prise de poste. Gardez l'accusé de réception de l'URSSAF."}
		if onb.Anchor != "person_start" || len(onb.Tasks) < 10 || onb.Tasks[1] != want {
			t.Fatalf("onboarding: %+v", onb)
		}
		if !strings.Contains(onb.Description, "](/bible/checklists/arrivee-stagiaire)") {
			t.Fatalf("onboarding description: %q", onb.Description)
		}

		files, err := b.packs.Export(ctx(), plan.Meta)
		if err != nil {
			t.Fatal(err)
		}
		exported := content(t, b)

		// Another empty instance, fed the export: the same bible.
		other := newBible(t, testutil.SQLite(t))
		plan2, err := other.packs.Import(ctx(), &pack.Source{Files: files})
		if err != nil {
			t.Fatal(err)
		}
		if plan2.Created != 20 {
			t.Fatalf("importing the export: %+v", plan2)
		}
		if got := content(t, other); got != exported {
			t.Fatalf("the export imported elsewhere differs:\n%s\n---- want\n%s", got, exported)
		}
		again, err := other.packs.Export(ctx(), plan.Meta)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != len(files) {
			t.Fatalf("%d files, then %d", len(files), len(again))
		}
		for i := range files {
			if files[i].Path != again[i].Path || !bytes.Equal(files[i].Data, again[i].Data) {
				t.Fatalf("export is not deterministic: %s\n%s\n----\n%s", files[i].Path, files[i].Data, again[i].Data)
			}
		}
		// The export is the pack format: links written as file names again.
		i := slices.IndexFunc(files, func(f pack.SourceFile) bool { return f.Path == "dpae.md" })
		if i < 0 || !strings.Contains(string(files[i].Data), "](arrivee-salarie.md)") ||
			!strings.HasPrefix(string(files[i].Data), "---\ntype: article\ntitle: ") {
			t.Fatalf("dpae.md exported:\n%s", files[i].Data)
		}
	})
}

// TestImportTwice checks importing a pack again changes nothing: every entry unchanged, no new
// article version, no audit entry.
func TestImportTwice(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		if _, err := b.packs.Import(ctx(), starter(t)); err != nil {
			t.Fatal(err)
		}
		before := content(t, b)
		versions := map[string]int{}
		arts, _ := b.articles.All(ctx())
		for _, a := range arts {
			versions[a.Slug] = a.Version
		}
		audits := count(t, d, "audit_log")

		plan, err := b.packs.Import(ctx(), starter(t))
		if err != nil {
			t.Fatal(err)
		}
		if plan.Created != 0 || plan.Updated != 0 || plan.Unchanged != 20 {
			t.Fatalf("second import: %d created, %d updated, %d unchanged", plan.Created, plan.Updated, plan.Unchanged)
		}
		for _, c := range plan.Changes {
			if c.Action != pack.Unchanged || len(c.Diffs) != 0 {
				t.Errorf("%s: %s %+v", c.File, c.Action, c.Diffs)
			}
		}
		if got := content(t, b); got != before {
			t.Fatal("the second import changed the bible")
		}
		arts, _ = b.articles.All(ctx())
		for _, a := range arts {
			if a.Version != versions[a.Slug] {
				t.Errorf("%s: version %d, was %d", a.Slug, a.Version, versions[a.Slug])
			}
		}
		if n := count(t, d, "audit_log"); n != audits {
			t.Errorf("audit entries: %d, were %d", n, audits)
		}
	})
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.R.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
