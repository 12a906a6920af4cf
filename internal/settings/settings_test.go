package settings_test

import (
	"context"
	"errors"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/settings"
	"majordome/internal/testutil"
	"majordome/internal/valid"
)

func TestCompany(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		log := audit.New(d)
		s := settings.New(d, log)
		if err := s.Queries().Check(ctx, d); err != nil {
			t.Fatal(err)
		}
		c, err := s.Company(ctx)
		if err != nil || c != settings.DefaultCompany() {
			t.Fatalf("defaults: %+v %v", c, err)
		}
		var ve valid.Errors
		if _, err := s.SetCompany(ctx, settings.Company{Name: "", Language: "de", Timezone: "Mars/Olympus"}); !errors.As(err, &ve) || len(ve) != 3 {
			t.Fatalf("bad settings: %v", err)
		}
		want := settings.Company{Name: "Exemple SAS", Language: "en", Timezone: "Europe/Paris"}
		for i := 0; i < 2; i++ { // the second save takes the ON CONFLICT path
			if _, err := s.SetCompany(ctx, want); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := s.Company(ctx); got != want {
			t.Fatalf("got %+v", got)
		}
		entries, _, _ := log.List(ctx, audit.Filter{Action: "settings.company"})
		if len(entries) != 2 {
			t.Fatalf("audit entries: %d", len(entries))
		}
	})
}
