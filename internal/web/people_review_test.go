package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/people"
)

func TestPeopleToReview(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	ctx := context.Background()
	hugo, err := e.App.People.Create(ctx, people.Input{FirstName: "Hugo", LastName: "Petit", Email: "hugo@exemple.fr",
		Review: "Slack : utilisateur inconnu U0HUGO"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.People.Create(ctx, people.Input{FirstName: "Zoé", LastName: "Roux", Email: "zoe@exemple.fr"}); err != nil {
		t.Fatal(err)
	}
	list := c.get("/people?status=review")
	if list.StatusCode != 200 || !strings.Contains(list.Body, "Hugo") || strings.Contains(list.Body, "Zoé") ||
		!strings.Contains(list.Body, "badge-amber") {
		t.Fatalf("people to review: %d %s", list.StatusCode, list.Body)
	}
	card := c.get(fmt.Sprintf("/people/%d", hugo.ID))
	if !strings.Contains(card.Body, "utilisateur inconnu U0HUGO") || !strings.Contains(card.Body, "Marquer comme vérifié") {
		t.Fatalf("the card must show why the person awaits review: %s", card.Body)
	}
	emp := e.signInAs(auth.Employee)
	if res := emp.post(fmt.Sprintf("/people/%d/reviewed", hugo.ID), nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an employee clears a review: %d", res.StatusCode)
	}
	if res := c.post(fmt.Sprintf("/people/%d/reviewed", hugo.ID), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reviewed: %d", res.StatusCode)
	}
	if card := c.get(fmt.Sprintf("/people/%d", hugo.ID)); !strings.Contains(card.Body, "Hugo Petit est vérifié(e).") ||
		strings.Contains(card.Body, "Marquer comme vérifié") {
		t.Fatalf("after review: %s", card.Body)
	}
	if p, _ := e.App.People.Get(ctx, hugo.ID); p.Review != "" {
		t.Fatalf("still flagged: %q", p.Review)
	}
	if list := c.get("/people?status=review"); strings.Contains(list.Body, "Hugo") {
		t.Fatal("a reviewed person stays in the list to review")
	}
}
