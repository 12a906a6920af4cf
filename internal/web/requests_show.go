package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"majordome/internal/auth"
	"majordome/internal/civil"
	"majordome/internal/request"
)

// requestPageData is a request as the desk works it: the conversation, the properties with
// their choices, and the timeline.
type requestPageData struct {
	Request    request.Request
	Messages   []request.Message
	Timeline   []timelineEntry
	Statuses   []request.Status // its own status first, then those it may move to
	Priorities []request.Priority
	Categories []request.Category
	Agents     []auth.User
	CanResolve bool
	Closed     bool // a closed request takes no more replies

	Files  filesByMessage // attachments, by message (0: the request's own)
	Macros []macroChoice  // the reply box's canned replies, filled for this request

	Links request.Links // its incident, merges and followers (requests_merge.go)

	SLA slaFacts // its due times in its site's timezone (requests_sla.go)
}

// timelineEntry is one change told in words: "Camille a changé le statut : Nouvelle → En cours".
type timelineEntry struct {
	At       time.Time
	Actor    string
	What     string
	From, To string
}

// requestShow shows a request to an agent. One they may not see (confidential, not theirs) is
// a page that does not exist.
func (s *Server) requestShow(w http.ResponseWriter, r *http.Request) error {
	n, err := pathNumber(r)
	if err != nil {
		return err
	}
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	req, err := s.Requests.Get(r.Context(), v, n)
	if err != nil {
		return deskErr(err)
	}
	p := s.newPage(w, r, "requests")
	p.Form = requestForm(req, nil)
	return s.renderRequest(w, r, p, v, req, http.StatusOK)
}

// requestForm fills the properties and reply forms from req, then overlays what was posted,
// so a form that failed shows what the person typed.
func requestForm(req request.Request, posted url.Values) url.Values {
	f := url.Values{"status": {string(req.Status)}, "priority": {string(req.Priority)}, "category": {req.Category},
		"tags": {strings.Join(req.Tags, ", ")}, "mode": {"public"}}
	if req.AssigneeID != 0 {
		f.Set("assignee", strconv.FormatInt(req.AssigneeID, 10))
	}
	if req.Confidential {
		f.Set("confidential", "1")
	}
	if d, err := civil.Parse(req.DueDate); err == nil && req.DueDate != "" {
		f.Set("due_date", d.French())
	}
	for k, vs := range posted {
		if k != "csrf_token" && len(vs) > 0 {
			f.Set(k, vs[len(vs)-1])
		}
	}
	return f
}

// renderRequest loads what the request page shows around req and renders it with status.
func (s *Server) renderRequest(w http.ResponseWriter, r *http.Request, p *Page, v request.Viewer, req request.Request, status int) error {
	ctx := r.Context()
	p.Title = req.Ref() + " · " + req.Title
	d := requestPageData{Request: req, Priorities: request.Priorities, Closed: req.Status == request.StatusClosed,
		CanResolve: req.Status != request.StatusResolved && request.CanMove(req.Status, request.StatusResolved)}
	d.Statuses = []request.Status{req.Status}
	for _, st := range request.Statuses {
		if st != req.Status && request.CanMove(req.Status, st) {
			d.Statuses = append(d.Statuses, st)
		}
	}
	var err error
	if d.Messages, err = s.Requests.Conversation(ctx, v, req); err != nil {
		return deskErr(err)
	}
	events, err := s.Requests.Timeline(ctx, v, req)
	if err != nil {
		return deskErr(err)
	}
	for _, e := range events {
		d.Timeline = append(d.Timeline, tellEvent(p, e))
	}
	if d.Categories, err = s.categoryChoices(ctx, req.CategoryID); err != nil {
		return err
	}
	sla, err := s.Requests.SLAOf(ctx, req)
	if err != nil {
		return err
	}
	d.SLA = p.slaFactsOf(sla, s.Requests.Now())
	if d.Files, err = s.attachmentsOf(ctx, v, req); err != nil {
		return err
	}
	if d.Macros, err = s.macroChoices(ctx, v, req); err != nil {
		return err
	}
	if d.Agents, err = s.agents(ctx); err != nil {
		return err
	}
	if d.Links, err = s.Requests.Links(ctx, v, req); err != nil {
		return deskErr(err)
	}
	// An assignee who left the desk stays shown, so saving other fields does not unassign them.
	if req.AssigneeID != 0 && !containsUser(d.Agents, req.AssigneeID) {
		d.Agents = append(d.Agents, auth.User{ID: req.AssigneeID, Name: req.AssigneeName})
	}
	p.Data = d
	return s.renderStatus(w, status, p, "requests_show")
}

func containsUser(users []auth.User, id int64) bool {
	for _, u := range users {
		if u.ID == id {
			return true
		}
	}
	return false
}

// tellEvent puts a timeline event into words, values included (statuses and priorities by
// their names, dates as dd/mm/yyyy).
func tellEvent(p *Page, e request.Event) timelineEntry {
	t := timelineEntry{At: e.CreatedAt, Actor: e.ActorName, From: e.From, To: e.To}
	word := func(prefix, v string) string {
		if v == "" {
			return ""
		}
		return p.T(prefix + v)
	}
	switch e.Kind {
	case "created":
		t.What, t.From, t.To = p.T("desk.event.created", "via", word("desk.via.", e.To)), "", ""
	case "status":
		t.What, t.From, t.To = p.T("desk.event.status"), word("desk.status.", e.From), word("desk.status.", e.To)
	case "priority":
		t.What, t.From, t.To = p.T("desk.event.priority"), word("desk.priority.", e.From), word("desk.priority.", e.To)
	case "confidential":
		t.What, t.From, t.To = p.T("desk.event.confidential."+e.To), "", ""
	case "due":
		t.What = p.T("desk.event.due")
		for _, v := range []*string{&t.From, &t.To} {
			if d, err := civil.Parse(*v); err == nil && *v != "" {
				*v = d.French()
			}
		}
	case "rating":
		t.What, t.From, t.To = p.T("desk.event.rating."+e.To), "", ""
	case "assignee", "category", "tags":
		t.What = p.T("desk.event." + e.Kind)
	case "sla":
		t.What, t.From, t.To = p.T("sla.event."+e.To), "", ""
	default:
		// Kinds of the desk's features (incident, merged…) are told by their own key.
		t.What = e.Kind
		if p.cat.Has("desk.event." + e.Kind) {
			t.What = p.T("desk.event." + e.Kind)
		}
	}
	return t
}
