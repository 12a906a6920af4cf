package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"majordome/internal/request"
)

var incidentURLRe = regexp.MustCompile(`^/incidents/(\d+)$`)

func TestIncidentPagesLinkReplyAndResolve(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()

	empty := d.jerome.get("/incidents")
	if empty.StatusCode != 200 || !strings.Contains(text(empty), "Aucun incident pour l'instant") || !strings.Contains(empty.Body, `href="/incidents" data-shortcut="g i"`) {
		t.Fatalf("empty incidents page: %d\n%s", empty.StatusCode, empty.Body)
	}
	noRawKeys(t, empty)
	if res := d.zoe.get("/incidents"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("employees do not see incidents: %d", res.StatusCode)
	}

	res := d.jerome.post("/incidents", url.Values{"title": {"  "}, "description": {"La borne est éteinte."}})
	if body := text(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Titre est obligatoire.") ||
		!strings.Contains(body, "La borne est éteinte.</textarea>") {
		t.Fatalf("incident without a title: %d", res.StatusCode)
	}
	res = d.jerome.post("/incidents", url.Values{"title": {"Wi-Fi en panne au 3e étage"}, "description": {"La borne est éteinte."}})
	m := incidentURLRe.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	page := res.Header.Get("Location")
	res = d.jerome.get(page)
	if body := text(res); !strings.Contains(body, "Incident « Wi-Fi en panne au 3e étage » ouvert") || !strings.Contains(body, "Aucune demande liée") {
		t.Fatalf("new incident page:\n%s", body)
	}
	noRawKeys(t, res)
	var id int64
	fmt.Sscan(m[1], &id)

	a := d.file("Plus de Wi-Fi", "zoe.thomas@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	b := d.file("Internet coupé", "helene.bernard@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	pay := d.file("Wi-Fi et fiche de paie", "zoe.thomas@exemple.fr", "RH & paie", request.Normal, request.Web)

	if res := d.jerome.post(page+"/link", url.Values{"numbers": {"douze"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(text(res), "Indiquez des numéros de demande") {
		t.Fatalf("bad numbers: %d", res.StatusCode)
	}
	// Jérôme may not see the confidential request: nothing is linked, and the message says which.
	res = d.jerome.post(page+"/link", url.Values{"numbers": {fmt.Sprintf("#%d, %d", a.Number, pay.Number)}})
	if body := text(d.jerome.get(page)); res.StatusCode != http.StatusSeeOther ||
		!strings.Contains(body, fmt.Sprintf("Rien n'a été lié : #%d (introuvable)", pay.Number)) {
		t.Fatalf("link with a hidden request: %d\n%s", res.StatusCode, body)
	}
	if res := d.jerome.post(page+"/link", url.Values{"numbers": {fmt.Sprintf("#%d, %d", a.Number, b.Number)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("link: %d", res.StatusCode)
	}
	// Camille links the confidential one from its own page.
	if res := d.camille.post(fmt.Sprintf("/requests/%d/incident", pay.Number), url.Values{"incident": {fmt.Sprint(id)}}); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != fmt.Sprintf("/requests/%d", pay.Number) {
		t.Fatalf("link from the request page: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	body := text(d.camille.get(fmt.Sprintf("/requests/%d", pay.Number)))
	if !strings.Contains(body, fmt.Sprintf(`<a href="/incidents/%d">Wi-Fi en panne au 3e étage</a>`, id)) || !strings.Contains(body, "a changé l'incident lié") {
		t.Fatalf("the request page shows its incident and the timeline says so:\n%s", body)
	}

	// Jérôme's page lists and counts only what he may see.
	body = text(d.jerome.get(page))
	if !strings.Contains(body, "Plus de Wi-Fi") || !strings.Contains(body, "Internet coupé") || strings.Contains(body, "fiche de paie") ||
		!strings.Contains(body, "2 demandes que vous pouvez voir, dont 2 actives.") {
		t.Fatalf("Jérôme's incident page:\n%s", body)
	}
	if list := text(d.jerome.get("/incidents")); !regexp.MustCompile(`(?s)Wi-Fi en panne au 3e étage.*?<td class="num nowrap">2 `).MatchString(list) {
		t.Fatalf("Jérôme's list counts two:\n%s", list)
	}
	if list := text(d.camille.get("/incidents")); !regexp.MustCompile(`(?s)Wi-Fi en panne au 3e étage.*?<td class="num nowrap">3 `).MatchString(list) {
		t.Fatalf("Camille's list counts three:\n%s", list)
	}

	// Reply to all: each active request gets it.
	if res := d.jerome.post(page+"/replies", url.Values{"body": {"Le prestataire passe à 14 h."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply to all: %d", res.StatusCode)
	}
	if zoe := text(d.zoe.get(fmt.Sprintf("/portal/%d", a.Number))); !strings.Contains(zoe, "Le prestataire passe à 14 h.") {
		t.Fatal("Zoé does not read the reply to all")
	}

	// Resolve: a message is needed; then every linked request is resolved with it.
	res = d.jerome.post(page+"/resolve", url.Values{"message": {" "}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), "Message est obligatoire.") {
		t.Fatalf("resolve without a message: %d", res.StatusCode)
	}
	if res := d.jerome.post(page+"/resolve", url.Values{"message": {"La borne est remplacée, tout remarche."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resolve: %d", res.StatusCode)
	}
	body = text(d.jerome.get(page))
	if !strings.Contains(body, "Incident résolu : les demandes liées le sont aussi") || strings.Contains(body, `action="`+page+`/resolve"`) ||
		!strings.Contains(body, "a résolu l'incident") {
		t.Fatalf("resolved incident page:\n%s", body)
	}
	for _, n := range []int64{a.Number, b.Number, pay.Number} {
		r, _ := d.e.App.Requests.Get(ctx, d.camilleV, n)
		if r.Status != request.StatusResolved {
			t.Errorf("#%d: %s", n, r.Status)
		}
	}
	if zoe := text(d.zoe.get(fmt.Sprintf("/portal/%d", pay.Number))); !strings.Contains(zoe, "La borne est remplacée, tout remarche.") {
		t.Fatal("the confidential request's requester is told too")
	}
	if res := d.jerome.get(fmt.Sprintf("/requests/%d", pay.Number)); res.StatusCode != http.StatusNotFound {
		t.Fatalf("the confidential request stays hidden from Jérôme: %d", res.StatusCode)
	}
	if res := d.jerome.post(page+"/resolve", url.Values{"message": {"Encore"}}); res.StatusCode != http.StatusSeeOther ||
		!strings.Contains(text(d.jerome.get(page)), "Cet incident est déjà résolu") {
		t.Fatalf("resolving twice: %d", res.StatusCode)
	}
	if res := d.jerome.get("/incidents/999"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown incident: %d", res.StatusCode)
	}
	if res := d.jerome.get("/incidents?status=open"); !strings.Contains(text(res), "Aucun incident en cours") {
		t.Fatal("the open filter leaves the resolved incident out")
	}
}
