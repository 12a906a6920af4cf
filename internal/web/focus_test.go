package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"majordome/internal/request"
)

var focusPillRe = regexp.MustCompile(`class="focus-pill"[^>]*>\s*<span class="dot dot-blue" aria-hidden="true"></span>Concentration jusqu'à [^<]*\d\d:\d\d`)

var blockDeleteRe = regexp.MustCompile(`action="/focus/blocks/(\d+)/delete"`)

// TestFocusTime: Camille sets a recurring block (a wrong one is explained, field by field),
// starts focus by hand; new requests wait for her while urgent ones get through; the sidebar
// shows until when; Zoé's portal says when to expect an answer; stopping releases what waited.
func TestFocusTime(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()

	page := d.camille.get("/focus")
	body := text(page)
	if page.StatusCode != 200 || !strings.Contains(body, "Vous n'êtes pas en concentration") ||
		!strings.Contains(body, "Aucune plage pour l'instant") || !strings.Contains(body, `name="for" value="2h"`) {
		t.Fatalf("focus page:\n%s", body)
	}
	noRawKeys(t, page)
	noNotifyKeys(t, page)

	// A block needs days, and an end after its start; what she chose stays.
	res := d.camille.post("/focus/blocks", url.Values{"focus_start": {"11:00"}, "focus_end": {"09:00"}})
	body = text(res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Jours est obligatoire.") ||
		!strings.Contains(body, "La fin doit venir après le début") || !strings.Contains(body, `value="11:00"`) {
		t.Fatalf("bad block: %d\n%s", res.StatusCode, body)
	}
	res = d.camille.post("/focus/blocks", url.Values{"focus_days": {"1", "2", "3", "4", "5"}, "focus_start": {"09:00"}, "focus_end": {"11:00"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add block: %d\n%s", res.StatusCode, res.Body)
	}
	page = d.camille.get("/focus")
	body = text(page)
	if !strings.Contains(body, "Plage ajoutée : Du lundi au vendredi, 09:00–11:00.") || !strings.Contains(body, "09:00–11:00") {
		t.Fatalf("after adding a block:\n%s", body)
	}
	m := blockDeleteRe.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no delete button for the block")
	}
	if res := d.jerome.post("/focus/blocks/"+m[1]+"/delete", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("Jérôme deleting Camille's block: %d, want 404", res.StatusCode)
	}
	if res := d.camille.post("/focus/blocks/"+m[1]+"/delete", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete block: %d", res.StatusCode)
	}
	if !strings.Contains(text(d.camille.get("/focus")), "Aucune plage pour l'instant") {
		t.Fatal("the block is still listed")
	}

	// Focus now, for two hours.
	res = d.camille.post("/focus/start", url.Values{"for": {"2h"}, "next": {"/focus"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/focus" {
		t.Fatalf("start: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	body = text(d.camille.get("/focus"))
	if !strings.Contains(body, "C'est parti : concentration jusqu'à") || !strings.Contains(body, "Arrêter maintenant") {
		t.Fatalf("focus page in focus:\n%s", body)
	}
	if b := text(d.camille.get("/notifications/bell?nav=home")); !focusPillRe.MatchString(b) {
		t.Fatalf("the sidebar does not show the focus:\n%s", b)
	}
	if res := d.camille.post("/focus/start", url.Values{"for": {"forever"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(text(res), "Choisissez une durée") {
		t.Fatalf("start without a duration: %d", res.StatusCode)
	}

	// A new request waits for her; Jérôme, not in focus, hears of it at once; an urgent one
	// reaches her.
	chair := d.file("Chaise cassée", "zoe.thomas@exemple.fr", "", request.Normal, request.Web)
	if got := bell(t, d.camille); got != "" {
		t.Fatalf("Camille's bell during focus = %q, want nothing", got)
	}
	if got := bell(t, d.jerome); got != "1" {
		t.Fatalf("Jérôme's bell = %q, want 1", got)
	}
	inbox := text(d.camille.get("/notifications"))
	if !strings.Contains(inbox, "1 notification vous attend à la fin de votre concentration") {
		t.Fatalf("the inbox does not say what waits:\n%s", inbox)
	}
	d.file("Fuite d'eau en cuisine", "zoe.thomas@exemple.fr", "", request.Urgent, request.Web)
	if got := bell(t, d.camille); got != "1" {
		t.Fatalf("Camille's bell after an urgent request = %q, want 1", got)
	}
	if !strings.Contains(text(d.camille.get("/notifications")), "Demande urgente #") {
		t.Fatal("the urgent notification is not marked urgent")
	}

	// The portal: nothing to say while someone is free; once the whole team is in focus, Zoé
	// learns when her request will be read.
	portal := fmt.Sprintf("/portal/focus?number=%d", chair.Number)
	if res := d.zoe.get(portal); res.StatusCode != 200 || strings.TrimSpace(res.Body) != "" {
		t.Fatalf("portal notice with Jérôme free: %d %q", res.StatusCode, res.Body)
	}
	if !strings.Contains(d.zoe.get(fmt.Sprintf("/portal/%d", chair.Number)).Body, `hx-get="/portal/focus?number=`) {
		t.Fatal("the portal page does not ask for the focus notice")
	}
	for _, id := range []int64{d.jeromeID, d.noelID} {
		if _, err := d.e.App.Notify.StartFocus(ctx, id, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if got := text(d.zoe.get(portal)); !strings.Contains(got, "L'équipe est concentrée jusqu'à") {
		t.Fatalf("portal notice with the team in focus: %q", got)
	}
	if got := text(d.zoe.get("/portal/focus")); !strings.Contains(got, "les nouvelles demandes seront lues à partir de là") {
		t.Fatalf("portal home notice: %q", got)
	}
	d.set(chair.Number, request.Change{AssigneeID: &d.jeromeID})
	if got := text(d.zoe.get(portal)); !strings.Contains(got, "Jérôme Durand est concentré·e jusqu'à") {
		t.Fatalf("portal notice once assigned: %q", got)
	}
	if got := d.helene.get(portal); strings.TrimSpace(got.Body) != "" {
		t.Fatalf("Hélène learns about Zoé's request: %q", got.Body)
	}

	// Stopping releases what waited.
	res = d.camille.post("/focus/stop", url.Values{"next": {"/focus"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("stop: %d", res.StatusCode)
	}
	body = text(d.camille.get("/focus"))
	if !strings.Contains(body, "Concentration terminée : 1 notification vous attend.") || !strings.Contains(body, "Vous n'êtes pas en concentration") {
		t.Fatalf("after stop:\n%s", body)
	}
	if got := bell(t, d.camille); got != "2" {
		t.Fatalf("Camille's bell after stop = %q, want 2", got)
	}
}
