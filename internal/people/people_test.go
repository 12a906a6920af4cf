package people_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/importfile"
	"majordome/internal/people"
	"majordome/internal/testutil"
	"majordome/internal/valid"
)

func newDir(t *testing.T, d *db.DB) (*people.Directory, *audit.Log) {
	t.Helper()
	log := audit.New(d)
	dir := people.New(d, log)
	if err := dir.Queries().Check(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if err := log.Queries().Check(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return dir, log
}

func readFixture(t *testing.T, name string) []importfile.PersonRow {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := importfile.ReadPeople(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func codes(err error) map[string]string {
	var ve valid.Errors
	out := map[string]string{}
	if errors.As(err, &ve) {
		for _, f := range ve {
			out[f.Field] = f.Code
		}
	}
	return out
}

func TestCreateValidates(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		dir, _ := newDir(t, d)
		ctx := context.Background()
		camille, err := dir.Create(ctx, people.Input{FirstName: "Camille", LastName: "Martin", Email: "Camille.Martin@exemple.fr",
			Team: "Direction", Site: "Paris - Sentier", StartDate: "01/09/2019"})
		if err != nil {
			t.Fatal(err)
		}
		if camille.StartDate.String() != "2019-09-01" || camille.Team != "Direction" || !camille.Active || camille.Language != "fr" {
			t.Fatalf("unexpected %+v", camille)
		}
		cases := []struct {
			name string
			in   people.Input
			want map[string]string
		}{
			{"bad email", people.Input{FirstName: "H", LastName: "B", Email: "helene.bernard(at)exemple.fr"}, map[string]string{"email": "email_invalid"}},
			{"duplicate email, other case", people.Input{FirstName: "C", LastName: "M", Email: "camille.martin@EXEMPLE.fr"}, map[string]string{"email": "email_taken"}},
			{"impossible date", people.Input{FirstName: "F", LastName: "D", Email: "f@exemple.fr", StartDate: "31/02/2022"}, map[string]string{"start_date": "date_invalid"}},
			{"unknown manager", people.Input{FirstName: "Z", LastName: "T", Email: "z@exemple.fr", ManagerEmail: "personne@exemple.fr"}, map[string]string{"manager_email": "manager_unknown"}},
			{"too long and missing", people.Input{FirstName: string(make([]rune, 101)), Email: "x@exemple.fr", Language: "de"},
				map[string]string{"first_name": "too_long", "last_name": "required", "language": "language_invalid"}},
		}
		for _, c := range cases {
			_, err := dir.Create(ctx, c.in)
			got := codes(err)
			for f, code := range c.want {
				if got[f] != code {
					t.Errorf("%s: field %s = %q, want %q (err %v)", c.name, f, got[f], code, err)
				}
			}
		}
		n, _ := dir.Count(ctx, people.ListParams{})
		if n != 1 {
			t.Fatalf("bad input wrote something: %d people", n)
		}
	})
}

func TestUpdateAndManagerCycle(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		dir, log := newDir(t, d)
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: "user", ID: 7, Name: "Camille"})
		a, _ := dir.Create(ctx, people.Input{FirstName: "Anne", LastName: "A", Email: "a@x.fr"})
		b, err := dir.Create(ctx, people.Input{FirstName: "Bruno", LastName: "B", Email: "b@x.fr", ManagerEmail: "a@x.fr"})
		if err != nil || b.ManagerID != a.ID {
			t.Fatalf("manager not set: %+v %v", b, err)
		}
		m := "b@x.fr"
		if _, err := dir.Update(ctx, a.ID, people.Patch{ManagerEmail: &m}); codes(err)["manager_email"] != "manager_cycle" {
			t.Fatalf("cycle accepted: %v", err)
		}
		team := "Produit"
		a2, err := dir.Update(ctx, a.ID, people.Patch{Team: &team})
		if err != nil || a2.Team != "Produit" {
			t.Fatalf("update: %+v %v", a2, err)
		}
		if _, err := dir.Deactivate(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		off := false
		list, _ := dir.List(ctx, people.ListParams{Active: &off})
		if len(list.Items) != 1 || list.Items[0].ID != b.ID {
			t.Fatalf("inactive list: %+v", list.Items)
		}
		entries, _, err := log.List(ctx, audit.Filter{EntityType: "person", EntityID: a.ID})
		if err != nil || len(entries) != 2 || entries[0].Action != "person.update" || entries[0].ActorName != "Camille" ||
			entries[0].Before == "" || entries[0].After == "" {
			t.Fatalf("audit of a: %+v %v", entries, err)
		}
		if _, err := dir.Get(ctx, 9999); !errors.Is(err, people.ErrNotFound) {
			t.Fatalf("missing person: %v", err)
		}
	})
}

func TestListSearchAndCursor(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		dir, _ := newDir(t, d)
		ctx := context.Background()
		res, err := dir.Import(ctx, readFixture(t, "salaries-excel-fr.csv"), true, nil)
		if err != nil || !res.OK() {
			t.Fatalf("import: %v %+v", err, res.Errors)
		}
		page, _ := dir.List(ctx, people.ListParams{Q: "helene"})
		if len(page.Items) != 1 || page.Items[0].FirstName != "Hélène" {
			t.Fatalf("accent-insensitive search: %+v", page.Items)
		}
		page, _ = dir.List(ctx, people.ListParams{Q: "lyon ventes"})
		if len(page.Items) != 3 {
			t.Fatalf("two-word search: %d", len(page.Items))
		}
		var names []string
		cursor := ""
		for i := 0; i < 10; i++ {
			page, err := dir.List(ctx, people.ListParams{Limit: 5, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page.Items {
				names = append(names, p.LastName)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(names) != 12 || names[0] != "Bernard" || names[11] != "Thomas" {
			t.Fatalf("paged names: %v", names)
		}
		if _, err := dir.List(ctx, people.ListParams{Cursor: "!!"}); !errors.Is(err, people.ErrBadCursor) {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}

func TestImportFixtures(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		dir, _ := newDir(t, d)
		ctx := context.Background()
		bad, err := dir.Import(ctx, readFixture(t, "salaries-excel-fr-erreurs.csv"), true, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]string{3: "email:email_invalid", 4: "start_date:date_invalid", 5: "manager_email:manager_unknown"}
		got := map[int][]string{}
		for _, e := range bad.Errors {
			got[e.Line] = append(got[e.Line], e.Field+":"+e.Code)
		}
		for line, w := range want {
			if !slices.Contains(got[line], w) {
				t.Errorf("line %d: got %q, want %q among them", line, got[line], w)
			}
		}
		if len(got[2]) != 0 {
			t.Errorf("line 2 is good, got %v", got[2])
		}
		if bad.Applied {
			t.Fatal("a file with errors must not be applied")
		}
		if n, _ := dir.Count(ctx, people.ListParams{}); n != 0 {
			t.Fatalf("a bad file wrote %d people", n)
		}

		rows := readFixture(t, "salaries-excel-fr.csv")
		preview, err := dir.Import(ctx, rows, false, nil)
		if err != nil || preview.Created != 12 || preview.Applied {
			t.Fatalf("preview: %+v %v", preview, err)
		}
		if n, _ := dir.Count(ctx, people.ListParams{}); n != 0 {
			t.Fatalf("a preview wrote %d people", n)
		}
		res, err := dir.Import(ctx, rows, true, nil)
		if err != nil || res.Created != 12 || !res.Applied {
			t.Fatalf("import: %+v %v", res, err)
		}
		zoe, err := dir.GetByEmail(ctx, "zoe.thomas@exemple.fr")
		if err != nil || zoe.FirstName != "Zoé" || zoe.ManagerEmail != "camille.martin@exemple.fr" || zoe.Site != "Lyon - Part-Dieu" {
			t.Fatalf("zoé: %+v %v", zoe, err)
		}
		gaelle, _ := dir.GetByEmail(ctx, "gaelle.robert@exemple.fr")
		if gaelle.FirstName != "Gaëlle" || gaelle.ManagerID != zoe.ID || gaelle.StartDate.French() != "12/09/2022" {
			t.Fatalf("gaëlle: %+v", gaelle)
		}
		again, err := dir.Import(ctx, rows, true, nil)
		if err != nil || again.Unchanged != 12 || again.Created+again.Updated != 0 {
			t.Fatalf("re-import: %+v %v", again, err)
		}
		if n, _ := dir.Count(ctx, people.ListParams{}); n != 12 {
			t.Fatalf("re-import duplicated: %d people", n)
		}
		// Changing one cell updates that person only.
		rows[3].Team = "Commercial"
		changed, _ := dir.Import(ctx, rows, true, nil)
		if changed.Updated != 1 || changed.Rows[3].Changes[0].Field != "team" {
			t.Fatalf("one change: %+v", changed)
		}
	})
}

func TestImportManagersInAnyOrderAndCycles(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		dir, _ := newDir(t, d)
		ctx := context.Background()
		rows := []importfile.PersonRow{
			{Line: 2, FirstName: "Léa", LastName: "Simon", Email: "lea@x.fr", ManagerEmail: "jerome@x.fr"},
			{Line: 3, FirstName: "Jérôme", LastName: "Durand", Email: "jerome@x.fr", ManagerEmail: "camille@x.fr"},
			{Line: 4, FirstName: "Camille", LastName: "Martin", Email: "camille@x.fr"},
		}
		res, err := dir.Import(ctx, rows, true, nil)
		if err != nil || !res.Applied {
			t.Fatalf("%+v %v", res, err)
		}
		lea, _ := dir.GetByEmail(ctx, "lea@x.fr")
		if lea.ManagerEmail != "jerome@x.fr" {
			t.Fatalf("léa's manager: %q", lea.ManagerEmail)
		}
		cyc := []importfile.PersonRow{
			{Line: 2, FirstName: "A", LastName: "A", Email: "a@y.fr", ManagerEmail: "b@y.fr"},
			{Line: 3, FirstName: "B", LastName: "B", Email: "b@y.fr", ManagerEmail: "a@y.fr"},
			{Line: 4, FirstName: "C", LastName: "C", Email: "A@y.fr"},
		}
		res, _ = dir.Import(ctx, cyc, true, nil)
		got := map[string]bool{}
		for _, e := range res.Errors {
			got[e.Code] = true
		}
		if res.Applied || !got["manager_cycle"] || !got["email_duplicate_in_file"] {
			t.Fatalf("cycle/duplicate not reported: %+v", res.Errors)
		}
	})
}
