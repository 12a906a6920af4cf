package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"majordome/internal/request"
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
		t.Fatalf("the picker offers the four default macros: %d", len(items))
	}
	received := items[0][1]
	if !strings.HasPrefix(received, "Bonjour Zoé,\n\nBien reçu") || !strings.HasSuffix(received, "Jérôme Durand") {
		t.Errorf("a macro comes filled for the request: %q", received)
	}
	if !strings.Contains(items[1][1], "votre demande #"+itoa(r.Number)) {
		t.Errorf("{{numero}}: %q", items[1][1])
	}

	// An agent's own macro with a field the desk does not know.
	m, err := d.e.App.Requests.SaveMacro(context.Background(), d.jeromeV, 0, request.MacroInput{Name: "Code Wi-Fi", Body: "Le code est {{code}}, {{prenom}}."})
	if err != nil {
		t.Fatal(err)
	}
	items = macroItems(d.jerome.get(path))
	if last := items[len(items)-1]; last[0] != itoa(m.ID) || last[1] != "Le code est {{code}}, Zoé." || last[2] != "{{code}}" {
		t.Errorf("unknown placeholders are left and listed: %v", last)
	}
	if got := macroItems(d.noel.get(path)); len(got) != 4 {
		t.Errorf("Noël does not get Jérôme's own macro: %d", len(got))
	}

	// Without JavaScript, an entry submits the form: the text is added, nothing is sent.
	res := d.jerome.post(path+"/replies", url.Values{"mode": {"internal"}, "body": {"Déjà écrit"}, "macro": {itoa(m.ID)}})
	if res.StatusCode != http.StatusOK || !strings.Contains(text(res), ">Déjà écrit\n\nLe code est {{code}}, Zoé.</textarea>") ||
		!strings.Contains(text(res), "À compléter à la main : {{code}}") || !strings.Contains(res.Body, `value="internal" checked`) {
		t.Errorf("insert without JavaScript: %d", res.StatusCode)
	}
	if msgs, _ := d.e.App.Requests.Conversation(context.Background(), d.camilleV, r); len(msgs) != 0 {
		t.Errorf("inserting a macro sent a message: %d", len(msgs))
	}
	if res := d.noel.post(path+"/replies", url.Values{"body": {"x"}, "macro": {itoa(m.ID)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another agent's own macro: %d", res.StatusCode)
	}
}

func TestMacrosPage(t *testing.T) {
	d := newDesk(t)
	page := d.jerome.get("/settings/macros")
	if page.StatusCode != 200 || !strings.Contains(text(page), "Besoin de précisions") || !strings.Contains(page.Body, "{{prenom}}") {
		t.Fatalf("the macros page: %d", page.StatusCode)
	}
	noRawKeys(t, page)
	if res := d.zoe.get("/settings/macros"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an employee: %d", res.StatusCode)
	}

	res := d.jerome.post("/settings/macros", url.Values{"name": {""}, "body": {"Texte"}, "shared": {"0", "1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), "Nom est obligatoire") || !strings.Contains(res.Body, ">Texte</textarea>") {
		t.Errorf("a macro without a name: %d", res.StatusCode)
	}
	res = d.jerome.post("/settings/macros", url.Values{"name": {"Wi-Fi invités"}, "body": {"Réseau « Invités », code {{code}}."}, "shared": {"0", "1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, res.Body)
	}
	page = d.noel.get("/settings/macros")
	id := regexp.MustCompile(`action="/settings/macros/(\d+)"`).FindAllStringSubmatch(page.Body, -1)
	if !strings.Contains(text(page), "Wi-Fi invités") || len(id) != 5 {
		t.Fatalf("Noël sees the shared macro: %d forms", len(id))
	}
	wifi := id[len(id)-1][1]
	res = d.noel.post("/settings/macros/"+wifi, url.Values{"name": {"Wi-Fi invités"}, "body": {""}, "shared": {"0", "1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `<details class="settings-edit" open>`) {
		t.Errorf("an edit without text re-opens its form: %d", res.StatusCode)
	}
	res = d.noel.post("/settings/macros/"+wifi, url.Values{"name": {"Wi-Fi"}, "body": {"Code : {{code}}"}, "shared": {"0"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	if got := d.jerome.get("/settings/macros"); strings.Contains(text(got), "Code : {{code}}") {
		t.Error("a macro Noël made personal still shows to Jérôme")
	}
	if res := d.jerome.post("/settings/macros/"+wifi+"/delete", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("Jérôme deletes Noël's own macro: %d", res.StatusCode)
	}
	if res := d.noel.post("/settings/macros/"+wifi+"/delete", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", res.StatusCode)
	}
	if got := d.noel.get("/settings/macros"); strings.Contains(text(got), "Code : {{code}}") || !strings.Contains(text(got), "Réponse type « Wi-Fi » supprimée.") {
		t.Error("the deleted macro is gone, and the page says so")
	}
}
