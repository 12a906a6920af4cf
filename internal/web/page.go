package web

import (
	"net/http"
	"net/url"
	"time"

	"majordome/internal/announce"
	"majordome/internal/civil"
	"majordome/internal/httpx"
	"majordome/internal/i18n"
	"majordome/internal/settings"
	"majordome/internal/valid"
)

// Page is what every template receives: the frame (who, language, navigation, flash) and the
// page's own Data. Its methods are the template helpers that depend on the reader's language.
type Page struct {
	Title   string
	Nav     string // the active navigation entry: home, people, settings…
	Lang    string
	User    *httpx.Identity
	CSRF    string
	Flash   *flash
	Company settings.Company
	Path    string
	Query   url.Values
	Data    any

	// Banners are the reader's announcements to acknowledge, shown on every portal page
	// (portal_announcements.go).
	Banners []announce.Announcement

	// Form and FieldErrors re-fill a form that failed validation, with a message per field.
	Form        url.Values
	FieldErrors map[string]string

	cat *i18n.Catalog
	loc *time.Location
}

// newPage prepares the frame of a page for r.
func (s *Server) newPage(w http.ResponseWriter, r *http.Request, nav string) *Page {
	p := &Page{Nav: nav, Lang: s.lang(r), CSRF: s.csrfToken(w, r), Flash: s.takeFlash(w, r),
		Path: r.URL.Path, Query: r.URL.Query(), cat: s.I18n}
	if id, ok := httpx.IdentityFrom(r.Context()); ok {
		p.User = &id
	}
	c, err := s.Settings.Company(r.Context())
	if err != nil {
		s.Log.Warn("company settings", "err", err)
	}
	p.Company, p.loc = c, c.Location()
	if nav == "portal" && !wantsFragment(r) { // htmx fragments have no banner to show
		p.Banners = s.portalBanners(r)
	}
	return p
}

// render sends the page template name with status 200.
func (s *Server) render(w http.ResponseWriter, p *Page, name string) error {
	return s.tmpl.render(w, http.StatusOK, name, p)
}

// renderStatus sends the page template name with status (422 for a form with errors).
func (s *Server) renderStatus(w http.ResponseWriter, status int, p *Page, name string) error {
	return s.tmpl.render(w, status, name, p)
}

// T translates key into the page's language; args are name, value pairs.
func (p *Page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// Date writes t as dd/mm/yyyy in the company's timezone.
func (p *Page) Date(t time.Time) string { return i18n.Date(t, p.loc) }

// DateTime writes t as dd/mm/yyyy HH:MM in the company's timezone.
func (p *Page) DateTime(t time.Time) string { return i18n.DateTime(t, p.loc) }

// Day writes a calendar date as dd/mm/yyyy.
func (p *Page) Day(d civil.Date) string { return d.French() }

// Num writes n with the language's digit grouping.
func (p *Page) Num(n int) string { return i18n.Number(p.Lang, n) }

// Err is the message for a form field that failed, "" when it did not.
func (p *Page) Err(field string) string { return p.FieldErrors[field] }

// Val is what the person typed in a form field.
func (p *Page) Val(field string) string { return p.Form.Get(field) }

// IsAdmin reports whether the reader is an admin.
func (p *Page) IsAdmin() bool { return p.User != nil && p.User.Role == "admin" }

// setErrors fills FieldErrors from a validation failure, in the page's language.
func (p *Page) setErrors(errs valid.Errors) {
	p.FieldErrors = map[string]string{}
	for _, fe := range errs {
		if _, done := p.FieldErrors[fe.Field]; !done {
			p.FieldErrors[fe.Field] = p.cat.FieldError(p.Lang, fe)
		}
	}
}
