package upload_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/testutil"
	"majordome/internal/upload"
)

func TestSaveLoadDelete(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := upload.New(d)
		if err := s.Queries().Check(ctx, d); err != nil {
			t.Fatal(err)
		}
		camille, zoe := newUser(t, d, "camille"), newUser(t, d, "zoe")
		content := []byte("Nom;Prénom\r\nThomas;Zoé\r\n\x00\xff") // any bytes, kept exactly
		token, err := s.Save(ctx, "people-import", camille, "équipe.csv", content, time.Hour)
		if err != nil || len(token) < 40 {
			t.Fatalf("save: %q %v", token, err)
		}
		name, got, err := s.Load(ctx, token, "people-import", camille)
		if err != nil || name != "équipe.csv" || !bytes.Equal(got, content) {
			t.Fatalf("load: %q %q %v", name, got, err)
		}
		for _, tc := range []struct {
			what, token, purpose string
			user                 int64
		}{
			{"another user", token, "people-import", zoe},
			{"another purpose", token, "other", camille},
			{"an unknown token", "nope", "people-import", camille},
		} {
			if _, _, err := s.Load(ctx, tc.token, tc.purpose, tc.user); !errors.Is(err, upload.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", tc.what, err)
			}
		}
		if err := s.Delete(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Load(ctx, token, "people-import", camille); !errors.Is(err, upload.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
		if err := s.Delete(ctx, token); err != nil {
			t.Fatalf("second delete: %v", err)
		}
	})
}

func TestExpiryAndCleanup(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := upload.New(d)
		user := newUser(t, d, "camille")
		old, err := s.Save(ctx, "people-import", user, "a.csv", []byte("a"), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		later := time.Now().UTC().Add(2 * time.Hour)
		s.SetClock(func() time.Time { return later })
		fresh, err := s.Save(ctx, "people-import", user, "b.csv", []byte("b"), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Load(ctx, old, "people-import", user); !errors.Is(err, upload.ErrNotFound) {
			t.Fatalf("expired upload: %v", err)
		}
		if err := s.Cleanup(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM uploads").Scan(&n); err != nil || n != 1 {
			t.Fatalf("after cleanup: %d uploads, %v", n, err)
		}
		if _, content, err := s.Load(ctx, fresh, "people-import", user); err != nil || string(content) != "b" {
			t.Fatalf("fresh upload: %q %v", content, err)
		}
	})
}

// newUser creates an account, since a staged file belongs to one.
func newUser(t *testing.T, d *db.DB, name string) int64 {
	t.Helper()
	u, err := auth.New(d, audit.New(d)).CreateUser(context.Background(),
		auth.NewUser{Email: name + "@exemple.fr", Name: name, Role: auth.Admin})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
