package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"majordome/internal/auth"
	"majordome/internal/civil"
	"majordome/internal/people"
	"majordome/internal/request"
)

// queuePageSize is how many requests one page of the queue shows.
const queuePageSize = 50

// queueFilterKeys are the query parameters of the queue's filters, in the order URLs write them.
// from and to are days of filing as typed (dd/mm/yyyy).
var queueFilterKeys = []string{"q", "status", "category", "priority", "assignee", "confidential", "channel", "sla",
	"site", "from", "to"}

// queueSortKey is the query parameter of the queue's order. It is no filter: a saved view stays
// the current one in any order, and its link keeps the order chosen (requests_views.go).
const queueSortKey = "sort"

// queueData is what the queue shows: the views, the filters as chosen with their choices, and
// one page of requests.
type queueData struct {
	Views      []queueView
	View       string     // the current view's key, "" when the filters match none
	Filters    url.Values // status is always set ("active" by default)
	Categories []request.Category
	Agents     []auth.User
	Sites      []people.Site
	Sorts      []request.Sort
	Groups     []string // the status filter's broad choices: active, todo, waiting, done, all
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
	d := &queueData{Filters: queueFilters(q), Groups: []string{"active", "todo", "waiting", "done", "all"},
		Statuses: request.Statuses, Priorities: request.Priorities, Channels: request.Channels,
		Sorts: request.Sorts, PortalURL: s.Config.BaseURL + "/portal"}
	f := queueFilter(d.Filters, v)
	f.Location = p.loc
	if errs := queueDates(d.Filters, &f); len(errs) > 0 {
		// The queue is still shown, without the dates it cannot read, and says which they are.
		p.FieldErrors = map[string]string{}
		for field, e := range errs {
			p.FieldErrors[field] = p.T(e.key, "field", p.T("queue.dates.field."+field), "value", e.value)
		}
	}
	f.Cursor = q.Get("cursor")
	f.Limit = queuePageSize

	page, err := s.Requests.List(ctx, v, f)
	if errors.Is(err, request.ErrBadCursor) { // an old or edited link, or another order's: from the top
		f.Cursor = ""
		page, err = s.Requests.List(ctx, v, f)
	}
	if err != nil {
		return err
	}
	d.Requests = page.Items
	d.Now, d.SLAChoices = s.Requests.Now(), slaChoices()
	if d.SLA, err = s.Requests.SLAs(ctx, page.Items); err != nil {
		return err
	}
	if page.NextCursor != "" {
		d.NextURL = queueURL(d.Filters, page.NextCursor)
	}
	if f.Cursor != "" {
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
	if d.Sites, err = s.People.Sites(ctx); err != nil {
		return err
	}
	if d.Bulk, err = s.bulkBarData(ctx, v); err != nil {
		return err
	}
	return s.render(w, p, "requests_list")
}

// queueFilters keeps the known filters of q and its order, with the status "active" unless
// another is chosen; a priority, channel, site or order that does not exist (an edited link)
// is left out. Dates are kept as typed, so that a wrong one is shown back with its message.
func queueFilters(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range queueFilterKeys {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			out.Set(k, v)
		}
	}
	if id, err := strconv.ParseInt(out.Get("site"), 10, 64); err != nil || id <= 0 {
		out.Del("site")
	}
	if st := request.Sort(q.Get(queueSortKey)); st != request.SortNewest && slices.Contains(request.Sorts, st) {
		out.Set(queueSortKey, string(st))
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
		Channel: request.Channel(fs.Get("channel")), SLA: request.SLAState(fs.Get("sla")),
		Sort: request.Sort(fs.Get(queueSortKey))}
	if f.Status == "all" {
		f.Status = ""
	}
	f.CategoryID, _ = strconv.ParseInt(fs.Get("category"), 10, 64)
	f.SiteID, _ = strconv.ParseInt(fs.Get("site"), 10, 64)
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

// queueDateError is a day of filing the queue cannot use: the message's key and what was typed.
type queueDateError struct{ key, value string }

// queueDates sets the days of filing of fs on f: from and to, both included, as dd/mm/yyyy (or
// YYYY-MM-DD). A date that cannot be read, or an end before the start, is left out of f and
// comes back by field.
func queueDates(fs url.Values, f *request.Filter) map[string]queueDateError {
	errs := map[string]queueDateError{}
	day := func(field string) civil.Date {
		s := fs.Get(field)
		if s == "" {
			return civil.Date{}
		}
		d, err := civil.Parse(s)
		if err != nil {
			errs[field] = queueDateError{"queue.dates.invalid", s}
		}
		return d
	}
	from, to := day("from"), day("to")
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		errs["to"] = queueDateError{"queue.dates.order", fs.Get("to")}
		to = civil.Date{}
	}
	f.CreatedFrom, f.CreatedTo = from, to
	return errs
}

// queueURL is the queue with filters fs in their order, at cursor ("" for the first page). The
// defaults (status "active", newest first) are left out, so the plain queue is /requests.
func queueURL(fs url.Values, cursor string) string {
	v := url.Values{}
	for _, k := range queueFilterKeys {
		if x := fs.Get(k); x != "" && !(k == "status" && x == "active") {
			v.Set(k, x)
		}
	}
	if x := fs.Get(queueSortKey); x != "" && x != string(request.SortNewest) {
		v.Set(queueSortKey, x)
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(v) == 0 {
		return "/requests"
	}
	return "/requests?" + v.Encode()
}
