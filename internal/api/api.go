// Package api is Majordome's JSON API under /api/v1: token authentication, one file per
// resource, RFC 9457 problems for every error, cursor pagination, and the OpenAPI document
// that describes it.
//
// The API is safe from cross-site request forgery by construction: it reads no cookie and
// knows no session, only an "Authorization: Bearer" header, which a browser never adds to a
// request another site makes it send. That is why it has no CSRF token, unlike the web
// interface.
package api

import (
	"log/slog"
	"net/http"

	"majordome/internal/announce"
	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/checklist"
	"majordome/internal/config"
	"majordome/internal/i18n"
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/settings"
)

// Deps are the services the API calls.
type Deps struct {
	Config     config.Config
	Log        *slog.Logger
	Auth       *auth.Service
	People     *people.Directory
	Audit      *audit.Log
	I18n       *i18n.Catalog
	Requests   *request.Desk
	Checklists *checklist.Service
	Articles   *article.Service
	Announce   *announce.Service
	Notify     *notify.Service // the /me endpoints: notifications, preferences, focus time
	Settings   *settings.Store // the company's timezone, for focus blocks
}

// server is the API: its dependencies and its router.
type server struct {
	Deps
	mux *http.ServeMux
}

// New returns the handler of /api/.
func New(deps Deps) http.Handler {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	s := &server{Deps: deps, mux: http.NewServeMux()}
	s.register()
	return s.mux
}
