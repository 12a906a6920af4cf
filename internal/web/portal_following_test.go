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

// TestPortalMergeListsFollowedRequests: once Zoé's request is merged into Hélène's, Zoé's
// portal lists Hélène's among the requests she follows, by its number only, linking to the
// follower's page; Hélène's portal lists nothing of the kind.
func TestPortalMergeListsFollowedRequests(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	target := d.file("Plus de Wi-Fi au 3e", "helene.bernard@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	dup := d.file("Internet coupé", "zoe.thomas@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	res := d.zoe.get("/portal")
	if res.StatusCode != http.StatusOK || strings.Contains(text(res), "Demandes que vous suivez") {
		t.Fatalf("before the merge Zoé follows nothing: %d", res.StatusCode)
	}
	if _, err := d.e.App.Requests.Merge(ctx, d.camilleV, dup.Number, target.Number); err != nil {
		t.Fatal(err)
	}

	res = d.zoe.get("/portal")
	noRawKeys(t, res)
	page := text(res)
	link := fmt.Sprintf(`<a class="row-link" href="/portal/%d">Demande suivie #%d</a>`, target.Number, target.Number)
	for _, want := range []string{"Demandes que vous suivez", link, fmt.Sprintf("avec votre demande #%d", dup.Number),
		fmt.Sprintf(`href="/portal/%d">Internet coupé</a>`, dup.Number)} { // her own, still in "Mes demandes"
		if !strings.Contains(res.Body, want) && !strings.Contains(page, want) {
			t.Errorf("Zoé's portal lacks %q", want)
		}
	}
	if strings.Contains(page, "Plus de Wi-Fi au 3e") {
		t.Error("Zoé's portal names Hélène's request")
	}
	// The link leads to the follower's page.
	if res := d.zoe.get(fmt.Sprintf("/portal/%d", target.Number)); res.StatusCode != http.StatusOK || !strings.Contains(text(res), "que vous suivez") {
		t.Errorf("the followed request's page: %d", res.StatusCode)
	}
	// Hélène asks it: she follows nothing.
	if res := d.helene.get("/portal"); strings.Contains(text(res), "Demandes que vous suivez") || strings.Contains(res.Body, link) {
		t.Error("Hélène's portal lists her own request as followed")
	}
	// In English too.
	d.zoe.post("/me/language", url.Values{"language": {"en"}, "next": {"/portal"}})
	if res := d.zoe.get("/portal"); !strings.Contains(text(res), "Requests you follow") || !strings.Contains(text(res), fmt.Sprintf("with your request #%d", dup.Number)) {
		t.Error("the followed requests are not listed in English")
	}
}
