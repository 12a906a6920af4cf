package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/importfile"
	"majordome/internal/people"
)

// getHX reads path as htmx does when it swaps part of a page.
func (c *client) getHX(path string, header ...string) response {
	req, _ := http.NewRequest("GET", c.e.URL+path, nil)
	req.Header.Set("HX-Request", "true")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

// seedFixture imports the twelve people of the Excel fixture straight through the domain.
func seedFixture(t *testing.T, e *env) {
	t.Helper()
	rows, err := importfile.ReadPeople(strings.NewReader(readTestdata(t, "salaries-excel-fr.csv")), "salaries.csv")
	if err != nil {
		t.Fatal(err)
	}
	if res, err := e.App.People.Import(context.Background(), rows, true, nil); err != nil || !res.OK() || res.Created != 12 {
		t.Fatalf("seed: %+v %v", res, err)
	}
}

var rowLinkRe = regexp.MustCompile(`class="row-link" href="/people/\d+"`)
var nextRe = regexp.MustCompile(`href="(/people\?[^"]*cursor=[^"]+)" rel="next"`)

func TestPeopleListSearchFiltersAndPages(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	ctx := context.Background()

	empty := c.get("/people")
	if empty.StatusCode != 200 || !strings.Contains(empty.Body, "Présentez-nous votre équipe") ||
		!strings.Contains(empty.Body, `href="/people/import"`) || !strings.Contains(empty.Body, `href="/people/new"`) {
		t.Fatalf("empty directory: %d %s", empty.StatusCode, empty.Body)
	}

	seedFixture(t, e)
	for i := 1; i <= 45; i++ { // 57 people in all: more than one page of 50
		if _, err := e.App.People.Create(ctx, people.Input{FirstName: "Agent", LastName: fmt.Sprintf("Zz%02d", i),
			Email: fmt.Sprintf("agent%02d@exemple.fr", i)}); err != nil {
			t.Fatal(err)
		}
	}
	chloe, _ := e.App.People.GetByEmail(ctx, "chloe.laurent@exemple.fr")
	if _, err := e.App.People.Deactivate(ctx, chloe.ID); err != nil {
		t.Fatal(err)
	}

	first := c.get("/people")
	if first.StatusCode != 200 || !strings.Contains(first.Body, "56 personnes") || !strings.Contains(first.Body, "data-keyboard-list") ||
		!strings.Contains(first.Body, `name="q"`) || !strings.Contains(first.Body, `hx-get="/people"`) {
		t.Fatalf("first page: %d", first.StatusCode)
	}
	if n := len(rowLinkRe.FindAllString(first.Body, -1)); n != 50 {
		t.Fatalf("first page shows %d people, want 50", n)
	}
	if strings.Contains(first.Body, "Chloé Laurent") {
		t.Fatal("a person who left is listed among active people by default")
	}
	m := nextRe.FindStringSubmatch(first.Body)
	if m == nil {
		t.Fatal("no link to the next page")
	}
	second := c.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	if n := len(rowLinkRe.FindAllString(second.Body, -1)); n != 6 || nextRe.MatchString(second.Body) || !strings.Contains(second.Body, "Zz45") {
		t.Fatalf("second page: %d people, next link %v", n, nextRe.MatchString(second.Body))
	}

	teams, _ := e.App.People.Teams(ctx)
	sites, _ := e.App.People.Sites(ctx)
	id := func(name string, list any) string {
		switch l := list.(type) {
		case []people.Team:
			for _, t := range l {
				if t.Name == name {
					return fmt.Sprint(t.ID)
				}
			}
		case []people.Site:
			for _, s := range l {
				if s.Name == name {
					return fmt.Sprint(s.ID)
				}
			}
		}
		t.Fatalf("no %s", name)
		return ""
	}
	for _, tc := range []struct {
		query      string
		count      string
		has, lacks []string
	}{
		{"q=helene", "1 personne", []string{"Hélène Bernard"}, []string{"Zoé Thomas"}},
		{"q=MAELYS+petit", "1 personne", []string{"Maëlys Petit"}, []string{"Zoé Thomas"}},
		{"team=" + id("Ventes", teams), "3 personnes", []string{"Zoé Thomas", "Gaëlle Robert", "Anaïs Leroy"}, []string{"Hélène Bernard"}},
		{"site=" + id("Lyon - Part-Dieu", sites), "3 personnes", []string{"Zoé Thomas"}, []string{"Hélène Bernard"}},
		{"status=inactive", "1 personne", []string{"Chloé Laurent", "Partie"}, []string{"Zoé Thomas"}},
		{"status=all&q=exemple.fr", "57 personnes", []string{"Chloé Laurent", "Zoé Thomas"}, nil},
		{"q=personne+inconnue", "0 personne", []string{"Aucune personne ne correspond"}, []string{"data-keyboard-list"}},
		{"cursor=not-a-cursor", "56 personnes", []string{"Camille Martin"}, nil},
	} {
		res := c.get("/people?" + tc.query)
		if res.StatusCode != 200 || !strings.Contains(res.Body, tc.count) {
			t.Errorf("%s: %d, want the count %q", tc.query, res.StatusCode, tc.count)
		}
		for _, s := range tc.has {
			if !strings.Contains(res.Body, s) {
				t.Errorf("%s: %q missing", tc.query, s)
			}
		}
		for _, s := range tc.lacks {
			if strings.Contains(res.Body, s) {
				t.Errorf("%s: %q shown", tc.query, s)
			}
		}
	}

	frag := c.getHX("/people?q=zoe")
	if frag.StatusCode != 200 || strings.Contains(frag.Body, "<html") || strings.Contains(frag.Body, `name="q"`) ||
		!strings.Contains(frag.Body, "Zoé Thomas") || !strings.Contains(frag.Body, "1 personne") || strings.Contains(frag.Body, "Hélène Bernard") {
		t.Fatalf("htmx fragment: %s", frag.Body)
	}
	if back := c.getHX("/people?q=zoe", "HX-History-Restore-Request", "true"); !strings.Contains(back.Body, "<html") {
		t.Fatal("a history restore must get the whole page")
	}
}

func TestPersonCreateEditAndStatus(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	ctx := context.Background()
	seedFixture(t, e)

	form := c.get("/people/new")
	if form.StatusCode != 200 || !strings.Contains(form.Body, `<datalist id="managers">`) ||
		!strings.Contains(form.Body, `<option value="camille.martin@exemple.fr">Camille Martin</option>`) ||
		!strings.Contains(form.Body, `<option value="Ventes">`) || !strings.Contains(form.Body, `placeholder="jj/mm/aaaa"`) {
		t.Fatalf("new person form: %d", form.StatusCode)
	}

	typed := url.Values{"first_name": {"Inès"}, "last_name": {"Garcia"}, "email": {"ines.garcia(at)exemple.fr"},
		"team": {"Marketing"}, "site": {"Paris - Sentier"}, "manager_email": {"camille.martin@exemple.fr"},
		"start_date": {"03/03/2025"}, "language": {"fr"}}
	bad := c.post("/people", typed)
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Cette adresse e-mail n&#39;est pas valide") ||
		!strings.Contains(bad.Body, `value="Inès"`) || !strings.Contains(bad.Body, `value="ines.garcia(at)exemple.fr"`) ||
		!strings.Contains(bad.Body, `value="03/03/2025"`) || !regexp.MustCompile(`id="f-email"[^>]*aria-invalid="true"`).MatchString(bad.Body) {
		t.Fatalf("bad email: %d %s", bad.StatusCode, bad.Body)
	}
	if st, _ := e.App.People.Stats(ctx); st.Active != 12 || st.Teams != 5 {
		t.Fatalf("a refused form wrote something: %+v", st)
	}

	typed.Set("email", "ines.garcia@exemple.fr")
	ok := c.post("/people", typed)
	ines, err := e.App.People.GetByEmail(ctx, "ines.garcia@exemple.fr")
	if ok.StatusCode != http.StatusSeeOther || err != nil || ok.Header.Get("Location") != fmt.Sprintf("/people/%d", ines.ID) {
		t.Fatalf("create: %d %v %v", ok.StatusCode, ok.Header, err)
	}
	card := c.get(ok.Header.Get("Location"))
	for _, want := range []string{"C&#39;est noté : Inès Garcia a rejoint l&#39;annuaire.", "Marketing", "Camille Martin", "03/03/2025", "En poste", "a ajouté une personne"} {
		if !strings.Contains(card.Body, want) {
			t.Errorf("person page lacks %q", want)
		}
	}

	edit := c.get(fmt.Sprintf("/people/%d/edit", ines.ID))
	if edit.StatusCode != 200 || !strings.Contains(edit.Body, `value="03/03/2025"`) || !strings.Contains(edit.Body, `value="Marketing"`) {
		t.Fatalf("edit form: %d", edit.StatusCode)
	}
	typed.Set("team", "Produit")
	typed.Set("end_date", "01/01/2020")
	if res := c.post(fmt.Sprintf("/people/%d", ines.ID), typed); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, "La date de départ est avant la date d&#39;arrivée.") || !strings.Contains(res.Body, `value="01/01/2020"`) {
		t.Fatalf("end before start: %d", res.StatusCode)
	}
	typed.Set("end_date", "")
	if res := c.post(fmt.Sprintf("/people/%d", ines.ID), typed); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d %s", res.StatusCode, res.Body)
	}
	if p, _ := e.App.People.Get(ctx, ines.ID); p.Team != "Produit" {
		t.Fatalf("team after update: %q", p.Team)
	}
	card = c.get(fmt.Sprintf("/people/%d", ines.ID))
	if !regexp.MustCompile(`Équipe :</span> <del>Marketing</del> → <ins>Produit</ins>`).MatchString(card.Body) {
		t.Fatalf("the history does not tell the team change: %s", card.Body)
	}

	if res := c.post(fmt.Sprintf("/people/%d/deactivate", ines.ID), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", res.StatusCode)
	}
	if p, _ := e.App.People.Get(ctx, ines.ID); p.Active {
		t.Fatal("still active after deactivation")
	}
	card = c.get(fmt.Sprintf("/people/%d", ines.ID))
	if !strings.Contains(card.Body, "Inès Garcia n&#39;apparaît plus") || !strings.Contains(card.Body, "/reactivate") {
		t.Fatal("the card of a deactivated person must say so and offer to reactivate")
	}
	if res := c.post(fmt.Sprintf("/people/%d/reactivate", ines.ID), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reactivate: %d", res.StatusCode)
	}
	if p, _ := e.App.People.Get(ctx, ines.ID); !p.Active {
		t.Fatal("not active after reactivation")
	}
	if res := c.get("/people/999999"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown person: %d", res.StatusCode)
	}
}

func TestEmployeeReadsButCannotWrite(t *testing.T) {
	e := newEnv(t)
	e.signInAs(auth.Admin)
	seedFixture(t, e)
	zoe, _ := e.App.People.GetByEmail(context.Background(), "zoe.thomas@exemple.fr")
	emp := e.signInAs(auth.Employee)

	list := emp.get("/people")
	if list.StatusCode != 200 || !strings.Contains(list.Body, "Zoé Thomas") ||
		strings.Contains(list.Body, `href="/people/import"`) || strings.Contains(list.Body, `href="/people/new"`) {
		t.Fatalf("employee directory: %d", list.StatusCode)
	}
	card := emp.get(fmt.Sprintf("/people/%d", zoe.ID))
	if card.StatusCode != 200 || strings.Contains(card.Body, "/edit") || strings.Contains(card.Body, "Historique") {
		t.Fatalf("employee person page: %d", card.StatusCode)
	}
	for _, path := range []string{"/people/new", "/people/import", fmt.Sprintf("/people/%d/edit", zoe.ID)} {
		if res := emp.get(path); res.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s: %d, want 403", path, res.StatusCode)
		}
	}
	if res := emp.post(fmt.Sprintf("/people/%d/deactivate", zoe.ID), nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("deactivate: %d, want 403", res.StatusCode)
	}
	if p, _ := e.App.People.Get(context.Background(), zoe.ID); !p.Active {
		t.Fatal("an employee deactivated someone")
	}
}
