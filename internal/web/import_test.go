package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/importfile"
)

// readTestdata returns a fixture of testdata/ byte for byte (the Excel files are Windows-1252).
func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// postMultipart sends a file as the upload form does, with the client's CSRF token. An empty
// filename sends the form without a file.
func (c *client) postMultipart(path, filename, content string) response {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", c.csrf)
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write([]byte(content))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

var (
	errorLineRe = regexp.MustCompile(`(?s)<li data-line="(\d+)">(.*?)</li>`)
	tokenRe     = regexp.MustCompile(`name="token" value="([^"]+)"`)
	summaryRe   = regexp.MustCompile(`id="import-summary">([^<]*)<`)
)

// peopleCount is how many people the directory holds, active or not.
func peopleCount(t *testing.T, e *env) int {
	t.Helper()
	st, err := e.App.People.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Active + st.Inactive
}

func TestImportPageExplainsAndItsTemplateImports(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	page := c.get("/people/import")
	for _, want := range []string{`enctype="multipart/form-data"`, `<label class="dropzone">`, `id="import-file"`,
		`accept=".csv,.xlsx,.txt"`, `id="import-preview"`, "Date d&#39;arrivée", `download="modele-import-personnes.csv"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("import page lacks %s", want)
		}
	}
	m := regexp.MustCompile(`href="(/static/modele-import-personnes\.[0-9a-f]+\.csv)"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no link to the template file")
	}
	tmpl := c.get(m[1])
	if !strings.HasPrefix(tmpl.Body, "\xef\xbb\xbfNom;Prénom;E-mail;") {
		t.Fatalf("template file: %q", tmpl.Body)
	}
	rows, err := importfile.ReadPeople(strings.NewReader(tmpl.Body), "modele.csv")
	if err != nil || len(rows) != 2 {
		t.Fatalf("the template file must import as it is: %d rows, %v", len(rows), err)
	}
	if res, err := e.App.People.Import(context.Background(), rows, false, nil); err != nil || !res.OK() || res.Created != 2 {
		t.Fatalf("template preview: %+v %v", res, err)
	}
}

func TestImportPreviewListsEveryBadLineAndWritesNothing(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	c.get("/people/import")
	res := c.postMultipart("/people/import", "salaries-excel-fr-erreurs.csv", readTestdata(t, "salaries-excel-fr-erreurs.csv"))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("preview of a bad file: %d", res.StatusCode)
	}
	got := map[string]string{}
	for _, m := range errorLineRe.FindAllStringSubmatch(res.Body, -1) {
		got[m[1]] += m[2]
	}
	want := map[string][]string{
		"3": {"Ligne 3", "adresse e-mail n&#39;est pas valide", "<code>helene.bernard(at)exemple.fr</code>"},
		"4": {"Ligne 4", "Date d&#39;arrivée : « 31/02/2022 » n&#39;est pas une date valide", "Le manager helene.bernard@exemple.fr n&#39;est ni dans l&#39;annuaire ni dans le fichier"},
		"5": {"Ligne 5", "Le manager personne@exemple.fr n&#39;est ni dans l&#39;annuaire"},
	}
	if len(got) != len(want) {
		t.Fatalf("lines with errors: %v, want 3, 4 and 5", got)
	}
	for line, parts := range want {
		for _, p := range parts {
			if !strings.Contains(got[line], p) {
				t.Errorf("line %s: %q missing in %q", line, p, got[line])
			}
		}
	}
	if !strings.Contains(res.Body, "Rien ne sera importé") || strings.Contains(res.Body, `id="import-confirm"`) ||
		!strings.Contains(res.Body, `id="import-file"`) {
		t.Fatal("a bad file must say nothing is imported, offer no confirmation, and offer a new upload")
	}
	if n := peopleCount(t, e); n != 0 {
		t.Fatalf("a preview wrote %d people", n)
	}
	var staged int
	e.App.DB.R.QueryRow("SELECT COUNT(*) FROM uploads").Scan(&staged)
	if staged != 0 {
		t.Fatalf("a file that cannot be imported was staged (%d)", staged)
	}
}

func TestImportPreviewConfirmThenSameFileAgain(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	ctx := context.Background()
	c.get("/people/import")
	file := readTestdata(t, "salaries-excel-fr.csv")

	preview := c.postMultipart("/people/import", "salaries-excel-fr.csv", file)
	if m := summaryRe.FindStringSubmatch(preview.Body); preview.StatusCode != 200 || m == nil ||
		m[1] != "12 nouvelles personnes, 0 mise à jour, 0 inchangée" {
		t.Fatalf("preview: %d %v", preview.StatusCode, m)
	}
	if !strings.Contains(preview.Body, `id="import-confirm">Importer 12 personnes<`) || !strings.Contains(preview.Body, "Gaëlle Robert") {
		t.Fatal("the preview must list the people and offer to import 12")
	}
	if n := peopleCount(t, e); n != 0 {
		t.Fatalf("the preview wrote %d people", n)
	}
	tok := tokenRe.FindStringSubmatch(preview.Body)
	if tok == nil {
		t.Fatal("no staged file to confirm")
	}

	done := c.post("/people/import/confirm", url.Values{"token": {tok[1]}})
	if done.StatusCode != http.StatusSeeOther || done.Header.Get("Location") != "/people" {
		t.Fatalf("confirm: %d %s", done.StatusCode, done.Body)
	}
	list := c.get("/people")
	for _, want := range []string{"Import terminé : 12 ajoutées, 0 mise à jour.", "12 personnes", "Hélène Bernard", "Zoé Thomas", "Gaëlle Robert", "Maëlys Petit"} {
		if !strings.Contains(list.Body, want) {
			t.Errorf("directory after import lacks %q", want)
		}
	}
	zoe, err := e.App.People.GetByEmail(ctx, "zoe.thomas@exemple.fr")
	if err != nil || zoe.FirstName != "Zoé" || zoe.Site != "Lyon - Part-Dieu" || zoe.ManagerEmail != "camille.martin@exemple.fr" {
		t.Fatalf("imported Zoé: %+v %v", zoe, err)
	}
	if again := c.post("/people/import/confirm", url.Values{"token": {tok[1]}}); again.StatusCode != http.StatusGone ||
		!strings.Contains(again.Body, "plus disponible") {
		t.Fatalf("a used token: %d", again.StatusCode)
	}

	before, _, _ := e.App.Audit.List(ctx, audit.Filter{Limit: 200})
	second := c.postMultipart("/people/import", "salaries-excel-fr.csv", file)
	if m := summaryRe.FindStringSubmatch(second.Body); m == nil || m[1] != "0 nouvelle personne, 0 mise à jour, 12 inchangées" {
		t.Fatalf("second preview: %v", m)
	}
	if strings.Contains(second.Body, `id="import-confirm"`) || !strings.Contains(second.Body, "Tout est déjà à jour") {
		t.Fatal("a file that changes nothing must not offer to import")
	}
	after, _, _ := e.App.Audit.List(ctx, audit.Filter{Limit: 200})
	if peopleCount(t, e) != 12 || len(after) != len(before) {
		t.Fatalf("the second import changed something: %d people, %d → %d audit entries", peopleCount(t, e), len(before), len(after))
	}
}

func TestImportConfirmBelongsToWhoPreviewed(t *testing.T) {
	e := newEnv(t)
	admin := e.signInAs(auth.Admin)
	admin.get("/people/import")
	preview := admin.postMultipart("/people/import", "salaries.csv", readTestdata(t, "salaries-excel-fr.csv"))
	tok := tokenRe.FindStringSubmatch(preview.Body)
	if tok == nil {
		t.Fatal("no token")
	}
	agent := e.signInAs(auth.Agent)
	if res := agent.post("/people/import/confirm", url.Values{"token": {tok[1]}}); res.StatusCode != http.StatusGone {
		t.Fatalf("another user's token: %d", res.StatusCode)
	}
	if n := peopleCount(t, e); n != 0 {
		t.Fatalf("another user's token imported %d people", n)
	}
	if res := admin.post("/people/import/confirm", url.Values{"token": {tok[1]}}); res.StatusCode != http.StatusSeeOther || peopleCount(t, e) != 12 {
		t.Fatalf("the uploader's own confirmation: %d", res.StatusCode)
	}
}

func TestImportFileProblems(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	c.get("/people/import")
	for _, tc := range []struct {
		name, file, content string
		status              int
		want                []string
	}{
		{"no file", "", "", 422, []string{"Choisissez d&#39;abord un fichier"}},
		{"empty", "vide.csv", " \r\n", 422, []string{"Ce fichier est vide"}},
		{"columns", "export.csv", "Matricule;Nom;Téléphone\r\n1;Martin;0601\r\n", 422,
			[]string{"Il manque 2 colonnes obligatoires : Prénom, E-mail.", "<code>Matricule</code>", "<code>Téléphone</code>"}},
		{"old excel", "vieux.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", 422, []string{"Excel 97-2003"}},
		{"header only", "entete.csv", "Nom;Prénom;E-mail\r\n", 422, []string{"personne en dessous"}},
		{"too large", "gros.csv", "Nom;Prénom;E-mail\r\n" + strings.Repeat("x", importfile.MaxFileSize), 413, []string{"dépasse 10 Mo"}},
	} {
		res := c.postMultipart("/people/import", tc.file, tc.content)
		if res.StatusCode != tc.status || !strings.Contains(res.Body, `id="import-problem"`) || !strings.Contains(res.Body, `id="import-file"`) {
			t.Errorf("%s: %d, want %d with the upload form", tc.name, res.StatusCode, tc.status)
		}
		for _, w := range tc.want {
			if !strings.Contains(res.Body, w) {
				t.Errorf("%s: %q missing", tc.name, w)
			}
		}
	}
	c.post("/me/language", url.Values{"language": {"en"}, "next": {"/people/import"}})
	res := c.postMultipart("/people/import", "export.csv", "Matricule;Nom;Téléphone\r\n1;Martin;0601\r\n")
	if !strings.Contains(res.Body, "2 required columns are missing: First name, Email.") {
		t.Fatalf("English reader: %s", res.Body)
	}
}
