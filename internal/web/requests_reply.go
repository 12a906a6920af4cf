package web

import (
	"errors"
	"fmt"
	"net/http"

	"majordome/internal/request"
)

// requestReply adds an agent's public reply or internal note, with its files. An empty message
// or a refused file shows the page again with the box in the mode it was in.
func (s *Server) requestReply(w http.ResponseWriter, r *http.Request) error {
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
	p := s.newPage(w, r, "requests")
	files, err := s.uploadedFiles(p, r) // first: a multipart form's fields come with its files
	if r.PostForm.Get("macro") != "" {  // the macro picker, without JavaScript
		return s.insertMacro(w, r, p, v, n)
	}
	internal := r.PostForm.Get("mode") == "internal"
	var m request.Message
	if err == nil {
		m, err = s.Requests.ReplyWithFiles(r.Context(), v, n, r.PostForm.Get("body"), internal, request.Web, files)
	}
	switch {
	case errors.Is(err, request.ErrClosed):
		s.setFlash(w, "error", p.T("desk.reply_closed"))
		http.Redirect(w, r, fmt.Sprintf("/requests/%d", n), http.StatusSeeOther)
		return nil
	case s.formErrors(p, err):
		req, err := s.Requests.Get(r.Context(), v, n)
		if err != nil {
			return deskErr(err)
		}
		p.Form = requestForm(req, r.PostForm)
		return s.renderRequest(w, r, p, v, req, http.StatusUnprocessableEntity)
	case err != nil:
		return deskErr(err)
	}
	if internal {
		s.setFlash(w, "success", p.T("desk.note_added"))
	} else {
		s.setFlash(w, "success", p.T("desk.reply_sent"))
	}
	http.Redirect(w, r, fmt.Sprintf("/requests/%d#m-%d", n, m.ID), http.StatusSeeOther)
	return nil
}
