package web_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"majordome/internal/auth"
	"majordome/internal/people"
)

// must fails the test unless res has status and every one of wants in its body, as markup or
// as the text a person reads (html/template writes "+" as "&#43;"; French puts no-break spaces
// inside « » and before ":").
func must(t *testing.T, what string, res response, status int, wants ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.StatusCode, status, res.Body)
	}
	text := strings.ReplaceAll(html.UnescapeString(res.Body), "\u00a0", " ")
	for _, w := range wants {
		if !strings.Contains(res.Body, w) && !strings.Contains(text, w) {
			t.Fatalf("%s: body lacks %q\n%s", what, w, res.Body)
		}
	}
}

func mustRedirect(t *testing.T, what string, res response, to string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != to {
		t.Fatalf("%s: %d to %q, want 303 to %q\n%s", what, res.StatusCode, res.Header.Get("Location"), to, res.Body)
	}
}

func TestSettingsCompany(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	must(t, "company page", c.get("/settings"), 200, `<option value="Europe/Paris" selected>`, `value="Mon entreprise"`,
		`href="/settings/tokens"`, "Temps de concentration")

	bad := c.post("/settings", url.Values{"name": {"Sentier Conseil"}, "language": {"fr"}, "timezone": {"Mars/Olympus"}})
	must(t, "bad timezone", bad, http.StatusUnprocessableEntity, "Fuseau horaire inconnu", `value="Sentier Conseil"`)
	if got, _ := e.App.Settings.Company(t.Context()); got.Name != "Mon entreprise" {
		t.Fatalf("a refused form was saved: %+v", got)
	}

	ok := c.post("/settings", url.Values{"name": {"Sentier Conseil"}, "language": {"en"}, "timezone": {"Europe/Brussels"}})
	mustRedirect(t, "save", ok, "/settings")
	must(t, "after save", c.get("/settings"), 200, "C&#39;est enregistré", `value="Sentier Conseil"`,
		`<option value="Europe/Brussels" selected>`, `<option value="en" lang="en" selected>`)
	if got, _ := e.App.Settings.Company(t.Context()); got.Timezone != "Europe/Brussels" || got.Language != "en" {
		t.Fatalf("saved: %+v", got)
	}
}

func TestSettingsSites(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	must(t, "empty", c.get("/settings/sites"), 200, "Aucun site pour l&#39;instant", "colonne « Site »", "Aucune équipe")

	mustRedirect(t, "create Paris", c.post("/settings/sites", url.Values{"name": {"Paris"}, "timezone": {"Europe/Paris"}, "holiday_region": {"FR"}}), "/settings/sites")
	mustRedirect(t, "create Strasbourg", c.post("/settings/sites", url.Values{"name": {"Strasbourg"}, "timezone": {"Europe/Paris"},
		"holiday_region": {"FR-ALSACE-MOSELLE"}}), "/settings/sites")
	must(t, "after create", c.get("/settings/sites"), 200, "Le site « Strasbourg » est ajouté")
	must(t, "taken", c.post("/settings/sites", url.Values{"name": {"paris"}, "timezone": {"Europe/Paris"}, "holiday_region": {"FR"}}),
		http.StatusUnprocessableEntity, "Ce nom est déjà pris", `value="paris"`)

	if _, err := e.App.People.Create(t.Context(), people.Input{FirstName: "Zoé", LastName: "Thomas", Email: "zoe@exemple.fr",
		Team: "Ventes", Site: "Strasbourg"}); err != nil {
		t.Fatal(err)
	}
	page := c.get("/settings/sites")
	must(t, "list", page, 200, "Alsace-Moselle (+ Vendredi saint, 26 décembre)",
		"France métropolitaine", "<td>Ventes</td>")
	if !regexp.MustCompile(`Strasbourg</strong><span class="cell-sub">Europe/Paris</span></td>\s*<td>Alsace-Moselle[^<]*</td>\s*<td class="num hide-sm">1</td>`).MatchString(page.Body) {
		t.Fatalf("Strasbourg's row: %s", page.Body)
	}

	paris := siteNamed(t, e, "Paris")
	id := strconv.FormatInt(paris.ID, 10)
	bad := c.post("/settings/sites/"+id, url.Values{"name": {" "}, "timezone": {"Europe/Paris"}, "holiday_region": {"FR"}})
	must(t, "edit with no name", bad, http.StatusUnprocessableEntity, `<details class="settings-edit" open>`, "Nom est obligatoire")
	mustRedirect(t, "edit", c.post("/settings/sites/"+id, url.Values{"name": {"Paris — Sentier"}, "timezone": {"Indian/Reunion"},
		"holiday_region": {"FR-ALSACE-MOSELLE"}}), "/settings/sites")
	got := siteNamed(t, e, "Paris — Sentier")
	if got.ID != paris.ID || got.Timezone != "Indian/Reunion" || got.HolidayRegion != "FR-ALSACE-MOSELLE" {
		t.Fatalf("edited site: %+v", got)
	}
	must(t, "unknown site", c.post("/settings/sites/999", url.Values{"name": {"X"}}), http.StatusNotFound)
}

func siteNamed(t *testing.T, e *env, name string) people.Site {
	t.Helper()
	sites, err := e.App.People.Sites(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sites {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no site %q in %+v", name, sites)
	return people.Site{}
}

var linkRe = regexp.MustCompile(`<code id="reveal-value">[^<]*(/signin/link\?token=[^<"]+)</code>`)

func TestSettingsUsers(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	must(t, "list", c.get("/settings/users"), 200, "Office Manager", "(vous)", "Créer un compte",
		"traite les demandes et l&#39;annuaire (IT, RH, finance)")

	bad := c.post("/settings/users", url.Values{"name": {"Jérôme Petit"}, "email": {"jerome@"}, "role": {"agent"}})
	must(t, "bad email", bad, http.StatusUnprocessableEntity, "adresse e-mail n&#39;est pas valide", `value="Jérôme Petit"`)

	created := c.post("/settings/users", url.Values{"name": {"Jérôme Petit"}, "email": {"jerome@exemple.fr"}, "role": {"agent"}})
	must(t, "create", created, 200, "Le compte de Jérôme Petit est créé", "Le lien de connexion de Jérôme", "dans les 7 jours",
		`data-copy="#reveal-value"`, `<span class="badge badge-green">Agent</span>`, "jamais", "Pas encore")
	m := linkRe.FindStringSubmatch(created.Body)
	if m == nil {
		t.Fatal("no sign-in link shown")
	}
	if again := c.get("/settings/users"); strings.Contains(again.Body, m[1]) {
		t.Fatal("the link is shown again")
	}
	jerome := e.anonymous()
	mustRedirect(t, "new account's link", jerome.get(html.UnescapeString(m[1])), "/welcome")
	must(t, "welcome", jerome.get("/welcome"), 200, `value="jerome@exemple.fr"`)

	u, err := e.App.Auth.UserByEmail(t.Context(), "jerome@exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(u.ID, 10)
	must(t, "edit page", c.get("/settings/users/"+id), 200, `value="Jérôme Petit"`, `<option value="agent" selected>`, "dernière connexion le")
	form := url.Values{"name": {"Jérôme Petit"}, "email": {"jerome@exemple.fr"}, "role": {"manager"}, "active": {"true"}}
	mustRedirect(t, "role change", c.post("/settings/users/"+id, form), "/settings/users")
	if u, _ = e.App.Auth.User(t.Context(), u.ID); u.Role != auth.Manager || !u.Active {
		t.Fatalf("after role change: %+v", u)
	}

	// The signed-in admin is the only one: demoting them must be refused, with the form kept.
	me, _ := e.App.Auth.UserByEmail(t.Context(), auth.FirstAdminEmail)
	last := c.post("/settings/users/"+strconv.FormatInt(me.ID, 10), url.Values{"name": {"Camille Martin"},
		"email": {auth.FirstAdminEmail}, "role": {"agent"}, "active": {"true"}})
	must(t, "last admin", last, http.StatusUnprocessableEntity, "Il faut au moins un administrateur actif", `value="Camille Martin"`,
		`<option value="agent" selected>`)
	if me, _ = e.App.Auth.User(t.Context(), me.ID); me.Role != auth.Admin || me.Name == "Camille Martin" {
		t.Fatalf("the last admin was changed: %+v", me)
	}

	form.Del("active")
	mustRedirect(t, "deactivate", c.post("/settings/users/"+id, form), "/settings/users")
	if u, _ = e.App.Auth.User(t.Context(), u.ID); u.Active {
		t.Fatal("still active")
	}
	if res := jerome.get("/welcome"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a deactivated account keeps its session: %d", res.StatusCode)
	}
	must(t, "list after", c.get("/settings/users"), 200, "Désactivé", `<span class="badge badge-amber">Manager</span>`)
	must(t, "link for an inactive account", c.post("/settings/users/"+id+"/link", nil), http.StatusUnprocessableEntity, "réactivez-le d&#39;abord")

	// Reset by the admin: reactivate, hand over a fresh link, or set a password directly.
	form.Set("active", "true")
	form.Set("password", "une phrase assez longue")
	mustRedirect(t, "reactivate and set a password", c.post("/settings/users/"+id, form), "/settings/users")
	reset := c.post("/settings/users/"+id+"/link", nil)
	must(t, "reset link", reset, 200, "dans les 24 heures", "« Mon compte »")
	m = linkRe.FindStringSubmatch(reset.Body)
	if m == nil {
		t.Fatal("no reset link shown")
	}
	mustRedirect(t, "reset link works", e.anonymous().get(html.UnescapeString(m[1])), "/")
	other := e.anonymous()
	other.get("/signin")
	mustRedirect(t, "password set by the admin", other.post("/signin", url.Values{"email": {"jerome@exemple.fr"},
		"password": {"une phrase assez longue"}}), "/")
}

var secretRe = regexp.MustCompile(`<code id="reveal-value">(mjd_[A-Za-z0-9_-]+)</code>`)

func TestSettingsTokens(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	must(t, "empty", c.get("/settings/tokens"), 200, "Connectez vos outils", "votre SIRH", `href="/api/v1/openapi.json"`)
	must(t, "no name", c.post("/settings/tokens", url.Values{"name": {""}, "role": {"agent"}}), http.StatusUnprocessableEntity,
		"Nom est obligatoire")

	res := c.post("/settings/tokens", url.Values{"name": {"Synchronisation SIRH"}, "role": {"agent"}})
	must(t, "create", res, 200, "il ne sera plus jamais affiché", "callout-warning", `data-copy="#reveal-value"`,
		"/api/v1/people", "Authorization: Bearer mjd_")
	m := secretRe.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatal("no secret shown")
	}
	secret := m[1]
	tok, err := e.App.Auth.Authenticate(context.Background(), secret)
	if err != nil || tok.Name != "Synchronisation SIRH" || tok.Role != auth.Agent {
		t.Fatalf("the shown secret does not authenticate: %+v %v", tok, err)
	}

	list := c.get("/settings/tokens")
	must(t, "list", list, 200, "Synchronisation SIRH", "<code>"+tok.Prefix+"…</code>", "data-confirm=")
	if strings.Contains(list.Body, secret) || strings.Contains(list.Body, secret[len(tok.Prefix):]) {
		t.Fatal("the secret is shown again")
	}

	mustRedirect(t, "revoke", c.post("/settings/tokens/"+strconv.FormatInt(tok.ID, 10)+"/revoke", nil), "/settings/tokens")
	if _, err := e.App.Auth.Authenticate(context.Background(), secret); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("revoked token still works: %v", err)
	}
	must(t, "after revoke", c.get("/settings/tokens"), 200, "Le jeton est révoqué", "Révoqué le "+time.Now().In(paris(t)).Format("02/01/2006"))
	must(t, "unknown token", c.post("/settings/tokens/999/revoke", nil), http.StatusNotFound)
}

func paris(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestSettingsAudit(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	mustRedirect(t, "company", c.post("/settings", url.Values{"name": {"Sentier Conseil"}, "language": {"fr"}, "timezone": {"Europe/Paris"}}), "/settings")
	c.post("/settings/users", url.Values{"name": {"Noël Durand"}, "email": {"noel@exemple.fr"}, "role": {"agent"}})
	noel, _ := e.App.Auth.UserByEmail(t.Context(), "noel@exemple.fr")
	mustRedirect(t, "role", c.post("/settings/users/"+strconv.FormatInt(noel.ID, 10), url.Values{"name": {"Noël Durand"},
		"email": {"noel@exemple.fr"}, "role": {"manager"}, "active": {"true"}}), "/settings/users")

	mustRedirect(t, "site", c.post("/settings/sites", url.Values{"name": {"Metz"}, "timezone": {"Europe/Paris"}, "holiday_region": {"FR"}}), "/settings/sites")
	metz := siteNamed(t, e, "Metz")
	mustRedirect(t, "site edit", c.post("/settings/sites/"+strconv.FormatInt(metz.ID, 10), url.Values{"name": {"Metz"},
		"timezone": {"Europe/Paris"}, "holiday_region": {"FR-ALSACE-MOSELLE"}}), "/settings/sites")

	all := c.get("/settings/audit")
	must(t, "all", all, 200, "a modifié les réglages de l&#39;entreprise", "<del>Mon entreprise</del> → <ins>Sentier Conseil</ins>",
		"a créé un compte", "a changé un rôle", `href="/settings/users/`+strconv.FormatInt(noel.ID, 10)+`"`, "Office Manager", "compte")
	if strings.Contains(all.Body, "<del>Europe/Paris</del>") || strings.Contains(all.Body, "<del>Metz</del>") {
		t.Fatal("an unchanged key is shown in a diff")
	}
	must(t, "site diff", c.get("/settings/audit?entity=site"), 200, "a modifié un site",
		"Jours fériés</span> : <del>France métropolitaine</del> → <ins>Alsace-Moselle (+ Vendredi saint, 26 décembre)</ins>")

	users := c.get("/settings/audit?entity=user&actor=office")
	must(t, "users only", users, 200, "<del>Agent</del> → <ins>Manager</ins>", "<ins>noel@exemple.fr</ins>", `<option value="user" selected>`)
	// Every kind the catalogue names is offered, the desk's too.
	must(t, "entity choices", users, 200, `<option value="request">Demandes</option>`, `<option value="routing_rule">Règles de routage</option>`)
	if strings.Contains(entries(users), "réglages de l&#39;entreprise") {
		t.Fatal("the entity filter let a settings entry through")
	}
	must(t, "action prefix", c.get("/settings/audit?action=user"), 200, `<option value="user." selected>`)
	if role := entries(c.get("/settings/audit?action=user.role")); strings.Contains(role, "a créé un compte") || !strings.Contains(role, "a changé un rôle") {
		t.Fatalf("action filter: %s", role)
	}
	if nobody := c.get("/settings/audit?actor=personne"); !strings.Contains(nobody.Body, "Rien ne correspond") {
		t.Fatal("actor filter")
	}

	today := time.Now().In(paris(t))
	must(t, "from today", c.get("/settings/audit?from="+today.Format("02/01/2006")), 200, "a changé un rôle")
	must(t, "until yesterday", c.get("/settings/audit?to="+today.AddDate(0, 0, -1).Format("02/01/2006")), 200, "Rien ne correspond")
	must(t, "bad date", c.get("/settings/audit?from=31/02/2026"), http.StatusUnprocessableEntity, "« 31/02/2026 » n&#39;est pas une date valide",
		`value="31/02/2026"`)
}

// entries is the body of the page's table, without the filters around it (whose action list
// names every action).
func entries(res response) string {
	_, rows, _ := strings.Cut(res.Body, "<tbody>")
	rows, _, _ = strings.Cut(rows, "</tbody>")
	return rows
}

var olderRe = regexp.MustCompile(`href="(\?[^"]*before=\d+[^"]*)" rel="next"`)

func TestSettingsAuditPages(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	for i := range 53 {
		if _, _, err := e.App.Auth.CreateToken(t.Context(), "outil "+strconv.Itoa(i), auth.Employee, 0); err != nil {
			t.Fatal(err)
		}
	}
	first := c.get("/settings/audit?entity=token")
	if n := strings.Count(entries(first), "a créé un jeton d&#39;API"); n != 50 {
		t.Fatalf("first page: %d entries", n)
	}
	m := olderRe.FindStringSubmatch(first.Body)
	if m == nil || !strings.Contains(first.Body, "outil 52") || strings.Contains(first.Body, "outil 2<") {
		t.Fatalf("first page: %s", first.Body)
	}
	second := c.get("/settings/audit" + html.UnescapeString(m[1]))
	if n := strings.Count(entries(second), "a créé un jeton d&#39;API"); n != 3 || !strings.Contains(second.Body, "outil 0<") ||
		!strings.Contains(second.Body, "Plus récent") || olderRe.MatchString(second.Body) || !strings.Contains(second.Body, "système") {
		t.Fatalf("second page (%d entries): %s", n, second.Body)
	}
}

func TestSettingsAdminsOnly(t *testing.T) {
	e := newEnv(t)
	e.signInAs(auth.Admin)
	agent := e.signInAs(auth.Agent)
	for _, path := range []string{"/settings", "/settings/sites", "/settings/users", "/settings/users/1", "/settings/tokens", "/settings/audit"} {
		if res := agent.get(path); res.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s: %d", path, res.StatusCode)
		}
	}
	for _, path := range []string{"/settings", "/settings/sites", "/settings/sites/1", "/settings/users", "/settings/users/1",
		"/settings/users/1/link", "/settings/tokens", "/settings/tokens/1/revoke"} {
		if res := agent.post(path, url.Values{"name": {"x"}, "role": {"admin"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s: %d", path, res.StatusCode)
		}
	}
	if tokens, _ := e.App.Auth.Tokens(t.Context()); len(tokens) != 0 {
		t.Fatal("an agent created a token")
	}
}
