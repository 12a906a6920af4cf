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

func TestQueueBulkActions(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	a := d.file("Chaise cassée", "zoe.thomas@exemple.fr", "", request.Normal, request.Web)
	b := d.file("Lampe HS", "helene.bernard@exemple.fr", "", request.Normal, request.Web)
	c := d.file("Porte qui grince", "zoe.thomas@exemple.fr", "", request.Normal, request.Web)
	d.set(c.Number, request.Change{Status: status(request.StatusClosed)})

	res := d.camille.get("/requests")
	for _, s := range []string{`id="bulk-form"`, `action="/requests/bulk"`, fmt.Sprintf(`name="n" value="%d" form="bulk-form"`, a.Number),
		"data-bulk-all", "/static/bulk.", "Assigner à…"} {
		if !strings.Contains(res.Body, s) {
			t.Errorf("the queue does not have %q", s)
		}
	}
	noRawKeys(t, res)
	// The results htmx swaps keep their checkboxes.
	req, _ := http.NewRequest("GET", d.e.URL+"/requests?priority=normal", nil)
	req.Header.Set("HX-Request", "true")
	if frag := d.camille.do(req); !strings.Contains(frag.Body, `data-bulk-row`) {
		t.Error("the htmx results lost the checkboxes")
	}

	n := func(rs ...request.Request) []string {
		var out []string
		for _, r := range rs {
			out = append(out, fmt.Sprint(r.Number))
		}
		return out
	}
	res = d.camille.post("/requests/bulk", url.Values{"n": n(a, b), "assignee": {fmt.Sprint(d.jeromeID)}, "priority": {"high"},
		"tag": {"Mobilier"}, "back": {"/requests?status=all"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/requests?status=all" {
		t.Fatalf("bulk: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if body := text(d.camille.get("/requests?status=all")); !strings.Contains(body, "2 demandes mises à jour.") {
		t.Fatal("no confirmation after the bulk action")
	}
	for _, r := range []request.Request{a, b} {
		got, _ := d.e.App.Requests.Get(ctx, d.camilleV, r.Number)
		if got.AssigneeID != d.jeromeID || got.Priority != request.High || strings.Join(got.Tags, ",") != "mobilier" {
			t.Fatalf("#%d after bulk: %+v", r.Number, got)
		}
	}

	// A closed request cannot reopen: nothing is written, the message names it.
	res = d.camille.post("/requests/bulk", url.Values{"n": n(a, c), "status": {"open"}, "back": {"https://ailleurs.example/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/requests" {
		t.Fatalf("bulk back to another site: %s", res.Header.Get("Location"))
	}
	body := text(d.camille.get("/requests"))
	if !strings.Contains(body, fmt.Sprintf("Rien n'a été modifié : #%d (ne peut pas passer de « Fermée » à « En cours »)", c.Number)) {
		t.Fatalf("failure message:\n%s", body)
	}
	if got, _ := d.e.App.Requests.Get(ctx, d.camilleV, a.Number); got.Status != request.StatusNew {
		t.Fatalf("a failed bulk action wrote #%d: %s", a.Number, got.Status)
	}

	// Nothing selected, nothing chosen, a wrong category: said, nothing written.
	for _, c := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"priority": {"low"}}, "Cochez au moins une demande"},
		{url.Values{"n": n(a)}, "Choisissez ce qu'il faut changer"},
		{url.Values{"n": n(a), "category": {"Cuisine"}}, "La catégorie « Cuisine » n'existe pas."},
	} {
		d.camille.post("/requests/bulk", c.form)
		if body := text(d.camille.get("/requests")); !strings.Contains(body, c.want) {
			t.Errorf("%v: want %q", c.form, c.want)
		}
	}

	// Link to an incident, then merge, from the bar.
	inc, err := d.e.App.Requests.CreateIncident(ctx, d.jeromeV, "Mobilier du 2e", "")
	if err != nil {
		t.Fatal(err)
	}
	if body := d.jerome.get("/requests").Body; !strings.Contains(body, fmt.Sprintf(`<option value="%d">Mobilier du 2e</option>`, inc.ID)) {
		t.Fatal("the bar offers the open incidents")
	}
	d.jerome.post("/requests/bulk", url.Values{"n": n(a, b), "incident": {fmt.Sprint(inc.ID)}})
	if detail, _ := d.e.App.Requests.Incident(ctx, d.jeromeV, inc.ID); len(detail.Requests) != 2 {
		t.Fatalf("bulk link: %d", len(detail.Requests))
	}
	d.jerome.post("/requests/bulk", url.Values{"n": n(a, b), "into": {fmt.Sprintf("#%d", a.Number)}})
	if body := text(d.jerome.get("/requests")); !strings.Contains(body, fmt.Sprintf("les doublons sont fusionnés dans #%d", a.Number)) {
		t.Fatal("no confirmation of the merge")
	}
	if got, _ := d.e.App.Requests.Get(ctx, d.camilleV, b.Number); got.MergedIntoID != a.ID {
		t.Fatalf("bulk merge: %+v", got)
	}
	if res := d.zoe.post("/requests/bulk", url.Values{"n": n(a), "priority": {"low"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("employees: %d", res.StatusCode)
	}
}
