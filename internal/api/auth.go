package api

import (
	"errors"
	"net/http"
	"strings"

	"majordome/internal/auth"
	"majordome/internal/httpx"
)

// authenticate lets through requests carrying a live API token whose role holds perm, with the
// token as the caller of the request: the audit trail then names the token for every change.
// Only the Authorization header is read, never a cookie (see the package comment on CSRF).
func (s *server) authenticate(perm auth.Permission, next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		secret, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			return unauthorized(`Bearer realm="majordome"`,
				"Send an API token in the header Authorization: Bearer mjd_…; an admin creates one in Settings (/settings/tokens) or with `majordome token create`.")
		}
		t, err := s.Auth.Authenticate(r.Context(), secret)
		if errors.Is(err, auth.ErrInvalidToken) {
			return unauthorized(`Bearer realm="majordome", error="invalid_token"`,
				"This API token is unknown or was revoked; ask an admin for a new one.")
		}
		if err != nil {
			return err
		}
		id := httpx.Identity{Kind: "token", TokenID: t.ID, Name: t.Name, Role: t.Role, Lang: lang(r)}
		if !id.Can(perm) {
			return &problemError{Problem: httpx.Problem{Status: http.StatusForbidden,
				Detail: "The role " + string(t.Role) + " of this token does not allow " + string(perm) + "."}}
		}
		ctx := withToken(httpx.WithIdentity(r.Context(), id, httpx.ClientIP(r)), t)
		return next(w, r.WithContext(ctx))
	}
}

// bearer returns the token of an "Authorization: Bearer <token>" header. The scheme is
// case-insensitive (RFC 9110, section 11.1).
func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// unauthorized is a 401 with the challenge RFC 6750 asks for.
func unauthorized(challenge, detail string) error {
	return &problemError{Problem: httpx.Problem{Status: http.StatusUnauthorized, Detail: detail},
		header: http.Header{"Www-Authenticate": {challenge}}}
}
