package people_test

import (
	"context"
	"testing"

	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/testutil"
)

func TestReviewFlagAndExternalContacts(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		dir, _ := newDir(t, d)
		ctx := context.Background()
		staff, err := dir.Create(ctx, people.Input{FirstName: "Léa", LastName: "Martin", Email: "lea@exemple.fr"})
		if err != nil {
			t.Fatal(err)
		}
		slackUser, err := dir.Create(ctx, people.Input{FirstName: "Hugo", LastName: "Petit", Email: "hugo@exemple.fr",
			Review: "Slack : utilisateur inconnu U0HUGO"})
		if err != nil {
			t.Fatal(err)
		}
		plumber, err := dir.Create(ctx, people.Input{FirstName: "Plomberie", LastName: "Durand", Email: "contact@plomberie-durand.fr",
			External: true, Review: "Email d'un expéditeur inconnu"})
		if err != nil {
			t.Fatal(err)
		}
		if slackUser.Review != "Slack : utilisateur inconnu U0HUGO" || slackUser.External || !plumber.External || staff.Review != "" {
			t.Fatalf("stored: %+v %+v %+v", staff, slackUser, plumber)
		}
		page, err := dir.List(ctx, people.ListParams{Review: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 2 || page.Items[0].ID != plumber.ID || page.Items[1].ID != slackUser.ID {
			t.Fatalf("to review: %+v", page.Items)
		}
		if n, err := dir.Count(ctx, people.ListParams{Review: true}); err != nil || n != 2 {
			t.Fatalf("count to review = %d, %v", n, err)
		}
		// An ordinary edit keeps the flags; clearing the review keeps the contact external.
		team := "Services généraux"
		got, err := dir.Update(ctx, plumber.ID, people.Patch{Team: &team})
		if err != nil || got.Review == "" || !got.External {
			t.Fatalf("edit lost the flags: %+v %v", got, err)
		}
		none := ""
		if got, err = dir.Update(ctx, plumber.ID, people.Patch{Review: &none}); err != nil || got.Review != "" || !got.External {
			t.Fatalf("reviewed: %+v %v", got, err)
		}
		st, err := dir.Stats(ctx)
		if err != nil || st.Active != 2 {
			t.Fatalf("staff counted = %+v, %v: an external contact is not staff", st, err)
		}
	})
}
