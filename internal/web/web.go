// Package web is Majordome's server-rendered interface: the routes of every page, the page
// handlers (one file each), the template engine and the static assets. It is an adapter: it
// parses requests, calls the domain services and renders their answers.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"majordome/internal/announce"
	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/checklist"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/httpx"
	"majordome/internal/i18n"
	"majordome/internal/mailin"
	"majordome/internal/mailout"
	"majordome/internal/notify"
	"majordome/internal/pack"
	"majordome/internal/people"
	"majordome/internal/report"
	"majordome/internal/request"
	"majordome/internal/settings"
	"majordome/internal/slackbot"
	"majordome/internal/upload"
)

// Deps are the services the web interface calls.
type Deps struct {
	Config     config.Config
	Log        *slog.Logger
	DB         *db.DB
	Auth       *auth.Service
	People     *people.Directory
	Audit      *audit.Log
	Settings   *settings.Store
	I18n       *i18n.Catalog
	Upload     *upload.Service
	Requests   *request.Desk
	Reports    *report.Service
	Notify     *notify.Service
	Checklists *checklist.Service
	Articles   *article.Service
	Packs      *pack.Service     // the starter pack's offer and install
	Mail       *mailout.Service  // nil: no email (sign-in links, preferences and the mail settings page are off)
	Slack      *slackbot.Store   // nil: the Slack settings page is off
	MailIn     *mailin.Service   // nil: no incoming email pages
	Announce   *announce.Service // the announcements (Annonces)
}

// Server is the web interface.
type Server struct {
	Deps
	tmpl   *engine
	static *staticFiles
	mux    *http.ServeMux
}

// parsed are the embedded assets and templates, read once per process: they never change, and
// the tests start hundreds of servers (html/template executes concurrently without harm).
var parsed struct {
	once   sync.Once
	static *staticFiles
	tmpl   *engine
	err    error
}

// New parses the templates and assets (a broken template fails start-up, not a page) and
// returns the handler of every page.
func New(deps Deps) (http.Handler, error) {
	s := &Server{Deps: deps, mux: http.NewServeMux()}
	parsed.once.Do(func() {
		if parsed.static, parsed.err = loadStatic(); parsed.err == nil {
			parsed.tmpl, parsed.err = newEngine(parsed.static)
		}
	})
	if parsed.err != nil {
		return nil, parsed.err
	}
	s.static, s.tmpl = parsed.static, parsed.tmpl
	s.routes()
	return s.withSession(s.mux), nil
}

// handlerFunc is a page handler: it returns an error instead of writing one, and
// Server.handle turns it into the right page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// errForbidden is returned by handlers when the caller lacks a right.
var errForbidden = errors.New("web: forbidden")

// errNotFound is returned by handlers when what the URL names does not exist.
var errNotFound = errors.New("web: not found")

// page registers a handler that needs a signed-in user holding perm ("" for any signed-in
// user).
func (s *Server) page(pattern string, perm auth.Permission, h handlerFunc) {
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := httpx.IdentityFrom(r.Context())
		if !ok {
			s.redirectToSignIn(w, r)
			return
		}
		if perm != "" && !id.Can(perm) {
			s.handleError(w, r, errForbidden)
			return
		}
		if err := h(w, r); err != nil {
			s.handleError(w, r, err)
		}
	}))
}

// public registers a handler open to everyone (sign-in pages, assets).
func (s *Server) public(pattern string, h handlerFunc) {
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.handleError(w, r, err)
		}
	}))
}

// handleError maps an error to a page: 404, 403, or 500 with the request id to quote.
func (s *Server) handleError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, errNotFound), errors.Is(err, people.ErrNotFound), errors.Is(err, auth.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, errForbidden):
		status = http.StatusForbidden
	case errors.Is(err, errBadCSRF):
		status = http.StatusForbidden
	case errors.Is(err, errTooLarge):
		status = http.StatusRequestEntityTooLarge
	default:
		s.Log.Error("page failed", "request_id", httpx.RequestID(r.Context()), "path", r.URL.Path, "err", err)
	}
	s.renderError(w, r, status, err)
}
