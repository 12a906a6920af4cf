package web_test

import (
	"net/http"
	"strings"
	"testing"

	"majordome/internal/auth"
)

// TestPackStarterOffer: on a new Majordome, Camille's Aujourd'hui offers the starter pack; its
// page shows what it adds without writing anything; installing it fills the bible, after which
// the offer is gone. Agents see neither the offer nor the page.
func TestPackStarterOffer(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		camille := e.signInAs(auth.Admin)
		jerome := e.signInAs(auth.Agent)
		home := camille.get("/")
		if !strings.Contains(home.Body, `data-packs-offer`) || !strings.Contains(home.Body, "Installer le pack de démarrage") {
			t.Fatalf("no offer on a new admin's home:\n%s", home.Body)
		}
		if strings.Contains(jerome.get("/").Body, "data-packs-offer") {
			t.Error("an agent is offered the pack")
		}
		if res := jerome.get("/packs/starter"); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent opens the pack's page: %d", res.StatusCode)
		}

		preview := camille.get("/packs/starter")
		if preview.StatusCode != http.StatusOK || !strings.Contains(preview.Body, "20 à créer, 0 à mettre à jour, 0 inchangé(s).") ||
			!strings.Contains(preview.Body, "Que faire en cas de fuite d&#39;eau") || !strings.Contains(preview.Body, `id="packs-install"`) {
			t.Fatalf("preview: %d\n%s", preview.StatusCode, preview.Body)
		}
		if empty, _ := e.App.Packs.IsEmpty(t.Context()); !empty {
			t.Fatal("the preview wrote into the bible")
		}

		res := camille.post("/packs/starter", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/bible" {
			t.Fatalf("install: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		if _, err := e.App.Articles.BySlug(t.Context(), "fuite-d-eau"); err != nil {
			t.Fatalf("after the install: %v", err)
		}
		if _, err := e.App.Checklists.TemplateBySlug(t.Context(), "arrivee-salarie"); err != nil {
			t.Fatalf("after the install: %v", err)
		}
		if strings.Contains(camille.get("/").Body, "data-packs-offer") {
			t.Error("the offer stays once the bible is filled")
		}
		// Installing again changes nothing, and the page says so.
		if again := camille.get("/packs/starter"); !strings.Contains(again.Body, "Tout est déjà installé") {
			t.Errorf("preview after the install:\n%s", again.Body)
		}
		if res := jerome.post("/packs/starter", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent installs: %d", res.StatusCode)
		}
	})
}
