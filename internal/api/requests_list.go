package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"majordome/internal/auth"
	"majordome/internal/civil"
	"majordome/internal/fold"
	"majordome/internal/httpx"
	"majordome/internal/request"
)

// requestList answers GET /api/v1/requests: a page of the requests the token may see, newest
// first or in the order asked for, filtered by status, category, priority, assignee,
// confidentiality, channel, SLA state, the requester's site and the days of filing.
func (s *server) requestList(w http.ResponseWriter, r *http.Request) error {
	f, none, err := s.requestFilter(r)
	if err != nil {
		return err
	}
	var res request.Page
	if !none {
		res, err = s.Requests.List(r.Context(), viewer(r), f)
		if errors.Is(err, request.ErrBadCursor) {
			return badCursor()
		}
		if err != nil {
			return err
		}
	}
	out, err := s.requestsOut(r.Context(), res.Items...)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(res.Items, res.NextCursor, out))
	return nil
}

// badCursor is the answer to a cursor no page of this listing returned: edited, or from a
// listing in another sort.
func badCursor() error {
	return invalidParameter("cursor", "cursor must be a next_cursor returned by a previous page of the same sort.")
}

// createdParam reads the date parameter name: YYYY-MM-DD, or dd/mm/yyyy as people type it.
func createdParam(q url.Values, name string) (civil.Date, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return civil.Date{}, nil
	}
	d, err := civil.Parse(v)
	if err != nil {
		return d, invalidParameter(name, name+" must be a date, YYYY-MM-DD.")
	}
	return d, nil
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
	if v := request.Sort(q.Get("sort")); v != "" {
		if !slices.Contains(request.Sorts, v) {
			return f, false, invalidParameter("sort", "sort must be newest, oldest, priority or due.")
		}
		f.Sort = v
	}
	if err := request.CheckCursor(f.Sort, cursor); err != nil {
		return f, false, badCursor()
	}
	f.Cursor = cursor
	if f.CreatedFrom, err = createdParam(q, "created_from"); err != nil {
		return f, false, err
	}
	if f.CreatedTo, err = createdParam(q, "created_to"); err != nil {
		return f, false, err
	}
	if !f.CreatedFrom.IsZero() && !f.CreatedTo.IsZero() && f.CreatedTo.Before(f.CreatedFrom) {
		return f, false, invalidParameter("created_to", "created_to must not be before created_from.")
	}
	if v := q.Get("status"); v != "" {
		if request.StatusGroups[v] == nil && !slices.Contains(request.Statuses, request.Status(v)) {
			return f, false, invalidParameter("status", "status must be a status (new, open, waiting_requester, waiting_third_party, resolved, closed) or a group (active, todo, waiting, done).")
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
	if name := q.Get("site"); name != "" {
		_, id, err := s.orgIDs(ctx, "", name)
		if err != nil {
			return f, false, err
		}
		if id == noSuchOrg {
			return f, true, nil
		}
		f.SiteID = id
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
// category has it. Archived categories count: their requests are still there to list.
func (s *server) categoryID(ctx context.Context, name string) (int64, error) {
	cats, err := s.Requests.AllCategories(ctx)
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
