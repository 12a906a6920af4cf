package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"majordome/internal/request"
)

// incidentPageData is one incident: what it is, the linked requests the reader may see, what
// was sent to their requesters, and the forms to link, reply to all and resolve.
type incidentPageData struct {
	Incident request.IncidentDetail
	Open     bool
}

// incidentShow shows an incident.
func (s *Server) incidentShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	return s.renderIncident(w, r, s.newPage(w, r, "incidents"), v, id, http.StatusOK)
}

// renderIncident loads incident id for v and renders it with status.
func (s *Server) renderIncident(w http.ResponseWriter, r *http.Request, p *Page, v request.Viewer, id int64, status int) error {
	inc, err := s.Requests.Incident(r.Context(), v, id)
	if err != nil {
		return incidentErr(err)
	}
	p.Title = inc.Title
	p.Data = incidentPageData{Incident: inc, Open: inc.Status == request.IncidentOpen}
	return s.renderStatus(w, status, p, "incident_show")
}

// incidentReply sends one public reply to every linked request still active.
func (s *Server) incidentReply(w http.ResponseWriter, r *http.Request) error {
	return s.incidentMessage(w, r, func(v request.Viewer, id int64, text string) error {
		return s.Requests.ReplyIncident(r.Context(), v, id, text, request.Web)
	}, "body", "incidents.replied")
}

// incidentResolve resolves the incident: every linked request still active gets the message
// and is resolved.
func (s *Server) incidentResolve(w http.ResponseWriter, r *http.Request) error {
	return s.incidentMessage(w, r, func(v request.Viewer, id int64, text string) error {
		return s.Requests.ResolveIncident(r.Context(), v, id, text, request.Web)
	}, "message", "incidents.resolved")
}

// incidentMessage posts the text of field with send: a reply to all or the resolution. An
// empty text shows the page again with the field marked; an incident resolved meanwhile says so.
func (s *Server) incidentMessage(w http.ResponseWriter, r *http.Request, send func(request.Viewer, int64, string) error, field, done string) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	err = send(v, id, r.PostForm.Get(field))
	p := s.newPage(w, r, "incidents")
	switch {
	case errors.Is(err, request.ErrIncidentResolved):
		s.setFlash(w, "error", p.T("incidents.already_resolved"))
	case s.formErrors(p, err):
		p.Form = r.PostForm
		return s.renderIncident(w, r, p, v, id, http.StatusUnprocessableEntity)
	case err != nil:
		return incidentErr(err)
	default:
		s.setFlash(w, "success", p.T(done))
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d", id), http.StatusSeeOther)
	return nil
}

// incidentLink links the requests typed in the "numbers" field ("1043, #1044") to the incident.
func (s *Server) incidentLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := s.newPage(w, r, "incidents")
	numbers, ok := parseNumbers(r.PostForm.Get("numbers"))
	if !ok {
		p.FieldErrors = map[string]string{"numbers": p.T("incidents.numbers_invalid")}
		p.Flash = &flash{Kind: "error", Message: p.T("form.fix_errors")}
		p.Form = r.PostForm
		return s.renderIncident(w, r, p, v, id, http.StatusUnprocessableEntity)
	}
	err = s.Requests.LinkIncident(r.Context(), v, id, numbers...)
	var be *request.BulkError
	switch {
	case errors.As(err, &be):
		s.setFlash(w, "error", p.T("incidents.link_failed", "why", failures(p, be)))
	case errors.Is(err, request.ErrIncidentResolved):
		s.setFlash(w, "error", p.T("incidents.already_resolved"))
	case err != nil:
		return incidentErr(err)
	default:
		s.setFlash(w, "success", p.T("incidents.linked", "n", len(numbers)))
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d", id), http.StatusSeeOther)
	return nil
}

// parseNumbers reads request numbers as people type them: "1043, #1044 1045". ok is false when
// a piece is not a number, or when there is none.
func parseNumbers(s string) (numbers []int64, ok bool) {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\t' }) {
		n, err := strconv.ParseInt(strings.TrimPrefix(f, "#"), 10, 64)
		if err != nil || n <= 0 {
			return nil, false
		}
		numbers = append(numbers, n)
	}
	return numbers, len(numbers) > 0
}
