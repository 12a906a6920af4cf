package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"majordome/internal/request"
)

// incidentsPageSize is how many incidents one page of the list shows.
const incidentsPageSize = 50

// incidentsData is the incidents page: a filter (all, open, resolved), one page of incidents
// (open ones first) and the form that opens a new one.
type incidentsData struct {
	Status    string // "", "open" or "resolved"
	Incidents []request.Incident
	NextURL   string
	FirstURL  string
}

// incidentsList shows the incidents with the number of linked requests the reader may see.
func (s *Server) incidentsList(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "incidents")
	return s.renderIncidents(w, r, p, v, http.StatusOK)
}

// renderIncidents loads the list for the query of r and renders it with status (422 when the
// creation form failed).
func (s *Server) renderIncidents(w http.ResponseWriter, r *http.Request, p *Page, v request.Viewer, status int) error {
	p.Title = p.T("incidents.title")
	q := r.URL.Query()
	d := incidentsData{Status: q.Get("status")}
	if d.Status != string(request.IncidentOpen) && d.Status != string(request.IncidentResolved) {
		d.Status = ""
	}
	f := request.IncidentFilter{Status: request.IncidentStatus(d.Status), Cursor: q.Get("cursor"), Limit: incidentsPageSize}
	page, err := s.Requests.Incidents(r.Context(), v, f)
	if errors.Is(err, request.ErrBadCursor) { // an old or edited link: start again from the top
		f.Cursor = ""
		page, err = s.Requests.Incidents(r.Context(), v, f)
	}
	if err != nil {
		return deskErr(err)
	}
	d.Incidents = page.Items
	base := url.Values{}
	if d.Status != "" {
		base.Set("status", d.Status)
	}
	if page.NextCursor != "" {
		next := url.Values{"cursor": {page.NextCursor}}
		if d.Status != "" {
			next.Set("status", d.Status)
		}
		d.NextURL = "/incidents?" + next.Encode()
	}
	if f.Cursor != "" {
		d.FirstURL = "/incidents"
		if len(base) > 0 {
			d.FirstURL += "?" + base.Encode()
		}
	}
	p.Data = d
	return s.renderStatus(w, status, p, "incidents_list")
}

// incidentCreate opens an incident and shows it, ready for linking requests.
func (s *Server) incidentCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	inc, err := s.Requests.CreateIncident(r.Context(), v, r.PostForm.Get("title"), r.PostForm.Get("description"))
	p := s.newPage(w, r, "incidents")
	switch {
	case s.formErrors(p, err):
		p.Form = r.PostForm
		return s.renderIncidents(w, r, p, v, http.StatusUnprocessableEntity)
	case err != nil:
		return deskErr(err)
	}
	s.setFlash(w, "success", p.T("incidents.created", "title", inc.Title))
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d", inc.ID), http.StatusSeeOther)
	return nil
}

// incidentErr maps the incidents' errors to pages, then the desk's.
func incidentErr(err error) error {
	if errors.Is(err, request.ErrIncidentNotFound) {
		return fmt.Errorf("%w: %w", errNotFound, err)
	}
	return deskErr(err)
}

// IncidentBadge is an incident's status: colour and word.
func (p *Page) IncidentBadge(s request.IncidentStatus) template.HTML {
	colour := "amber"
	if s == request.IncidentResolved {
		colour = "green"
	}
	return badge(colour, p.T("incidents.status."+string(s)))
}
