package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Sign-in by email: a person types their address and receives a link that signs them in once,
// within MagicLinkTTL. The answer never says whether the address is known. Requests are
// limited per address (so that nobody floods a mailbox) and per client address (so that nobody
// probes the directory); the counts live in login_attempts with the password attempts, under
// keys of their own.

// LinkEmail is the purpose of a sign-in link sent by email.
const LinkEmail = "email"

// MagicLinkTTL is how long a sign-in link sent by email works.
const MagicLinkTTL = 15 * time.Minute

// Limits of sign-in links, per attemptWindow (15 minutes): 3 per address; 10 per client
// address, because an office's employees often share one public IP.
const (
	maxLinksPerEmail = 3
	maxLinksPerIP    = 10
)

// AllowSignInEmail counts a request for a sign-in link to email from ip and reports whether it
// may go out: false once the address or the client asked too often in the last 15 minutes.
func (s *Service) AllowSignInEmail(ctx context.Context, email, ip string) (bool, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	keys := []string{"link-email:" + email, "link-ip:" + ip}
	limits := []int{maxLinksPerEmail, maxLinksPerIP}
	since := s.now().Add(-attemptWindow)
	for i, k := range keys {
		var n int
		if err := s.db.R.QueryRowContext(ctx, s.q.Get("attempts-count"), k, since).Scan(&n); err != nil {
			return false, fmt.Errorf("auth: sign-in link limit: %w", err)
		}
		if n >= limits[i] {
			return false, nil
		}
	}
	now := s.now()
	for _, k := range keys {
		if _, err := s.db.W.ExecContext(ctx, s.q.Get("attempt-insert"), k, now); err != nil {
			return false, fmt.Errorf("auth: sign-in link limit: %w", err)
		}
	}
	return true, nil
}
