package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"majordome/internal/article"
)

var macroItemRe = regexp.MustCompile(`name="macro" value="(\d+)"[^>]*data-macro-text="([^"]*)" data-macro-unknown="([^"]*)"`)

// macroItems reads the reply box's macro picker: each macro's id, filled text and unknown
// placeholders, by name order of the page.
func macroItems(res response) [][3]string {
	var out [][3]string
	for _, m := range macroItemRe.FindAllStringSubmatch(res.Body, -1) {
		out = append(out, [3]string{m[1], html.UnescapeString(m[2]), html.UnescapeString(m[3])})
	}
	return out
}

func TestMacroPickerFillsTheReplyBox(t *testing.T) {
	d := newDesk(t)
	r := d.file("Badge perdu", "zoe.thomas@exemple.fr", "", "", "")
	path := "/requests/" + itoa(r.Number)
	page := d.jerome.get(path)
	items := macroItems(page)
	if len(items) != 4 || !strings.Contains(page.Body, `data-shortcut="m"`) {
		t.Fatalf("the picker offers the four default macros, now reply templates of the bible: %d", len(items))
	}
	// By title: Besoin de précisions, Bien reçu, Demande résolue, En attente du prestataire.
	received := items[1][1]
	if !strings.HasPrefix(received, "Bonjour Zoé,\n\nBien reçu") || !strings.HasSuffix(received, "Jérôme Durand") {
		t.Errorf("a macro comes filled for the request: %q", received)
	}
	if !strings.Contains(items[0][1], "votre demande #"+itoa(r.Number)) {
		t.Errorf("{{numero}}: %q", items[0][1])
	}

	// A reply template of the bible with a field the desk does not know; a draft is not offered.
	ctx := context.Background()
	m, err := d.e.App.Articles.Create(ctx, articleViewer(d.jeromeV), article.Article{Title: "Code Wi-Fi",
		Body: "Le code est {{code}}, {{prenom}}.", Kind: article.KindReplyTemplate, Audience: article.AudienceAgents})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := d.e.App.Articles.Create(ctx, articleViewer(d.jeromeV), article.Article{Title: "Zut (brouillon)",
		Body: "Pas prêt", Kind: article.KindReplyTemplate, Status: article.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	items = macroItems(d.jerome.get(path))
	var code [3]string
	for _, it := range items {
		if it[0] == itoa(m.ID) {
			code = it
		}
		if it[0] == itoa(draft.ID) {
			t.Errorf("a draft reply template is offered")
		}
	}
	if len(items) != 5 || code[1] != "Le code est {{code}}, Zoé." || code[2] != "{{code}}" {
		t.Errorf("unknown placeholders are left and listed: %v", items)
	}

	// Without JavaScript, an entry submits the form: the text is added, nothing is sent.
	res := d.jerome.post(path+"/replies", url.Values{"mode": {"internal"}, "body": {"Déjà écrit"}, "macro": {itoa(m.ID)}})
	if res.StatusCode != http.StatusOK || !strings.Contains(text(res), ">Déjà écrit\n\nLe code est {{code}}, Zoé.</textarea>") ||
		!strings.Contains(text(res), "À compléter à la main : {{code}}") || !strings.Contains(res.Body, `value="internal" checked`) {
		t.Errorf("insert without JavaScript: %d", res.StatusCode)
	}
	if msgs, _ := d.e.App.Requests.Conversation(ctx, d.camilleV, r); len(msgs) != 0 {
		t.Errorf("inserting a macro sent a message: %d", len(msgs))
	}
	if res := d.noel.post(path+"/replies", url.Values{"body": {"x"}, "macro": {itoa(draft.ID)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("a draft reply template: %d", res.StatusCode)
	}
}

// TestMacrosPageMovedToTheBible checks that the former macros page sends agents to the bible's
// reply templates, where the desk's four default macros now live.
func TestMacrosPageMovedToTheBible(t *testing.T) {
	d := newDesk(t)
	res := d.jerome.get("/settings/macros")
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/bible?kind=reply_template" {
		t.Fatalf("the macros page: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	page := d.jerome.get("/bible?kind=reply_template")
	for _, name := range []string{"Bien reçu", "Besoin de précisions", "En attente du prestataire", "Demande résolue"} {
		if !strings.Contains(text(page), name) {
			t.Errorf("the bible lists the former macro %q", name)
		}
	}
	if res := d.zoe.get("/settings/macros"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an employee: %d", res.StatusCode)
	}
}
