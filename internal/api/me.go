package api

import (
	"context"
	"errors"
	"net/http"

	"majordome/internal/auth"
	"majordome/internal/httpx"
	"majordome/internal/request"
)

// The /me endpoints act for a person's account: their notifications, their preferences, their
// focus time. An API token is not an account (see viewer), so "me" is the account that created
// the token under Réglages → Jetons d'API: a person who makes a token for their own scripts
// reads their own inbox with it. A token created from the command line belongs to nobody, and
// one whose account was deactivated or deleted acts for nobody any more: both get 403.

// tokenKey carries the authenticated token in the request's context, for the /me endpoints.
type tokenKey struct{}

// withToken returns ctx carrying t.
func withToken(ctx context.Context, t auth.Token) context.Context {
	return context.WithValue(ctx, tokenKey{}, t)
}

// me is the account a token acts for on the /me endpoints.
type me struct {
	user auth.User
	// viewer decides which requests the account's notifications may name: a request must be
	// visible both to the account and to the token's role, so that a token never reads more
	// than its role allows (an agent token of an admin sees no confidential titles) nor more
	// than the account may see today.
	account, token request.Viewer
}

// errNoAccount is the 403 of a token that acts for no account.
var errNoAccount = &problemError{Problem: httpx.Problem{Status: http.StatusForbidden,
	Detail: "This token acts for no account: the /me endpoints need a token created under Réglages → Jetons d'API by the person whose notifications and focus time it manages, whose account is still active."}}

// meOf returns the account the caller's token acts for.
func (s *server) meOf(r *http.Request) (me, error) {
	ctx := r.Context()
	t, ok := ctx.Value(tokenKey{}).(auth.Token)
	if !ok || t.CreatedBy == 0 {
		return me{}, errNoAccount
	}
	u, err := s.Auth.User(ctx, t.CreatedBy)
	if errors.Is(err, auth.ErrNotFound) || (err == nil && !u.Active) {
		return me{}, errNoAccount
	}
	if err != nil {
		return me{}, err
	}
	account, err := s.Requests.ViewerFor(ctx, u.ID, u.Name, u.Email, u.Role)
	if err != nil {
		return me{}, err
	}
	return me{user: u, account: account, token: viewer(r)}, nil
}

// visible reports which of numbers the account and its token may both see.
func (s *server) visible(ctx context.Context, m me, numbers []int64) (map[int64]bool, error) {
	byAccount, err := s.Requests.Visible(ctx, m.account, numbers)
	if err != nil {
		return nil, err
	}
	byToken, err := s.Requests.Visible(ctx, m.token, numbers)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(byAccount))
	for n, ok := range byAccount {
		out[n] = ok && byToken[n]
	}
	return out, nil
}
