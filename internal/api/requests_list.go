package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"majordome/internal/auth"
	"majordome/internal/fold"
	"majordome/internal/httpx"
	"majordome/internal/request"
)

// requestList answers GET /api/v1/requests: a page of the requests the token may see, newest
// first, filtered by status, category, priority, assignee, confidentiality, channel and SLA state.
func (s *server) requestList(w http.ResponseWriter, r *http.Request) error {
	f, none, err := s.requestFilter(r)
	if err != nil {
		return err
	}
	var res request.Page
	if !none {
		if res, err = s.Requests.List(r.Context(), viewer(r), f); err != nil {
			return err
		}
	}
	next := ""
	if res.NextCursor != 0 {
		next = strconv.FormatInt(res.NextCursor, 10)
	}
	out, err := s.requestsOut(r.Context(), res.Items...)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(res.Items, next, out))
	return nil
}

// requestFilter reads the query parameters of the list. none is true when a category or an
// assignee names nothing: the answer is then an empty list, as for a team no one is in.
func (s *server) requestFilter(r *http.Request) (f request.Filter, none bool, err error) {
	ctx, q := r.Context(), r.URL.Query()
	f.Text = q.Get("q")
	if len([]rune(f.Text)) > 200 {
		return f, false, invalidParameter("q", "q is at most 200 characters.")
	}
	cursor, limit, err := pageParams(r)
	if err != nil {
		return f, false, err
	}
	f.Limit = limit
	if cursor != "" {
		if f.Cursor, err = strconv.ParseInt(cursor, 10, 64); err != nil || f.Cursor <= 0 {
			return f, false, invalidParameter("cursor", "cursor must be a next_cursor returned by a previous page.")
		}
	}
	if v := q.Get("status"); v != "" {
		if v != "active" && !slices.Contains(request.Statuses, request.Status(v)) {
			return f, false, invalidParameter("status", "status must be active, new, open, waiting_requester, waiting_third_party, resolved or closed.")
		}
		f.Status = v
	}
	if v := request.Priority(q.Get("priority")); v != "" {
		if !slices.Contains(request.Priorities, v) {
			return f, false, invalidParameter("priority", "priority must be urgent, high, normal or low.")
		}
		f.Priority = v
	}
	if v := request.Channel(q.Get("channel")); v != "" {
		if !slices.Contains(request.Channels, v) {
			return f, false, invalidParameter("channel", "channel must be web, api, slack or email.")
		}
		f.Channel = v
	}
	if v := request.SLAState(q.Get("sla")); v != "" {
		if !slices.Contains(request.SLAFilters, v) {
			return f, false, invalidParameter("sla", "sla must be at_risk or breached.")
		}
		f.SLA = v
	}
	switch v := q.Get("confidential"); v {
	case "":
	case "true", "false":
		b := v == "true"
		f.Confidential = &b
	default:
		return f, false, invalidParameter("confidential", "confidential must be true or false.")
	}
	assignee := q.Get("assignee")
	if assignee == "me" {
		return f, false, invalidParameter("assignee", "assignee=me names the caller's account, and an API token is not one: give the agent's email instead.")
	}
	// The parameters are all well-formed: now the names, which may name nothing.
	if name := q.Get("category"); name != "" {
		id, err := s.categoryID(ctx, name)
		if err != nil {
			return f, false, err
		}
		if id == 0 {
			return f, true, nil
		}
		f.CategoryID = id
	}
	switch assignee {
	case "":
	case "none":
		f.AssigneeID = -1 // the desk's "unassigned"
	default:
		u, err := s.Auth.UserByEmail(ctx, assignee)
		if errors.Is(err, auth.ErrNotFound) {
			return f, true, nil
		}
		if err != nil {
			return f, false, err
		}
		f.AssigneeID = u.ID
	}
	return f, false, nil
}

// categoryID resolves a category name as people read it (case and accents aside); 0 when no
// active category has it.
func (s *server) categoryID(ctx context.Context, name string) (int64, error) {
	cats, err := s.Requests.Categories(ctx)
	if err != nil {
		return 0, err
	}
	for _, c := range cats {
		if fold.Key(c.Name) == fold.Key(name) {
			return c.ID, nil
		}
	}
	return 0, nil
}
