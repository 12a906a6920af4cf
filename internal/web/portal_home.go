package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"majordome/internal/auth"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// portalPageSize is how many of their requests the portal lists at once.
const portalPageSize = 20

// portalData is what the portal shows: the box to ask, and the reader's own requests.
type portalData struct {
	FirstName   string
	InDirectory bool // the account's email is a person of the directory: they can file
	CanPeople   bool // they could add themselves to the directory
	Categories  []request.Category
	Requests    []request.Request
	Followed    []request.FollowedItem // the requests they follow, theirs having been merged into them (first page only)
	Promises    map[int64]string       // by request id: "Réponse attendue avant le …" (requests_sla.go)
	NextURL     string
	FirstURL    string
}

// portal is the employees' page: one box to ask, and "Mes demandes". Everyone has one, agents
// and admins included, for their own requests.
func (s *Server) portal(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "portal")
	return s.renderPortal(w, r, p, v, http.StatusOK)
}

// portalCreate files a request for the signed-in person. An account that is not in the
// directory is told so, kindly, with what they typed kept.
func (s *Server) portalCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "portal")
	if err := r.ParseForm(); err != nil {
		return err
	}
	files, err := s.uploadedFiles(p, r) // first: a multipart form's fields come with its files
	p.Form = r.PostForm
	f := r.PostForm.Get
	var req request.Request
	if err == nil {
		req, err = s.Requests.Create(r.Context(), request.NewRequest{Title: f("title"), Description: f("description"),
			RequesterEmail: p.User.Email, Category: f("category"), Channel: request.Web, Files: files})
	}
	if ve := (valid.Errors{}); errors.As(err, &ve) && ve.Has("requester_email") {
		v.PersonID = 0 // the page explains instead of showing the form
		return s.renderPortal(w, r, p, v, http.StatusUnprocessableEntity)
	}
	if s.formErrors(p, err) {
		return s.renderPortal(w, r, p, v, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("portal.created"))
	http.Redirect(w, r, fmt.Sprintf("/portal/%d", req.Number), http.StatusSeeOther)
	return nil
}

// renderPortal loads the reader's requests and the categories, and renders the portal.
func (s *Server) renderPortal(w http.ResponseWriter, r *http.Request, p *Page, v request.Viewer, status int) error {
	ctx := r.Context()
	p.Title = p.T("portal.title")
	d := portalData{FirstName: firstWord(p.User.Name), InDirectory: v.PersonID != 0, CanPeople: p.User.Can(auth.PeopleWrite)}
	var err error
	if d.InDirectory {
		q := r.URL.Query()
		cursor := q.Get("cursor")
		page, err := s.Requests.List(ctx, v, request.Filter{RequesterID: v.PersonID, Cursor: cursor, Limit: portalPageSize})
		if errors.Is(err, request.ErrBadCursor) { // an old or edited link: start again from the top
			cursor = ""
			page, err = s.Requests.List(ctx, v, request.Filter{RequesterID: v.PersonID, Limit: portalPageSize})
		}
		if err != nil {
			return err
		}
		d.Requests = page.Items
		if d.Promises, err = s.portalPromises(ctx, p, page.Items); err != nil {
			return err
		}
		if page.NextCursor != "" {
			d.NextURL = "/portal?" + url.Values{"cursor": {page.NextCursor}}.Encode()
		}
		if cursor != "" {
			d.FirstURL = "/portal"
		} else if d.Followed, err = s.Requests.ListFollowed(ctx, v, portalPageSize); err != nil {
			return err
		}
	}
	if d.Categories, err = s.Requests.Categories(ctx); err != nil {
		return err
	}
	p.Data = d
	return s.renderStatus(w, status, p, "portal_home")
}
