package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"majordome/internal/request"
	"majordome/internal/valid"
)

// requestMerge merges the request into the one typed in "into" ("1042" or "#1042") and shows
// the target. A wrong target is a field error on the request page; a request that cannot be
// merged (closed, merged already, confidential into open) says why.
func (s *Server) requestMerge(w http.ResponseWriter, r *http.Request) error {
	n, err := pathNumber(r)
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
	ctx := r.Context()
	p := s.newPage(w, r, "requests")
	raw := strings.TrimSpace(r.PostForm.Get("into"))
	into, perr := strconv.ParseInt(strings.TrimPrefix(raw, "#"), 10, 64)
	if raw == "" {
		err = valid.Errors{{Field: "into", Code: "required"}}
	} else if perr != nil || into <= 0 {
		err = valid.Errors{{Field: "into", Code: "request_unknown", Params: map[string]string{"value": raw}}}
	} else {
		_, err = s.Requests.Merge(ctx, v, n, into)
	}
	switch {
	case errors.Is(err, request.ErrAlreadyMerged):
		s.setFlash(w, "error", p.T("incidents.merge.already"))
	case errors.Is(err, request.ErrClosed):
		s.setFlash(w, "error", p.T("incidents.merge.closed"))
	case errors.Is(err, request.ErrMergeConfidential):
		s.setFlash(w, "error", p.T("incidents.merge.confidential"))
	case s.formErrors(p, err):
		req, gerr := s.Requests.Get(ctx, v, n)
		if gerr != nil {
			return deskErr(gerr)
		}
		p.Form = requestForm(req, r.PostForm)
		return s.renderRequest(w, r, p, v, req, http.StatusUnprocessableEntity)
	case err != nil:
		return deskErr(err)
	default:
		s.setFlash(w, "success", p.T("incidents.merge.done", "ref", fmt.Sprintf("#%d", n), "into", fmt.Sprintf("#%d", into)))
		http.Redirect(w, r, fmt.Sprintf("/requests/%d", into), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/requests/%d", n), http.StatusSeeOther)
	return nil
}

// requestIncident links the request to the incident chosen ("incident": an id), or detaches it
// ("" ). It goes back to the request, or to the incident page it was sent from ("back").
func (s *Server) requestIncident(w http.ResponseWriter, r *http.Request) error {
	n, err := pathNumber(r)
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
	back := r.PostForm.Get("back")
	if !strings.HasPrefix(back, "/incidents/") || strings.ContainsAny(back, "?#\\") || strings.HasPrefix(back, "//") {
		back = fmt.Sprintf("/requests/%d", n)
	}
	ctx := r.Context()
	p := s.newPage(w, r, "requests")
	choice := r.PostForm.Get("incident")
	if choice == "" {
		err = s.Requests.UnlinkIncident(ctx, v, n)
	} else {
		id, perr := strconv.ParseInt(choice, 10, 64)
		if perr != nil || id <= 0 {
			return errNotFound
		}
		err = s.Requests.LinkIncident(ctx, v, id, n)
	}
	switch {
	case errors.Is(err, request.ErrIncidentResolved):
		s.setFlash(w, "error", p.T("incidents.already_resolved"))
	case errors.Is(err, request.ErrClosed):
		s.setFlash(w, "error", p.T("incidents.link_closed"))
	case err != nil:
		return incidentErr(err)
	case choice == "":
		s.setFlash(w, "success", p.T("incidents.unlinked", "ref", fmt.Sprintf("#%d", n)))
	default:
		s.setFlash(w, "success", p.T("incidents.linked", "n", 1))
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
