package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/testutil"
	"majordome/internal/valid"
)

func newService(t *testing.T, d *db.DB) *auth.Service {
	t.Helper()
	s := auth.New(d, audit.New(d))
	if err := s.Queries().Check(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoles(t *testing.T) {
	if !auth.Admin.Can(auth.Administer) || auth.Agent.Can(auth.Administer) {
		t.Fatal("only admins administer")
	}
	if !auth.Agent.Can(auth.PeopleWrite) || auth.Manager.Can(auth.PeopleWrite) || !auth.Employee.Can(auth.PeopleRead) {
		t.Fatal("people rights are wrong")
	}
	if _, ok := auth.ParseRole("superuser"); ok {
		t.Fatal("unknown role accepted")
	}
}

func TestFirstAdminLinkSignsInOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		link, err := s.EnsureAdmin(ctx)
		if err != nil || link == "" {
			t.Fatalf("first start: %q %v", link, err)
		}
		again, err := s.EnsureAdmin(ctx)
		if err != nil || again != "" {
			t.Fatalf("second start must not create another admin: %q %v", again, err)
		}
		cookie, sess, purpose, err := s.UseLink(ctx, link, "test", "127.0.0.1")
		if err != nil || sess.User.Role != auth.Admin || purpose != auth.LinkFirstAdmin {
			t.Fatalf("use link: %+v %v", sess, err)
		}
		if _, _, _, err := s.UseLink(ctx, link, "test", "127.0.0.1"); !errors.Is(err, auth.ErrInvalidLink) {
			t.Fatalf("a link works once: %v", err)
		}
		got, err := s.Session(ctx, cookie)
		if err != nil || got.User.ID != sess.User.ID || !got.ValidCSRF(sess.CSRFToken) || got.ValidCSRF("nope") {
			t.Fatalf("session: %+v %v", got, err)
		}
		if err := s.SignOut(ctx, cookie); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, cookie); !errors.Is(err, auth.ErrSessionNotFound) {
			t.Fatalf("signed-out session still works: %v", err)
		}
	})
}

func TestLinkExpires(t *testing.T) {
	d := testutil.SQLite(t)
	s := newService(t, d)
	ctx := context.Background()
	link, _ := s.EnsureAdmin(ctx)
	s.SetClock(func() time.Time { return time.Now().UTC().Add(25 * time.Hour) })
	if _, _, _, err := s.UseLink(ctx, link, "", ""); !errors.Is(err, auth.ErrInvalidLink) {
		t.Fatalf("expired link accepted: %v", err)
	}
}

func TestPasswordSignInAndRateLimit(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		if _, err := s.CreateUser(ctx, auth.NewUser{Email: "jerome@x.fr", Name: "Jérôme", Role: "root"}); !valid.Errors.Has(errAs(err), "role") {
			t.Fatalf("unknown role: %v", err)
		}
		if _, err := s.CreateUser(ctx, auth.NewUser{Email: "jerome@x.fr", Name: "Jérôme", Role: auth.Agent, Password: "court"}); !valid.Errors.Has(errAs(err), "password") {
			t.Fatalf("short password: %v", err)
		}
		u, err := s.CreateUser(ctx, auth.NewUser{Email: "Jerome@x.fr", Name: "Jérôme", Role: auth.Agent, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SignIn(ctx, "jerome@x.fr", "correct horse battery", "", "10.0.0.1"); err != nil {
			t.Fatalf("good password refused: %v", err)
		}
		if _, _, err := s.SignIn(ctx, "nobody@x.fr", "whatever-long", "", "10.0.0.1"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("unknown email: %v", err)
		}
		for i := 0; i < 8; i++ {
			if _, _, err := s.SignIn(ctx, "jerome@x.fr", "wrong password", "", "10.0.0.2"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if _, _, err := s.SignIn(ctx, "jerome@x.fr", "correct horse battery", "", "10.0.0.3"); !errors.Is(err, auth.ErrRateLimited) {
			t.Fatalf("ninth attempt must be throttled, got %v", err)
		}
		// An admin's password reset ends existing sessions.
		pw := "another long password"
		if _, err := s.UpdateUser(ctx, u.ID, auth.UserChange{Password: &pw}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLastAdminStays(t *testing.T) {
	d := testutil.SQLite(t)
	s := newService(t, d)
	ctx := context.Background()
	s.EnsureAdmin(ctx)
	admin, _ := s.UserByEmail(ctx, auth.FirstAdminEmail)
	emp := auth.Employee
	if _, err := s.UpdateUser(ctx, admin.ID, auth.UserChange{Role: &emp}); !errors.Is(err, auth.ErrLastAdmin) {
		t.Fatalf("demoting the last admin: %v", err)
	}
}

func TestTokens(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		tok, secret, err := s.CreateToken(ctx, "Intégration paie", auth.Agent, 0)
		if err != nil || len(secret) < 30 || tok.Prefix != secret[:10] {
			t.Fatalf("create: %+v %q %v", tok, secret, err)
		}
		got, err := s.Authenticate(ctx, secret)
		if err != nil || got.ID != tok.ID || got.Role != auth.Agent {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		if _, err := s.Authenticate(ctx, secret+"x"); !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("wrong secret: %v", err)
		}
		if err := s.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, secret); !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("revoked token works: %v", err)
		}
		var stored int
		d.R.QueryRow("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '" + secret + "'").Scan(&stored)
		if stored != 0 {
			t.Fatal("the secret must not be stored in clear")
		}
	})
}

func errAs(err error) valid.Errors {
	var ve valid.Errors
	errors.As(err, &ve)
	return ve
}
