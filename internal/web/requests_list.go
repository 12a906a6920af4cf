package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"majordome/internal/auth"
	"majordome/internal/request"
)

// queuePageSize is how many requests one page of the queue shows.
const queuePageSize = 50

// queueFilterKeys are the query parameters of the queue's filters, in the order URLs write them.
var queueFilterKeys = []string{"q", "status", "category", "priority", "assignee", "confidential", "channel", "sla"}

// queueData is what the queue shows: the views, the filters as chosen with their choices, and
// one page of requests.
type queueData struct {
	Views      []queueView
	View       string     // the current view's key, "" when the filters match none
	Filters    url.Values // status is always set ("active" by default)
	Categories []request.Category
	Agents     []auth.User
	Groups     []string // the status filter's broad choices: active, waiting, done, all
	Statuses   []request.Status
	Priorities []request.Priority
	Channels   []request.Channel
	Requests   []request.Request
	NextURL    string
	FirstURL   string
	Empty      bool // no request at all yet: the page teaches how they arrive
	PortalURL  string
	OOB        bool // the views column is swapped out of band with the results

	Bulk bulkBar // the bulk action bar's choices (requests_bulk.go)

	SLA        map[int64]request.SLA // each request's service level (requests_sla.go)
	SLAChoices []string
	Now        time.Time // the instant SLAs are judged at: the desk's clock
}

// requestsList shows the Office Manager's queue. An htmx request (a filter changed) gets the
// results and the views column, swapped in place; a plain request gets the whole page.
func (s *Server) requestsList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "requests")
	p.Title = p.T("desk.title")
	q := r.URL.Query()
	d := &queueData{Filters: queueFilters(q), Groups: []string{"active", "waiting", "done", "all"},
		Statuses: request.Statuses, Priorities: request.Priorities, Channels: request.Channels,
		PortalURL: s.Config.BaseURL + "/portal"}
	f := queueFilter(d.Filters, v)
	f.Cursor, _ = strconv.ParseInt(q.Get("cursor"), 10, 64)
	f.Limit = queuePageSize

	page, err := s.Requests.List(ctx, v, f)
	if err != nil {
		return err
	}
	d.Requests = page.Items
	d.Now, d.SLAChoices = s.Requests.Now(), slaChoices()
	if d.SLA, err = s.Requests.SLAs(ctx, page.Items); err != nil {
		return err
	}
	if page.NextCursor != 0 {
		d.NextURL = queueURL(d.Filters, strconv.FormatInt(page.NextCursor, 10))
	}
	if f.Cursor != 0 {
		d.FirstURL = queueURL(d.Filters, "")
	}
	if err := s.countViews(ctx, v, d); err != nil {
		return err
	}
	// "Toutes actives" and "Résolues" hold every status between them.
	d.Empty = d.count("active")+d.count("done") == 0
	p.Data = d
	w.Header().Set("Vary", "HX-Request")
	if wantsFragment(r) {
		d.OOB = true
		return s.tmpl.fragment(w, "requests_list", "queue-results", p)
	}
	if d.Categories, err = s.Requests.Categories(ctx); err != nil {
		return err
	}
	if d.Agents, err = s.agents(ctx); err != nil {
		return err
	}
	if d.Bulk, err = s.bulkBarData(ctx, v); err != nil {
		return err
	}
	return s.render(w, p, "requests_list")
}

// queueFilters keeps the known filters of q, with the status "active" unless another is chosen;
// a priority or channel that does not exist (an edited link) is left out.
func queueFilters(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range queueFilterKeys {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	if !slices.Contains(request.Priorities, request.Priority(out.Get("priority"))) {
		out.Del("priority")
	}
	if !slices.Contains(request.Channels, request.Channel(out.Get("channel"))) {
		out.Del("channel")
	}
	if !validSLAFilter(out.Get("sla")) {
		out.Del("sla")
	}
	if st := out.Get("status"); st == "" || (request.StatusGroups[st] == nil && st != "all" &&
		!slices.Contains(request.Statuses, request.Status(st))) {
		out.Set("status", "active")
	}
	return out
}

// queueFilter turns the filters into the desk's, for viewer v ("me" is v's account).
func queueFilter(fs url.Values, v request.Viewer) request.Filter {
	f := request.Filter{Text: fs.Get("q"), Status: fs.Get("status"), Priority: request.Priority(fs.Get("priority")),
		Channel: request.Channel(fs.Get("channel")), SLA: request.SLAState(fs.Get("sla"))}
	if f.Status == "all" {
		f.Status = ""
	}
	f.CategoryID, _ = strconv.ParseInt(fs.Get("category"), 10, 64)
	switch a := fs.Get("assignee"); a {
	case "me":
		f.AssigneeID = v.UserID
	case "none":
		f.AssigneeID = -1
	default:
		f.AssigneeID, _ = strconv.ParseInt(a, 10, 64)
	}
	switch fs.Get("confidential") {
	case "yes":
		f.Confidential = new(true)
	case "no":
		f.Confidential = new(false)
	}
	return f
}

// queueURL is the queue with filters fs, at cursor ("" for the first page). The default status
// ("active") is left out, so the plain queue is /requests.
func queueURL(fs url.Values, cursor string) string {
	v := url.Values{}
	for _, k := range queueFilterKeys {
		if x := fs.Get(k); x != "" && !(k == "status" && x == "active") {
			v.Set(k, x)
		}
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(v) == 0 {
		return "/requests"
	}
	return "/requests?" + v.Encode()
}
