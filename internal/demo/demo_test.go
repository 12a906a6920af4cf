package demo

import (
	"context"
	"regexp"
	"slices"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/testutil"
)

func newDir(t *testing.T, d *db.DB) *people.Directory {
	t.Helper()
	dir := people.New(d, audit.New(d))
	if err := dir.Queries().Check(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return dir
}

func everyone(t *testing.T, dir *people.Directory) []people.Person {
	t.Helper()
	page, err := dir.List(context.Background(), people.ListParams{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func TestFillCreatesACompany(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dir := newDir(t, d)
		today := civil.Date{Year: 2026, Month: time.November, Day: 22}

		start := time.Now()
		n, err := fillPeople(ctx, dir, today)
		if err != nil {
			t.Fatal(err)
		}
		// Reported, not asserted: the serve --demo test bounds start-up as a whole.
		t.Logf("demo company of %d people created in %v", n, time.Since(start))
		if n < 55 || n > 65 {
			t.Fatalf("created %d people, want about 60", n)
		}

		all := everyone(t, dir)
		if len(all) != n {
			t.Fatalf("listed %d people, created %d", len(all), n)
		}
		var inactive, english, withoutManager []string
		asciiEmail := regexp.MustCompile(`^[a-z-]+\.[a-z-]+@sentier\.co$`)
		for _, p := range all {
			if !asciiEmail.MatchString(p.Email) {
				t.Errorf("%s: email %q is not prenom.nom@sentier.co without accents", p.FullName(), p.Email)
			}
			if p.StartDate.IsZero() || p.StartDate.Year < 2018 || p.StartDate.Year > 2026 {
				t.Errorf("%s starts on %v, want a date in 2018–2026", p.FullName(), p.StartDate)
			}
			if p.Team == "" || p.Site == "" {
				t.Errorf("%s has no team or no site", p.FullName())
			}
			switch {
			case !p.Active:
				inactive = append(inactive, p.FullName())
				if p.EndDate.IsZero() {
					t.Errorf("%s left but has no end date", p.FullName())
				}
			case p.ManagerID == 0:
				withoutManager = append(withoutManager, p.FullName())
			}
			if p.Language == "en" {
				english = append(english, p.FullName())
			}
		}
		if !slices.Equal(withoutManager, []string{"Antoine Lefèvre"}) {
			t.Errorf("active people without a manager: %v, want only the CEO", withoutManager)
		}
		if len(inactive) < 2 || len(inactive) > 3 {
			t.Errorf("former employees: %v, want two or three", inactive)
		}
		if len(english) < 2 {
			t.Errorf("people addressed in English: %v, want a few", english)
		}

		// The people of PRODUCT.md, with their accents.
		for _, want := range []string{"helene.bernard@sentier.co", "zoe.thomas@sentier.co", "noel.richard@sentier.co",
			"jerome.durand@sentier.co", "camille.martin@sentier.co", "james.oconnor@sentier.co"} {
			if _, err := dir.GetByEmail(ctx, want); err != nil {
				t.Errorf("%s: %v", want, err)
			}
		}
		helene, _ := dir.GetByEmail(ctx, "helene.bernard@sentier.co")
		if helene.FirstName != "Hélène" || helene.ManagerName != "Antoine Lefèvre" {
			t.Errorf("Hélène is %+v", helene)
		}

		// Two newcomers start on the first Mondays of next month.
		var newcomers []string
		for _, p := range all {
			if p.StartDate.Year == 2026 && p.StartDate.Month == time.December {
				newcomers = append(newcomers, p.FullName()+" "+p.StartDate.String())
			}
		}
		if !slices.Equal(newcomers, []string{"Raphaël Gauthier 2026-12-14", "Baptiste Morel 2026-12-07"}) {
			t.Errorf("newcomers: %v", newcomers)
		}

		teams, err := dir.Teams(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var teamNames []string
		for _, tm := range teams {
			teamNames = append(teamNames, tm.Name)
		}
		for _, want := range []string{"Direction", "Produit", "Tech", "Ventes", "Finance", "Ops & Office"} {
			if !slices.Contains(teamNames, want) {
				t.Errorf("teams %v lack %s", teamNames, want)
			}
		}

		sites, err := dir.Sites(ctx)
		if err != nil {
			t.Fatal(err)
		}
		regions := map[string]string{}
		members := map[string]int{}
		for _, s := range sites {
			regions[s.Name], members[s.Name] = s.HolidayRegion, s.Members
		}
		if regions["Paris - Sentier"] != "FR" || regions["Lyon - Part-Dieu"] != "FR" || regions["Strasbourg"] != "FR-ALSACE-MOSELLE" {
			t.Errorf("sites and holiday regions: %v", regions)
		}
		if members["Paris - Sentier"] < 35 || members["Lyon - Part-Dieu"] != 12 || members["Strasbourg"] != 3 {
			t.Errorf("active members per site: %v, want most in Paris, 12 in Lyon, 3 in Strasbourg", members)
		}

		// A second call, as on every later start with --demo, leaves the directory alone.
		again, err := fillPeople(ctx, dir, today)
		if err != nil || again != 0 {
			t.Fatalf("second fill: %d, %v; want 0, nil", again, err)
		}
		if got := len(everyone(t, dir)); got != n {
			t.Fatalf("second fill changed the directory: %d people, was %d", got, n)
		}
	})
}

// TestFillLeavesAUsedDirectoryAlone checks the demo never mixes with real data: one real person
// is enough for it to do nothing, and a site the admin made already is kept as it is.
func TestFillLeavesAUsedDirectoryAlone(t *testing.T) {
	ctx := context.Background()
	d := testutil.SQLite(t)
	dir := newDir(t, d)
	if _, err := dir.Create(ctx, people.Input{FirstName: "Camille", LastName: "Martin", Email: "camille@exemple.fr"}); err != nil {
		t.Fatal(err)
	}
	n, err := Fill(ctx, services(t, d, dir))
	if err != nil || n != 0 {
		t.Fatalf("Fill on a used directory: %d, %v; want 0, nil", n, err)
	}
	if got := len(everyone(t, dir)); got != 1 {
		t.Fatalf("%d people, want the 1 real one", got)
	}

	dir = newDir(t, testutil.SQLite(t))
	mine, err := dir.SaveSite(ctx, 0, people.SiteInput{Name: "Strasbourg", Timezone: "Europe/Paris", HolidayRegion: "FR"})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := fillPeople(ctx, dir, civil.Of(time.Now())); err != nil || n < 55 {
		t.Fatalf("Fill beside an existing site: %d, %v", n, err)
	}
	kept, err := dir.Site(ctx, mine.ID)
	if err != nil || kept.HolidayRegion != "FR" {
		t.Fatalf("the admin's site was changed: %+v, %v", kept, err)
	}
}

// TestFillIsDeterministic checks two fills on the same day make the same company, so screenshots
// and bug reports made on the demo match what others see.
func TestFillIsDeterministic(t *testing.T) {
	today := civil.Date{Year: 2027, Month: time.January, Day: 31}
	a, b := rows(today), rows(today)
	if !slices.Equal(a, b) {
		t.Fatal("two calls gave different rows")
	}
	seen := map[string]bool{}
	for _, r := range a {
		if seen[r.Email] {
			t.Errorf("email %s is used twice", r.Email)
		}
		seen[r.Email] = true
	}
	// Next month wraps into the next year.
	if got := startDate("next", today); got != "2027-02-01" {
		t.Errorf(`startDate("next") on 31/01/2027 = %s, want 2027-02-01 (a Monday)`, got)
	}
	if got := startDate("next+1", civil.Date{Year: 2026, Month: time.December, Day: 3}); got != "2027-01-11" {
		t.Errorf(`startDate("next+1") in December 2026 = %s, want 2027-01-11`, got)
	}
}
