// Package api is Majordome's JSON API under /api/v1: token authentication, one file per
// resource, RFC 9457 problems for every error, cursor pagination, and the OpenAPI document
// that describes it.
package api

import (
	"log/slog"
	"net/http"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/i18n"
	"majordome/internal/people"
)

// Deps are the services the API calls.
type Deps struct {
	Config config.Config
	Log    *slog.Logger
	Auth   *auth.Service
	People *people.Directory
	Audit  *audit.Log
	I18n   *i18n.Catalog
}

// New returns the handler of /api/.
func New(deps Deps) http.Handler {
	return http.NotFoundHandler()
}
