package api

import (
	"net/http"

	"majordome/internal/auth"
	"majordome/internal/httpx"
	"majordome/internal/request"
)

// replyFields are the members of a reply.
var replyFields = []string{"body", "internal"}

// replyCreate answers POST /api/v1/requests/{number}/replies: a public reply, or with
// "internal": true a note only agents see. The answer is the message; messages have no URL of
// their own, so there is no Location.
func (s *server) replyCreate(w http.ResponseWriter, r *http.Request) error {
	number, err := pathNumber(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, replyFields, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	body, internal := f.str("body"), f.boolean("internal")
	if err := f.err(); err != nil {
		return err
	}
	note := internal != nil && *internal
	v := viewer(r)
	if note && !v.Role.Can(auth.RequestsWork) {
		return &problemError{Problem: httpx.Problem{Status: http.StatusForbidden,
			Detail: "Internal notes are for agents: the role " + string(v.Role) + " of this token does not allow " + string(auth.RequestsWork) + "."}}
	}
	m, err := s.Requests.Reply(r.Context(), v, number, val(body), note, request.API)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, messageOut(m))
	return nil
}

// messageList answers GET /api/v1/requests/{number}/messages: the conversation, oldest first,
// internal notes included for agents only. A conversation comes whole, so next_cursor is
// always null; the list has the shape of every other so that paging can come later unchanged.
func (s *server) messageList(w http.ResponseWriter, r *http.Request) error {
	number, err := pathNumber(r)
	if err != nil {
		return err
	}
	v := viewer(r)
	req, err := s.Requests.Get(r.Context(), v, number)
	if err != nil {
		return err
	}
	msgs, err := s.Requests.Conversation(r.Context(), v, req)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(msgs, "", messageOut))
	return nil
}
