package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"majordome/internal/request"
)

// categoryByName finds a category of the desk, archived or not.
func categoryByName(t *testing.T, d *desk, name string) request.Category {
	t.Helper()
	all, err := d.e.App.Requests.AllCategories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no category %q", name)
	return request.Category{}
}

func TestSettingsCategories(t *testing.T) {
	d := newDesk(t)
	c := d.camille
	events := d.categoryIDs["Événements"]
	old := d.file("Réserver le lieu du séminaire", "zoe.thomas@exemple.fr", "Événements", request.Normal, request.Web)

	// The settings menu leads to the tree; the channels (Slack, email) have their own section.
	page := c.get("/settings/categories")
	must(t, "page", page, 200, `href="/settings/categories" aria-current="page"`, `href="/focus"`, "IT & Wi-Fi",
		"Comptabilité & notes de frais", "Confidentielle par défaut", "1 en cours · 1 au total",
		fmt.Sprintf(`href="/requests?category=%d"`, events), "Aucune catégorie archivée")
	noRawKeys(t, page)
	channels := page.Body[strings.Index(page.Body, "Canaux</div>"):]
	if channels = channels[:strings.Index(channels, "</nav>")]; strings.Contains(channels, "Catégories") ||
		!strings.Contains(channels, `href="/settings/slack"`) || !strings.Contains(channels, `href="/settings/mail"`) {
		t.Fatalf("the channels section lists Slack and email only:\n%s", channels)
	}
	if strings.Contains(page.Body, "Bientôt</div>") {
		t.Fatal("nothing in the settings is still coming soon")
	}
	must(t, "agents may not", d.jerome.get("/settings/categories"), http.StatusForbidden)

	// A duplicate whatever its case and accents is refused, with what was typed kept.
	bad := c.post("/settings/categories", url.Values{"name": {"evenements"}, "confidential_default": {"0"}})
	must(t, "duplicate", bad, http.StatusUnprocessableEntity, "Une catégorie s'appelle déjà « Événements »", `value="evenements"`)

	// A sub-category: listed under its parent, offered as "Parent › Enfant" on the portal.
	res := c.post("/settings/categories", url.Values{"name": {"Séminaire d'été"}, "parent": {fmt.Sprint(events)},
		"confidential_default": {"0", "1"}})
	seminar := categoryByName(t, d, "Séminaire d'été")
	mustRedirect(t, "create", res, fmt.Sprintf("/settings/categories#category-%d", seminar.ID))
	if seminar.ParentID != events || !seminar.ConfidentialDefault {
		t.Fatalf("created: %+v", seminar)
	}
	must(t, "after create", c.get("/settings/categories"), 200, "La catégorie « Événements › Séminaire d'été » est créée",
		`aria-label="Sous-catégories : Événements"`)
	must(t, "portal offers it", d.zoe.get("/portal"), 200, "Événements › Séminaire d'été · Confidentiel")

	// One level only: the inline form says why, re-opened with what was typed.
	it := d.categoryIDs["IT & Wi-Fi"]
	nested := c.post(fmt.Sprintf("/settings/categories/%d", it), url.Values{"name": {"Informatique"}, "parent": {fmt.Sprint(seminar.ID)}})
	must(t, "nested", nested, http.StatusUnprocessableEntity, "« Séminaire d'été » est déjà une sous-catégorie de « Événements »",
		`value="Informatique"`, `<details class="settings-edit" open>`)
	mustRedirect(t, "rename", c.post(fmt.Sprintf("/settings/categories/%d", it), url.Values{"name": {"Informatique & Wi-Fi"},
		"parent": {""}, "confidential_default": {"0"}}), fmt.Sprintf("/settings/categories#category-%d", it))
	must(t, "renamed", c.get("/settings/categories"), 200, "La catégorie « Informatique & Wi-Fi » est à jour.")

	// Up and down among siblings.
	mustRedirect(t, "move", c.post(fmt.Sprintf("/settings/categories/%d/move", events), url.Values{"direction": {"up"}}),
		fmt.Sprintf("/settings/categories#category-%d", events))
	cats, _ := d.e.App.Requests.Categories(context.Background())
	var order []string
	for _, c := range cats {
		order = append(order, c.Label())
	}
	if got := strings.Join(order, " | "); !strings.Contains(got, "Événements | Événements › Séminaire d'été | Comptabilité & notes de frais | Courrier & colis") {
		t.Fatalf("moved: %s", got)
	}

	// Archiving takes the sub-category along; the old request keeps its category, new ones may not take it.
	mustRedirect(t, "archive", c.post(fmt.Sprintf("/settings/categories/%d/archive", events), nil), "/settings/categories#archived")
	must(t, "archived", c.get("/settings/categories"), 200, "« Événements » et 1 sous-catégorie sont archivées", "Catégories archivées",
		"Événements › Séminaire d'été", "Restaurer")
	show := c.get(fmt.Sprintf("/requests/%d", old.Number))
	must(t, "old request", show, 200, `<option value="Événements" selected>Événements (archivée)</option>`)
	if portal := d.zoe.get("/portal"); strings.Contains(portal.Body, ">Événements") {
		t.Fatal("the portal still offers an archived category")
	}
	refused := d.zoe.post("/portal", url.Values{"title": {"Navette pour le séminaire"}, "category": {"Événements"}})
	must(t, "portal refuses", refused, http.StatusUnprocessableEntity, "La catégorie « Événements » est archivée")

	// A sub-category waits for its parent.
	mustRedirect(t, "restore child", c.post(fmt.Sprintf("/settings/categories/%d/restore", seminar.ID), nil), "/settings/categories")
	must(t, "restore refused", c.get("/settings/categories"), 200, "« Événements » est archivée : restaurez-la d'abord")
	mustRedirect(t, "restore", c.post(fmt.Sprintf("/settings/categories/%d/restore", events), nil),
		fmt.Sprintf("/settings/categories#category-%d", events))
	must(t, "restored", c.get("/settings/categories"), 200, "« Événements » est de nouveau proposée")
	if got := categoryByName(t, d, "Séminaire d'été"); !got.Archived {
		t.Fatal("restoring a parent must not restore its sub-categories behind the admin's back")
	}

	// A rule that sets an archived category keeps it selected and marked, so saving it cannot
	// silently change what it does.
	mail := d.categoryIDs["Courrier & colis"]
	mustRedirect(t, "archive mail", c.post(fmt.Sprintf("/settings/categories/%d/archive", mail), nil), "/settings/categories#archived")
	var ruleID int64
	for _, r := range rulesInOrder(t, d) {
		if r.SetCategoryID == mail {
			ruleID = r.ID
		}
	}
	must(t, "rule form", c.get(fmt.Sprintf("/settings/rules/%d", ruleID)), 200,
		fmt.Sprintf(`<option value="%d" selected>Courrier & colis (archivée)</option>`, mail))

	// Every change is in the audit trail, filterable by kind.
	must(t, "audit", c.get("/settings/audit?entity=category"), 200, "a créé une catégorie", "a modifié une catégorie",
		"a archivé une catégorie", "a restauré une catégorie", "a changé l'ordre des catégories")
	must(t, "unknown", c.post("/settings/categories/999999/archive", nil), http.StatusNotFound)
}
