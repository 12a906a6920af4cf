package request_test

import (
	"context"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/search"
	"majordome/internal/testutil"
)

// A sub-category of a confidential-by-default category is one too, and filtering the queue by
// a category shows its sub-categories' requests, in the listing and in search alike.
func TestSubCategoriesInheritConfidentialityAndFilters(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		o.desk.WithSearch(search.New(d))
		ctx := context.Background()
		k := o.desk
		cats, err := k.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		id := map[string]int64{}
		for _, c := range cats {
			id[c.Name] = c.ID
		}
		mutuelle, err := k.SaveCategory(ctx, 0, request.CategoryInput{Name: "Mutuelle", ParentID: id["RH & paie"]})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.SaveCategory(ctx, 0, request.CategoryInput{Name: "Imprimantes", ParentID: id["IT & Wi-Fi"]}); err != nil {
			t.Fatal(err)
		}
		cats, _ = k.Categories(ctx)
		for _, c := range cats {
			if c.ID == mutuelle.ID && (!c.ConfidentialInherited || !c.Confidential() || c.ConfidentialDefault) {
				t.Fatalf("Mutuelle under RH & paie: %+v", c)
			}
			if c.Name == "Imprimantes" && c.Confidential() {
				t.Fatalf("Imprimantes under IT is not confidential: %+v", c)
			}
		}

		r, err := k.Create(ctx, request.NewRequest{Title: "Carte de mutuelle perdue", RequesterEmail: "zoe@x.fr", Category: "Mutuelle"})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Confidential {
			t.Fatal("a request filed under a sub-category of RH & paie must be confidential")
		}
		it, err := k.Create(ctx, request.NewRequest{Title: "Imprimante bloquée", RequesterEmail: "zoe@x.fr", Category: "Imprimantes"})
		if err != nil {
			t.Fatal(err)
		}
		top, err := k.Create(ctx, request.NewRequest{Title: "Imprimante du 2e : plus de toner", RequesterEmail: "helene@x.fr", Category: "IT & Wi-Fi"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := k.Create(ctx, request.NewRequest{Title: "Imprimer les badges visiteurs", RequesterEmail: "helene@x.fr", Category: "Fournitures"})
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"", "imprimante"} {
			page, err := k.List(ctx, o.camille, request.Filter{CategoryID: id["IT & Wi-Fi"], Text: text, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]bool{}
			for _, x := range page.Items {
				got[x.Number] = true
			}
			if len(got) != 2 || !got[it.Number] || !got[top.Number] || got[other.Number] {
				t.Fatalf("IT & Wi-Fi with %q: %v, want #%d and #%d", text, got, it.Number, top.Number)
			}
		}
	})
}
