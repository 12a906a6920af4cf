package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"majordome/internal/request"
)

// portalRequestData is one of the reader's requests as they see it: the conversation without
// the team's internal notes, and the rating once it is resolved.
type portalRequestData struct {
	Request  request.Request
	Messages []request.Message
	Closed   bool
	CanRate  bool
	Files    filesByMessage // attachments, by message (0: the request's own); none of the notes
	Promise  string         // "Réponse attendue avant le …" (requests_sla.go)
	// MergedInto is the request this one was merged into, when the reader may open it (they
	// follow it, or asked it); 0 otherwise.
	MergedInto int64
}

// ownRequest loads request number for its requester. Someone else's request is not in one's
// portal: it does not exist there (agents have the desk's page for it).
func (s *Server) ownRequest(r *http.Request) (request.Viewer, request.Request, error) {
	n, err := pathNumber(r)
	if err != nil {
		return request.Viewer{}, request.Request{}, err
	}
	v, err := s.viewer(r)
	if err != nil {
		return v, request.Request{}, err
	}
	req, err := s.Requests.Get(r.Context(), v, n)
	if err != nil {
		return v, req, deskErr(err)
	}
	if v.PersonID == 0 || req.RequesterID != v.PersonID {
		return v, req, errNotFound
	}
	return v, req, nil
}

// portalShow shows one of the reader's requests. An agent following a portal link to a
// request that is not theirs lands on the desk's page of it; a request the reader follows,
// theirs having been merged into it, shows as followed (portal_followed.go).
func (s *Server) portalShow(w http.ResponseWriter, r *http.Request) error {
	v, req, err := s.ownRequest(r)
	if errors.Is(err, errNotFound) && v.IsAgent() && req.Number != 0 {
		http.Redirect(w, r, fmt.Sprintf("/requests/%d", req.Number), http.StatusSeeOther)
		return nil
	}
	if errors.Is(err, errNotFound) && v.PersonID != 0 {
		return s.portalFollowed(w, r, v)
	}
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "portal")
	return s.renderPortalRequest(w, r, p, v, req, http.StatusOK)
}

// portalReply adds the requester's message. On a request that was resolved or waiting on
// them, the desk reopens it, and the page says so.
func (s *Server) portalReply(w http.ResponseWriter, r *http.Request) error {
	v, req, err := s.ownRequest(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := s.newPage(w, r, "portal")
	files, err := s.uploadedFiles(p, r)
	if err == nil {
		_, err = s.Requests.ReplyWithFiles(r.Context(), v, req.Number, r.PostForm.Get("body"), false, request.Web, files)
	}
	switch {
	case errors.Is(err, request.ErrClosed):
		s.setFlash(w, "error", p.T("portal.reply_closed"))
	case s.formErrors(p, err):
		p.Form = r.PostForm
		return s.renderPortalRequest(w, r, p, v, req, http.StatusUnprocessableEntity)
	case err != nil:
		return deskErr(err)
	case req.Status == request.StatusResolved:
		s.setFlash(w, "success", p.T("portal.reopened"))
	default:
		s.setFlash(w, "success", p.T("portal.reply_sent"))
	}
	http.Redirect(w, r, fmt.Sprintf("/portal/%d", req.Number), http.StatusSeeOther)
	return nil
}

// portalRate records the requester's 👍 or 👎, with an optional comment.
func (s *Server) portalRate(w http.ResponseWriter, r *http.Request) error {
	v, req, err := s.ownRequest(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := s.newPage(w, r, "portal")
	score, _ := strconv.Atoi(r.PostForm.Get("score"))
	err = s.Requests.Rate(r.Context(), v, req.Number, score, r.PostForm.Get("comment"))
	switch {
	case errors.Is(err, request.ErrInvalidTransition):
		s.setFlash(w, "error", p.T("portal.rate_not_yet"))
	case s.formErrors(p, err):
		p.Form = r.PostForm
		return s.renderPortalRequest(w, r, p, v, req, http.StatusUnprocessableEntity)
	case err != nil:
		return deskErr(err)
	case score == 1:
		s.setFlash(w, "success", p.T("portal.rated_up"))
	default:
		s.setFlash(w, "success", p.T("portal.rated_down"))
	}
	http.Redirect(w, r, fmt.Sprintf("/portal/%d", req.Number), http.StatusSeeOther)
	return nil
}

// renderPortalRequest loads the public conversation of req and renders it.
func (s *Server) renderPortalRequest(w http.ResponseWriter, r *http.Request, p *Page, v request.Viewer, req request.Request, status int) error {
	p.Title = req.Ref() + " · " + req.Title
	if p.Form == nil {
		p.Form = url.Values{}
	}
	msgs, err := s.Requests.Conversation(r.Context(), v, req)
	if err != nil {
		return deskErr(err)
	}
	d := portalRequestData{Request: req, Closed: req.Status == request.StatusClosed,
		CanRate: req.Status.IsDone() && req.Satisfaction == 0}
	// An agent filing for themselves sees their own request as any requester would: the
	// team's internal notes stay on the desk.
	for _, m := range msgs {
		if !m.Internal {
			d.Messages = append(d.Messages, m)
		}
	}
	if d.Files, err = s.attachmentsOf(r.Context(), v, req); err != nil {
		return err
	}
	// As with the messages, an agent filing for themselves does not see the notes' files here.
	for id := range d.Files {
		if id != 0 && !slices.ContainsFunc(d.Messages, func(m request.Message) bool { return m.ID == id }) {
			delete(d.Files, id)
		}
	}
	sla, err := s.Requests.SLAOf(r.Context(), req)
	if err != nil {
		return err
	}
	d.Promise = p.portalPromise(sla, s.Requests.Now())
	if d.MergedInto, err = s.Requests.MergedTarget(r.Context(), v, req); err != nil {
		return err
	}
	p.Data = d
	return s.renderStatus(w, status, p, "portal_show")
}
