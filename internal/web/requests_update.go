package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"majordome/internal/request"
)

// requestUpdate saves the properties panel: only the fields the form sent change, so the
// one-button "Résoudre" form (status only) and the whole panel share this handler. A mistake
// shows the page again with what was chosen; a status the request cannot take says why.
func (s *Server) requestUpdate(w http.ResponseWriter, r *http.Request) error {
	n, err := pathNumber(r)
	if err != nil {
		return err
	}
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	before, err := s.Requests.Get(ctx, v, n)
	if err != nil {
		return deskErr(err)
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	form := r.PostForm
	has := func(k string) bool { _, ok := form[k]; return ok }
	var ch request.Change
	if has("status") {
		st := request.Status(form.Get("status"))
		ch.Status = &st
	}
	if has("priority") {
		pr := request.Priority(form.Get("priority"))
		ch.Priority = &pr
	}
	if has("category") {
		c := form.Get("category")
		ch.Category = &c
	}
	if has("assignee") {
		var id int64
		if a := form.Get("assignee"); a != "" {
			if id, err = strconv.ParseInt(a, 10, 64); err != nil || id <= 0 {
				id = -1 // nobody has this id: the desk reports an unknown assignee
			}
		}
		ch.AssigneeID = &id
	}
	if has("confidential") { // a hidden "0" then the checkbox's "1": the last one wins
		vals := form["confidential"]
		c := vals[len(vals)-1] == "1"
		ch.Confidential = &c
	}
	if has("tags") {
		tags := splitTags(form.Get("tags"))
		ch.Tags = &tags
	}
	if has("due_date") {
		due := form.Get("due_date")
		ch.DueDate = &due
	}

	after, err := s.Requests.Update(ctx, v, n, ch)
	p := s.newPage(w, r, "requests")
	switch {
	case errors.Is(err, request.ErrInvalidTransition):
		// The desk says where the request stood when it refused: maybe not where this page saw it.
		te := &request.TransitionError{From: before.Status, To: request.Status(form.Get("status"))}
		errors.As(err, &te)
		if te.From != before.Status {
			if before, err = s.Requests.Get(ctx, v, n); err != nil {
				return deskErr(err)
			}
		}
		p.Form = requestForm(before, form)
		p.Flash = &flash{Kind: "error", Message: p.T("desk.transition_refused", "from", p.T("desk.status."+string(te.From)),
			"to", p.T("desk.status."+string(te.To)))}
		return s.renderRequest(w, r, p, v, before, http.StatusConflict)
	case s.formErrors(p, err):
		p.Form = requestForm(before, form)
		return s.renderRequest(w, r, p, v, before, http.StatusUnprocessableEntity)
	case err != nil:
		return deskErr(err)
	}
	msg := p.T("desk.saved")
	if after.Status == request.StatusResolved && before.Status != request.StatusResolved {
		msg = p.T("desk.resolved", "ref", after.Ref())
	}
	s.setFlash(w, "success", msg)
	http.Redirect(w, r, fmt.Sprintf("/requests/%d", n), http.StatusSeeOther)
	return nil
}
