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

// TestPortalMergeFollowerReadsTheSurvivingRequest: Zoé's request is merged into Hélène's. Her
// own page leads to Hélène's, which she reads as a follower: the team's public replies, none of
// Hélène's words nor the team's notes, and no way to reply or rate.
func TestPortalMergeFollowerReadsTheSurvivingRequest(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	target := d.file("Plus de Wi-Fi au 3e", "helene.bernard@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	dup := d.file("Internet coupé", "zoe.thomas@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	targetPage, dupPage := fmt.Sprintf("/portal/%d", target.Number), fmt.Sprintf("/portal/%d", dup.Number)
	if res := d.zoe.get(targetPage); res.StatusCode != http.StatusNotFound {
		t.Fatalf("before the merge Hélène's request is not Zoé's to read: %d", res.StatusCode)
	}
	if _, err := d.e.App.Requests.Merge(ctx, d.camilleV, dup.Number, target.Number); err != nil {
		t.Fatal(err)
	}
	helene, err := d.e.App.Requests.ViewerFor(ctx, 0, "Hélène Bernard", "helene.bernard@exemple.fr", "manager")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		v        request.Viewer
		body     string
		internal bool
	}{{helene, "Surtout dans mon bureau", false}, {d.camilleV, "Le prestataire passe à 14 h.", false}, {d.camilleV, "Contrat à renégocier", true}} {
		if _, err := d.e.App.Requests.Reply(ctx, m.v, target.Number, m.body, m.internal, request.Web); err != nil {
			t.Fatal(err)
		}
	}

	// Her own page says where it goes on.
	res := d.zoe.get(dupPage)
	noRawKeys(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `<a href="`+targetPage+`">Suivre la demande #`+fmt.Sprint(target.Number)+`</a>`) {
		t.Fatalf("the merged request does not lead to the surviving one: %d", res.StatusCode)
	}
	// The surviving one, as a follower.
	res = d.zoe.get(targetPage)
	noRawKeys(t, res)
	page := text(res)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "Le prestataire passe à 14 h.") ||
		!strings.Contains(page, "que vous suivez") || !strings.Contains(res.Body, `href="`+dupPage+`"`) {
		t.Fatalf("Zoé cannot read the surviving request: %d\n%s", res.StatusCode, page)
	}
	for _, secret := range []string{"Plus de Wi-Fi au 3e", "Détails de « Plus de Wi-Fi", "Surtout dans mon bureau", "Contrat à renégocier", "Hélène"} {
		if strings.Contains(page, secret) {
			t.Errorf("Zoé reads %q", secret)
		}
	}
	if strings.Contains(res.Body, targetPage+"/replies") || strings.Contains(res.Body, targetPage+"/rating") {
		t.Error("a follower is offered to reply or rate")
	}
	for _, path := range []string{targetPage + "/replies", targetPage + "/rating"} {
		if res := d.zoe.post(path, url.Values{"body": {"x"}, "score": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s as a follower: %d", path, res.StatusCode)
		}
	}
	// Hélène still reads her own request as its requester, and not Zoé's.
	if res := d.helene.get(targetPage); res.StatusCode != http.StatusOK || !strings.Contains(text(res), "Surtout dans mon bureau") {
		t.Errorf("Hélène's own request: %d", res.StatusCode)
	}
	if res := d.helene.get(dupPage); res.StatusCode != http.StatusNotFound {
		t.Errorf("Hélène reads Zoé's merged request: %d", res.StatusCode)
	}
	// In English too.
	d.zoe.post("/me/language", url.Values{"language": {"en"}, "next": {"/portal"}})
	if res := d.zoe.get(targetPage); !strings.Contains(text(res), "which you follow") {
		t.Error("the followed page is not in English")
	}
}

// TestPortalMergeConfidential: a confidential request is open to the person whose request was
// merged into it, and to nobody else of the portal.
func TestPortalMergeConfidential(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	pay := d.file("Prime oubliée", "helene.bernard@exemple.fr", "RH & paie", request.Normal, request.Web)
	other := d.file("Acompte", "helene.bernard@exemple.fr", "RH & paie", request.Normal, request.Web)
	mine := d.file("Fiche de paie fausse", "zoe.thomas@exemple.fr", "RH & paie", request.Normal, request.Web)
	if !pay.Confidential || !mine.Confidential {
		t.Fatal("payroll requests are confidential")
	}
	if _, err := d.e.App.Requests.Merge(ctx, d.camilleV, mine.Number, pay.Number); err != nil {
		t.Fatal(err)
	}
	if _, err := d.e.App.Requests.Reply(ctx, d.camilleV, pay.Number, "Noël corrige les deux fiches.", false, request.Web); err != nil {
		t.Fatal(err)
	}
	res := d.zoe.get(fmt.Sprintf("/portal/%d", pay.Number))
	if page := text(res); res.StatusCode != http.StatusOK || !strings.Contains(page, "Noël corrige les deux fiches.") || strings.Contains(page, "Prime oubliée") {
		t.Errorf("Zoé follows the payroll request: %d", res.StatusCode)
	}
	if res := d.zoe.get(fmt.Sprintf("/portal/%d", other.Number)); res.StatusCode != http.StatusNotFound {
		t.Errorf("Zoé reads a confidential request she does not follow: %d", res.StatusCode)
	}
	// Jérôme, an agent who is not assigned, does not see it on the desk, nor on the portal.
	d.e.addPerson("Jérôme", "Durand", "jerome.durand@exemple.fr")
	if res := d.jerome.get(fmt.Sprintf("/portal/%d", pay.Number)); res.StatusCode != http.StatusNotFound {
		t.Errorf("Jérôme on the payroll request's portal page: %d", res.StatusCode)
	}
}
