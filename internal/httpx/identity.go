package httpx

import (
	"context"

	"majordome/internal/audit"
	"majordome/internal/auth"
)

// Identity is who is calling: a signed-in person (through their session) or an API token.
type Identity struct {
	Kind    string // "user" or "token"
	UserID  int64  // the account, for users
	TokenID int64  // the token, for tokens
	Name    string
	Email   string
	Role    auth.Role
	Lang    string
	Session *auth.Session // for users signed in through the browser
}

// Can reports whether the caller holds permission p.
func (id Identity) Can(p auth.Permission) bool { return id.Role.Can(p) }

type identityKey struct{}

// WithIdentity returns ctx carrying id, and the matching audit actor so every change made in
// the request is attributed to the caller.
func WithIdentity(ctx context.Context, id Identity, ip string) context.Context {
	ctx = context.WithValue(ctx, identityKey{}, id)
	actorID := id.UserID
	if id.Kind == "token" {
		actorID = id.TokenID
	}
	return audit.WithActor(ctx, audit.Actor{Kind: id.Kind, ID: actorID, Name: id.Name, RequestID: RequestID(ctx), IP: ip})
}

// IdentityFrom returns the caller of ctx, if any.
func IdentityFrom(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}
