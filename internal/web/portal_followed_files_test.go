package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"

	"majordome/internal/request"
)

// TestPortalMergeFollowerDownloadsTheTeamsFiles: Zoé's request is merged into Hélène's, where
// Hélène sent a plan and the team replied with the procedure. On the follower's page Zoé sees
// and downloads the procedure; Hélène's plan is neither listed nor served to her; someone who
// follows nothing gets 404 for the procedure too.
func TestPortalMergeFollowerDownloadsTheTeamsFiles(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	target := d.file("Plus de Wi-Fi au 3e", "helene.bernard@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	dup := d.file("Internet coupé", "zoe.thomas@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	if _, err := d.e.App.Requests.Merge(ctx, d.camilleV, dup.Number, target.Number); err != nil {
		t.Fatal(err)
	}
	helene, err := d.e.App.Requests.ViewerFor(ctx, 0, "Hélène Bernard", "helene.bernard@exemple.fr", "manager")
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string, data []byte) []request.File {
		f, err := request.ReadFile(name, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return []request.File{f}
	}
	if _, err := d.e.App.Requests.ReplyWithFiles(ctx, helene, target.Number, "Mon plan", false, request.Web, read("plan-helene.pdf", pdfBytes)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.e.App.Requests.ReplyWithFiles(ctx, d.camilleV, target.Number, "Voici la procédure.", false, request.Web, read("procedure.png", pngBytes)); err != nil {
		t.Fatal(err)
	}
	// Hélène, the requester, lists both on her page: that is where the plan's link is found.
	mine := attachmentLinks(d.helene.get(fmt.Sprintf("/portal/%d", target.Number)))
	plan, procedure := mine["plan-helene.pdf"][0], mine["procedure.png"][0]
	if plan == "" || procedure == "" {
		t.Fatalf("Hélène's page lists %v", mine)
	}

	res := d.zoe.get(fmt.Sprintf("/portal/%d", target.Number))
	noRawKeys(t, res)
	links := attachmentLinks(res)
	if len(links) != 1 || links["procedure.png"][0] != procedure {
		t.Fatalf("Zoé's follower page lists %v; want the procedure only", links)
	}
	if res := d.zoe.get(procedure); res.StatusCode != http.StatusOK || res.Body != string(pngBytes) {
		t.Errorf("Zoé downloads the team's file: %d", res.StatusCode)
	}
	if res := d.zoe.get(plan); res.StatusCode != http.StatusNotFound {
		t.Errorf("Zoé downloads Hélène's plan: %d", res.StatusCode)
	}
	// Jérôme follows nothing: the file does not exist for him on the portal.
	d.e.addPerson("Jérôme", "Durand", "jerome.durand@exemple.fr")
	if res := d.jerome.get(procedure); res.StatusCode != http.StatusNotFound {
		t.Errorf("Jérôme, who follows nothing, downloads the team's file: %d", res.StatusCode)
	}
	// Hélène still downloads both, as the requester.
	for _, link := range []string{plan, procedure} {
		if res := d.helene.get(link); res.StatusCode != http.StatusOK {
			t.Errorf("Hélène downloads %s: %d", link, res.StatusCode)
		}
	}
}
