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

func TestMergeFromTheRequestPage(t *testing.T) {
	d := newDesk(t)
	target := d.file("Wi-Fi lent", "helene.bernard@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	dup := d.file("Le Wi-Fi rame", "zoe.thomas@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	page := fmt.Sprintf("/requests/%d", dup.Number)

	res := d.jerome.get(page)
	if body := text(res); !strings.Contains(body, "Incident et doublons") || !strings.Contains(body, `action="`+page+`/merge"`) {
		t.Fatalf("the request page offers to merge:\n%s", body)
	}
	noRawKeys(t, res)

	for _, c := range []struct{ into, want string }{
		{"", "Demande cible est obligatoire."},
		{fmt.Sprint(dup.Number), "Une demande ne peut pas être fusionnée dans elle-même"},
		{"99999", "Aucune demande #99999 que vous puissiez voir"},
	} {
		res := d.jerome.post(page+"/merge", url.Values{"into": {c.into}})
		if body := text(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) {
			t.Fatalf("merge into %q: %d, want %q", c.into, res.StatusCode, c.want)
		}
	}

	res = d.jerome.post(page+"/merge", url.Values{"into": {fmt.Sprintf("#%d", target.Number)}})
	targetPage := fmt.Sprintf("/requests/%d", target.Number)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != targetPage {
		t.Fatalf("merge: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	body := text(d.jerome.get(targetPage))
	for _, s := range []string{fmt.Sprintf("#%d est fusionnée ici", dup.Number), "Fusionnées ici :", fmt.Sprintf(`<a href="/requests/%d">#%d</a>`, dup.Number, dup.Number),
		"Suivent aussi :", "Zoé Thomas", "a fusionné une autre demande dans celle-ci", fmt.Sprintf("Fusionnée depuis #%d", dup.Number)} {
		if !strings.Contains(body, s) {
			t.Errorf("the target page does not show %q", s)
		}
	}
	body = text(d.jerome.get(page))
	if !strings.Contains(body, fmt.Sprintf("la demande #%d", target.Number)) || !strings.Contains(body, "a fusionné cette demande dans une autre") ||
		strings.Contains(body, `action="`+page+`/merge"`) {
		t.Fatalf("the duplicate page shows the banner and no more merge form:\n%s", body)
	}
	got, _ := d.e.App.Requests.Get(context.Background(), d.camilleV, dup.Number)
	if got.Status != request.StatusClosed || got.MergedIntoID != target.ID {
		t.Fatalf("duplicate: %+v", got)
	}
	if res := d.jerome.post(page+"/merge", url.Values{"into": {fmt.Sprint(target.Number)}}); res.StatusCode != http.StatusSeeOther ||
		!strings.Contains(text(d.jerome.get(page)), "déjà fusionnée") {
		t.Fatalf("merge twice: %d", res.StatusCode)
	}
	// Hélène, on the portal, reads the note but not Zoé's words.
	if helene := text(d.helene.get(fmt.Sprintf("/portal/%d", target.Number))); strings.Contains(helene, "Le Wi-Fi rame") {
		t.Fatal("the target's requester reads the duplicate's request")
	}
}
