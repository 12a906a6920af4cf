package request_test

import (
	"context"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// labels lists the categories as flat lists show them, archived ones marked with a "~".
func labels(cats []request.Category) string {
	var out []string
	for _, c := range cats {
		l := c.Label()
		if c.Archived {
			l = "~" + l
		}
		out = append(out, l)
	}
	return strings.Join(out, " | ")
}

// actions lists the audit actions on categories, oldest first.
func categoryActions(t *testing.T, log *audit.Log) []string {
	t.Helper()
	entries, _, err := log.List(context.Background(), audit.Filter{EntityType: "category", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(entries) - 1; i >= 0; i-- {
		out = append(out, entries[i].Action+" "+entries[i].EntityName)
	}
	return out
}

func TestCategoriesTree(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		k := o.desk
		cats, err := k.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := labels(cats); got != "IT & Wi-Fi | Locaux & maintenance | Fournitures | RH & paie | Comptabilité & notes de frais | Événements | Courrier & colis | Autre" {
			t.Fatalf("defaults: %s", got)
		}
		id := map[string]int64{}
		for _, c := range cats {
			id[c.Name] = c.ID
		}

		// Names are unique whatever their case and accents; a failure names the field and writes nothing.
		for name, code := range map[string]string{"evenements": "category_name_taken", "  ÉVÉNEMENTS ": "category_name_taken",
			"": "required", strings.Repeat("x", 81): "too_long"} {
			_, err := k.SaveCategory(ctx, 0, request.CategoryInput{Name: name})
			if got := fieldCodes(err)["name"]; got != code {
				t.Errorf("name %q: got %q, want %q (%v)", name, got, code, err)
			}
		}

		// A sub-category: last among its siblings, shown "Parent › Enfant", its own confidentiality.
		printers, err := k.SaveCategory(ctx, 0, request.CategoryInput{Name: "  Imprimantes ", ParentID: id["IT & Wi-Fi"]})
		if err != nil {
			t.Fatal(err)
		}
		_, err = k.SaveCategory(ctx, 0, request.CategoryInput{Name: "Badges", ParentID: id["IT & Wi-Fi"]})
		if err != nil {
			t.Fatal(err)
		}
		if printers.Name != "Imprimantes" || printers.Label() != "IT & Wi-Fi › Imprimantes" || !printers.IsChild() {
			t.Fatalf("child: %+v", printers)
		}
		_, err = k.SaveCategory(ctx, 0, request.CategoryInput{Name: "Mutuelle", ParentID: id["RH & paie"], ConfidentialDefault: true})
		if err != nil {
			t.Fatal(err)
		}
		cats, _ = k.Categories(ctx)
		if got := labels(cats); !strings.HasPrefix(got, "IT & Wi-Fi | IT & Wi-Fi › Imprimantes | IT & Wi-Fi › Badges | Locaux & maintenance") ||
			!strings.Contains(got, "RH & paie | RH & paie › Mutuelle | Comptabilité") {
			t.Fatalf("tree: %s", got)
		}

		// One level only, no cycles, no unknown parents.
		for what, c := range map[string]struct {
			id   int64
			in   request.CategoryInput
			code string
		}{
			"grandchild":        {0, request.CategoryInput{Name: "Toner", ParentID: printers.ID}, "category_parent_nested"},
			"unknown parent":    {0, request.CategoryInput{Name: "Toner", ParentID: 999999}, "category_parent_unknown"},
			"malformed parent":  {0, request.CategoryInput{Name: "Toner", ParentID: -1}, "category_parent_unknown"},
			"own parent":        {id["Autre"], request.CategoryInput{Name: "Autre", ParentID: id["Autre"]}, "category_parent_self"},
			"parent with child": {id["IT & Wi-Fi"], request.CategoryInput{Name: "IT & Wi-Fi", ParentID: id["Autre"]}, "category_has_children"},
		} {
			_, err := k.SaveCategory(ctx, c.id, c.in)
			if got := fieldCodes(err)["parent"]; got != c.code {
				t.Errorf("%s: got %q, want %q (%v)", what, got, c.code, err)
			}
		}

		// Renaming to its own name in other case is fine; moving under another parent puts it last there.
		moved, err := k.SaveCategory(ctx, printers.ID, request.CategoryInput{Name: "imprimantes", ParentID: id["Fournitures"]})
		if err != nil {
			t.Fatal(err)
		}
		if moved.Label() != "Fournitures › imprimantes" {
			t.Fatalf("moved: %+v", moved)
		}
		if _, err := k.SaveCategory(ctx, printers.ID, request.CategoryInput{Name: "Imprimantes", ParentID: id["IT & Wi-Fi"]}); err != nil {
			t.Fatal(err)
		}

		// Up and down among siblings; a parent moves with its children; past the ends stays put.
		if err := k.MoveCategory(ctx, printers.ID, -1); err != nil {
			t.Fatal(err)
		}
		if err := k.MoveCategory(ctx, id["IT & Wi-Fi"], 1); err != nil {
			t.Fatal(err)
		}
		if err := k.MoveCategory(ctx, id["Autre"], 5); err != nil {
			t.Fatal(err)
		}
		cats, _ = k.Categories(ctx)
		if got := labels(cats); !strings.HasPrefix(got, "Locaux & maintenance | IT & Wi-Fi | IT & Wi-Fi › Imprimantes | IT & Wi-Fi › Badges | Fournitures") ||
			!strings.HasSuffix(got, "Autre") {
			t.Fatalf("after moves: %s", got)
		}

		// Confidential by default applies to the sub-category's new requests.
		r, err := k.Create(ctx, request.NewRequest{Title: "Remboursement lunettes", RequesterEmail: "zoe@x.fr", Category: "mutuelle"})
		if err != nil || !r.Confidential || r.Category != "Mutuelle" {
			t.Fatalf("mutuelle request: %+v %v", r, err)
		}

		got := strings.Join(categoryActions(t, o.log), "\n")
		for _, want := range []string{"category.create IT & Wi-Fi › Imprimantes", "category.update Fournitures › imprimantes",
			"category.update IT & Wi-Fi › Imprimantes", "category.move IT & Wi-Fi › Imprimantes", "category.move IT & Wi-Fi"} {
			if !strings.Contains(got, want+"\n") && !strings.HasSuffix(got, want) {
				t.Errorf("audit lacks %q:\n%s", want, got)
			}
		}
		if strings.Contains(got, "category.move Autre") {
			t.Errorf("a move past the end changed nothing and must not be audited:\n%s", got)
		}
	})
}

func TestCategoryArchive(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		k := o.desk
		events, err := k.SaveCategory(ctx, 0, request.CategoryInput{Name: "Séminaire", ParentID: 0})
		if err != nil {
			t.Fatal(err)
		}
		venue, err := k.SaveCategory(ctx, 0, request.CategoryInput{Name: "Lieu", ParentID: events.ID})
		if err != nil {
			t.Fatal(err)
		}
		old, err := k.Create(ctx, request.NewRequest{Title: "Réserver une salle à Lyon", RequesterEmail: "zoe@x.fr", Category: "Lieu"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.Create(ctx, request.NewRequest{Title: "Traiteur", RequesterEmail: "zoe@x.fr", Category: "seminaire"}); err != nil {
			t.Fatal(err)
		}
		use, err := k.CategoryUsage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if use[venue.ID] != (request.CategoryUse{Open: 1, Total: 1}) || use[events.ID].Total != 1 {
			t.Fatalf("usage: %+v", use)
		}

		// Archiving a parent archives its sub-categories; nothing is deleted.
		followed, err := k.ArchiveCategory(ctx, events.ID)
		if err != nil || followed != 1 {
			t.Fatalf("archive: %d %v", followed, err)
		}
		active, _ := k.Categories(ctx)
		all, _ := k.AllCategories(ctx)
		if strings.Contains(labels(active), "Séminaire") || !strings.Contains(labels(all), "~Séminaire | ~Séminaire › Lieu") {
			t.Fatalf("active %s / all %s", labels(active), labels(all))
		}

		// The old request keeps its category and shows its name; it may be edited without changing it.
		got, err := k.Get(ctx, o.camille, old.Number)
		if err != nil || got.Category != "Lieu" || got.CategoryID != venue.ID {
			t.Fatalf("old request: %+v %v", got, err)
		}
		same := "lieu"
		st := request.StatusOpen
		if got, err = k.Update(ctx, o.camille, old.Number, request.Change{Category: &same, Status: &st}); err != nil || got.CategoryID != venue.ID {
			t.Fatalf("edit keeping an archived category: %+v %v", got, err)
		}

		// New requests, and other requests, may not take it: a field error on category.
		_, err = k.Create(ctx, request.NewRequest{Title: "Navette", RequesterEmail: "zoe@x.fr", Category: "Lieu"})
		if c := fieldCodes(err)["category"]; c != "category_archived" {
			t.Fatalf("create with archived: %q %v", c, err)
		}
		other, _ := k.Create(ctx, request.NewRequest{Title: "Wi-Fi", RequesterEmail: "zoe@x.fr"})
		if _, err := k.Update(ctx, o.camille, other.Number, request.Change{Category: &same}); fieldCodes(err)["category"] != "category_archived" {
			t.Fatalf("update to archived: %v", err)
		}
		// Nor be a parent, nor take a name an archived category has.
		if _, err := k.SaveCategory(ctx, 0, request.CategoryInput{Name: "Traiteur", ParentID: events.ID}); fieldCodes(err)["parent"] != "category_parent_archived" {
			t.Fatalf("archived parent: %v", err)
		}
		if _, err := k.SaveCategory(ctx, 0, request.CategoryInput{Name: "seminaire"}); fieldCodes(err)["name"] != "category_name_archived" {
			t.Fatalf("archived name: %v", err)
		}
		// An archived category has no place to move to.
		if err := k.MoveCategory(ctx, venue.ID, -1); fieldCodes(err)["category"] != "category_archived" {
			t.Fatalf("move archived: %v", err)
		}

		// A sub-category waits for its parent; the parent comes back last among its siblings.
		if err := k.RestoreCategory(ctx, venue.ID); fieldCodes(err)["parent"] != "category_parent_archived" {
			t.Fatalf("restore before parent: %v", err)
		}
		if err := k.RestoreCategory(ctx, events.ID); err != nil {
			t.Fatal(err)
		}
		if err := k.RestoreCategory(ctx, venue.ID); err != nil {
			t.Fatal(err)
		}
		active, _ = k.Categories(ctx)
		if !strings.HasSuffix(labels(active), "Autre | Séminaire | Séminaire › Lieu") {
			t.Fatalf("restored: %s", labels(active))
		}
		if _, err := k.Create(ctx, request.NewRequest{Title: "Navette", RequesterEmail: "zoe@x.fr", Category: "Lieu"}); err != nil {
			t.Fatal(err)
		}
		if _, err := k.Category(ctx, 999999); err != request.ErrCategoryNotFound {
			t.Fatalf("unknown: %v", err)
		}

		want := []string{"category.create Séminaire", "category.create Séminaire › Lieu", "category.archive Séminaire › Lieu",
			"category.archive Séminaire", "category.restore Séminaire", "category.restore Séminaire › Lieu"}
		if got := categoryActions(t, o.log); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
