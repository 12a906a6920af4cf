package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/request"
)

// rulesInOrder reads the desk's rules in order.
func rulesInOrder(t *testing.T, d *desk) []request.Rule {
	t.Helper()
	rules, err := d.e.App.Requests.Rules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

func TestSettingsRules(t *testing.T) {
	d := newDesk(t)
	c := d.camille
	ctx := context.Background()

	// A new desk starts with the French defaults; the settings menu leads to them.
	page := c.get("/settings/rules")
	must(t, "list", page, 200, `href="/settings/rules" aria-current="page"`, "Fuite ou dégât des eaux", "Wi-Fi et réseau",
		"Paie et santé", "<code class=\"rule-word\">dégât des eaux</code>", "catégorie Locaux & maintenance", "priorité Urgente",
		"Essayer une demande")
	must(t, "agents may not", d.jerome.get("/settings/rules"), http.StatusForbidden)

	// Trying a text shows the rules that would apply and the outcome, writing nothing.
	try := c.get("/settings/rules?sample=" + url.QueryEscape("Fuite d'eau dans la cuisine") + "&channel=web")
	must(t, "try", try, 200, "Règles qui s'appliqueraient", "<strong>Fuite ou dégât des eaux</strong>",
		`<span class="badge badge-blue">Locaux & maintenance</span>`, "Urgente", `value="Fuite d&#39;eau dans la cuisine"`)
	must(t, "try nothing", c.get("/settings/rules?sample=Badge"), 200, "Aucune règle ne correspond")
	must(t, "try empty", c.get("/settings/rules?sample=+&requester=personne@exemple.fr"), http.StatusUnprocessableEntity,
		"Le titre à essayer est obligatoire", "Personne ne s&#39;appelle personne@exemple.fr")

	// A form with mistakes says what to fix and keeps what was typed.
	must(t, "new", c.get("/settings/rules/new"), 200, `name="if_words"`, `<option value="`+fmt.Sprint(d.jeromeID)+`">Jérôme Durand</option>`,
		`name="enabled" value="true" checked`)
	bad := c.post("/settings/rules", url.Values{"name": {""}, "if_words": {"fuite|***"}, "if_team": {"abc"}, "enabled": {"true"}})
	must(t, "bad", bad, http.StatusUnprocessableEntity, "Nom est obligatoire", "« *** » n&#39;est pas une variante valable",
		"Cette équipe n&#39;existe plus", "Choisissez au moins une action", `value="fuite|***"`)
	if n := len(rulesInOrder(t, d)); n != 5 {
		t.Fatalf("a refused rule was saved: %d rules", n)
	}

	// Camille hands leaks to Jérôme, with a rule of her own placed first.
	res := c.post("/settings/rules", url.Values{"name": {"Fuites pour Jérôme"}, "if_words": {"fuite|dégât des eaux"},
		"assignee": {fmt.Sprint(d.jeromeID)}, "tags": {"Plomberie"}, "enabled": {"true"}})
	rules := rulesInOrder(t, d)
	mine := rules[len(rules)-1]
	mustRedirect(t, "create", res, fmt.Sprintf("/settings/rules#rule-%d", mine.ID))
	if mine.Name != "Fuites pour Jérôme" || mine.AssigneeID != d.jeromeID || !mine.Enabled || strings.Join(mine.Tags, ",") != "plomberie" {
		t.Fatalf("created: %+v", mine)
	}
	must(t, "after create", c.get("/settings/rules"), 200, "La règle « Fuites pour Jérôme » est créée", "confiée à Jérôme Durand")
	for range 5 {
		mustRedirect(t, "move up", c.post(fmt.Sprintf("/settings/rules/%d/move", mine.ID), url.Values{"direction": {"up"}}),
			fmt.Sprintf("/settings/rules#rule-%d", mine.ID))
	}
	if rules = rulesInOrder(t, d); rules[0].ID != mine.ID || rules[1].Name != "Fuite ou dégât des eaux" {
		t.Fatalf("moved first: %v, %v", rules[0].Name, rules[1].Name)
	}

	// The edit form shows the rule; saving keeps its place.
	edit := fmt.Sprintf("/settings/rules/%d", mine.ID)
	must(t, "edit", c.get(edit), 200, `value="Fuites pour Jérôme"`, `<option value="`+fmt.Sprint(d.jeromeID)+`" selected>`,
		`value="plomberie"`)
	mustRedirect(t, "update", c.post(edit, url.Values{"name": {"Fuites pour Jérôme"}, "if_words": {"fuite|dégât des eaux|inondation"},
		"assignee": {fmt.Sprint(d.jeromeID)}, "tags": {"plomberie"}, "enabled": {"true"}, "stop": {"true"}}), fmt.Sprintf("/settings/rules#rule-%d", mine.ID))
	if got, _ := d.e.App.Requests.Rule(ctx, mine.ID); !got.Stop || got.Position != rules[0].Position || got.Words != "fuite|dégât des eaux|inondation" {
		t.Fatalf("updated: %+v", got)
	}

	// Zoé writes from the portal: her rule assigns it and stops; the default would have made it
	// urgent but runs after the stop.
	filed := d.zoe.post("/portal", url.Values{"title": {"Fuite d'eau dans la cuisine"}})
	if filed.StatusCode != http.StatusSeeOther {
		t.Fatalf("portal: %d %s", filed.StatusCode, filed.Body)
	}
	page1, _ := d.e.App.Requests.List(ctx, d.camilleV, request.Filter{})
	if len(page1.Items) != 1 {
		t.Fatalf("requests: %+v", page1.Items)
	}
	r := page1.Items[0]
	if r.AssigneeID != d.jeromeID || r.Priority != request.Normal || strings.Join(r.Tags, ",") != "plomberie" {
		t.Fatalf("routed: %+v", r)
	}
	must(t, "request page", c.get(fmt.Sprintf("/requests/%d", r.Number)), 200, "Fuites pour Jérôme")

	// Switched off, the rule lets the default through: urgent, Locaux & maintenance.
	mustRedirect(t, "disable", c.post(edit+"/enabled", url.Values{"enabled": {"false"}}), fmt.Sprintf("/settings/rules#rule-%d", mine.ID))
	must(t, "after disable", c.get("/settings/rules"), 200, "La règle « Fuites pour Jérôme » est désactivée", "Désactivée")
	again, err := d.e.App.Requests.Create(ctx, request.NewRequest{Title: "Encore une fuite", RequesterEmail: "zoe.thomas@exemple.fr"})
	if err != nil || again.AssigneeID != 0 || again.Priority != request.Urgent || again.Category != "Locaux & maintenance" {
		t.Fatalf("with the rule off: %+v %v", again, err)
	}

	// Deleting asks first, then removes; an unknown rule is a 404.
	must(t, "delete button", c.get("/settings/rules"), 200, `data-confirm="Supprimer la règle « Fuites pour Jérôme » ?`)
	mustRedirect(t, "delete", c.post(edit+"/delete", nil), "/settings/rules")
	must(t, "after delete", c.get("/settings/rules"), 200, "La règle « Fuites pour Jérôme » est supprimée")
	if _, err := d.e.App.Requests.Rule(ctx, mine.ID); err == nil {
		t.Fatal("the rule is still there")
	}
	must(t, "gone", c.get(edit), http.StatusNotFound)
	must(t, "gone move", c.post(edit+"/move", url.Values{"direction": {"up"}}), http.StatusNotFound)

	// Every change is in the audit log.
	must(t, "audit", c.get("/settings/audit"), 200, "a supprimé une règle de tri", "a changé l&#39;ordre des règles de tri",
		"a créé une règle de tri")
}

func TestSettingsRulesEmptyState(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	for _, r := range func() []request.Rule { rs, _ := e.App.Requests.Rules(context.Background()); return rs }() {
		if err := e.App.Requests.DeleteRule(context.Background(), r.ID); err != nil {
			t.Fatal(err)
		}
	}
	must(t, "empty", c.get("/settings/rules"), 200, "Aucune règle pour l&#39;instant", `href="/settings/rules/new"`)
}
