package auth

import (
	"context"
	"errors"
	"time"

	"majordome/internal/valid"
)

// FirstAdminEmail is the placeholder address of the admin created on first start; the Office
// Manager replaces it with theirs on the welcome page.
const FirstAdminEmail = "admin@majordome.invalid"

// FirstLinkTTL is how long the sign-in link printed at first start stays valid.
const FirstLinkTTL = 24 * time.Hour

// EnsureAdmin creates the first admin when there is no active admin, and returns a one-time
// sign-in link token for it. It returns "" when an admin already exists. Instances that start
// together race on the account's unique email; the loser sees the admin and returns "".
func (s *Service) EnsureAdmin(ctx context.Context) (string, error) {
	ok, err := s.HasAdmin(ctx)
	if err != nil || ok {
		return "", err
	}
	u, err := s.CreateUser(ctx, NewUser{Email: FirstAdminEmail, Name: "Office Manager", Role: Admin})
	var ve valid.Errors
	if errors.As(err, &ve) && ve.Has("email") {
		// Another instance created it first, or a previous first admin was deactivated while
		// keeping the placeholder email: reuse that account.
		if u, err = s.UserByEmail(ctx, FirstAdminEmail); err != nil {
			return "", err
		}
		if ok, err := s.HasAdmin(ctx); err != nil || ok {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	return s.CreateLink(ctx, u.ID, LinkFirstAdmin, FirstLinkTTL)
}
