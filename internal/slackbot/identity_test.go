package slackbot

import (
	"context"
	"errors"
	"testing"

	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

func TestIdentityMatchesByEmailAndCaches(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		p := newPlatform(t, d, nil)
		ctx := context.Background()
		zoePerson, err := p.People.Create(ctx, people.Input{FirstName: "Zoé", LastName: "Thomas", Email: "zoe.thomas@exemple.fr"})
		if err != nil {
			t.Fatal(err)
		}
		p.fake.AddUser(slackfake.User{ID: zoe, Email: "Zoe.Thomas@exemple.fr", Name: "Zoé Thomas"})
		p.fake.AddUser(slackfake.User{ID: "U0NEW00001", Email: "nouveau@exemple.fr", Name: "Paul Nouveau"})
		p.fake.AddUser(slackfake.User{ID: "U0BOT00001", Email: "", Name: "Robot", IsBot: true})

		for range 2 {
			got, err := p.personFor(ctx, zoe)
			if err != nil || got.ID != zoePerson.ID {
				t.Fatalf("personFor(zoe) = %+v, %v", got, err)
			}
		}
		if n := p.fake.Count("users.info"); n != 1 {
			t.Errorf("%d users.info, want 1 (then the cache)", n)
		}
		if id, ok, err := p.slackUserOf(ctx, zoePerson.ID); err != nil || !ok || id != zoe {
			t.Errorf("slackUserOf(zoe) = %q %v %v", id, ok, err)
		}

		// Unknown to the directory: created, flagged for review (the default policy).
		paul, err := p.personFor(ctx, "U0NEW00001")
		if err != nil {
			t.Fatal(err)
		}
		if paul.Email != "nouveau@exemple.fr" || paul.FirstName != "Paul" || paul.LastName != "Nouveau" || paul.Review == "" {
			t.Errorf("created %+v", paul)
		}
		if _, err := p.personFor(ctx, "U0BOT00001"); !errors.Is(err, ErrUnknownUser) {
			t.Errorf("a bot: %v, want ErrUnknownUser", err)
		}
		if _, err := p.personFor(ctx, "U0NOBODY01"); !errors.Is(err, ErrUnknownUser) {
			t.Errorf("a user Slack does not know: %v, want ErrUnknownUser", err)
		}

		// Refused when the admin says so.
		if err := p.store.Save(ctx, SettingsInput{UnknownUsers: UnknownRefuse}); err != nil {
			t.Fatal(err)
		}
		p.fake.AddUser(slackfake.User{ID: "U0NEW00002", Email: "autre@exemple.fr", Name: "Autre Personne"})
		if _, err := p.personFor(ctx, "U0NEW00002"); !errors.Is(err, ErrUnknownUser) {
			t.Errorf("refused policy: %v, want ErrUnknownUser", err)
		}
		if _, err := p.People.GetByEmail(ctx, "autre@exemple.fr"); !errors.Is(err, people.ErrNotFound) {
			t.Errorf("a refused user was added to the directory: %v", err)
		}

		// slackUserOf asks Slack by email once, then remembers.
		noel, err := p.People.Create(ctx, people.Input{FirstName: "Noël", LastName: "Martin", Email: "noel@exemple.fr"})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, err := p.slackUserOf(ctx, noel.ID); err != nil || ok {
			t.Errorf("slackUserOf(someone not on Slack) = %v %v", ok, err)
		}
		p.fake.AddUser(slackfake.User{ID: "U0NOEL0001", Email: "noel@exemple.fr", Name: "Noël Martin"})
		for range 2 {
			if id, ok, err := p.slackUserOf(ctx, noel.ID); err != nil || !ok || id != "U0NOEL0001" {
				t.Fatalf("slackUserOf(noel) = %q %v %v", id, ok, err)
			}
		}
		if n := p.fake.Count("users.lookupByEmail"); n != 2 {
			t.Errorf("%d users.lookupByEmail, want 2 (not found, found, then the cache)", n)
		}
	})
}
