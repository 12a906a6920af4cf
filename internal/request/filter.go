package request

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// StatusGroups are the status filter's values that stand for several statuses.
var StatusGroups = map[string][]Status{
	"active":  {StatusNew, StatusOpen, StatusWaitingRequester, StatusWaitingThirdParty},
	"todo":    {StatusNew, StatusOpen}, // waiting on the desk, not on someone else
	"waiting": {StatusWaitingRequester, StatusWaitingThirdParty},
	"done":    {StatusResolved, StatusClosed},
}

// statuses is what f.Status stands for: nil for any status.
func (f Filter) statuses() []Status {
	if g, ok := StatusGroups[f.Status]; ok {
		return g
	}
	if f.Status == "" {
		return nil
	}
	return []Status{Status(f.Status)}
}

// where is the WHERE clause of a listing by v under f, with its arguments. Only the filters
// that are set become conditions, so that each query is one the database can answer from the
// index its filters call for: a "filter or nothing" clause ($1 = ” OR status = $1) compiled
// once for every case would make SQLite and PostgreSQL scan all 200 000 requests for a count.
// Placeholders are numbered from 1 in PostgreSQL's form; the caller rebinds them.
func (f Filter) where(v Viewer, now time.Time) (string, []any) {
	w := f.conds(v, now)
	return w.where()
}

// conds are the conditions of f for v, the keyset cursor aside.
func (f Filter) conds(v Viewer, now time.Time) *conds {
	w := &conds{}
	switch {
	case v.Role == "admin":
	case v.IsAgent():
		w.add("(r.requester_id = ? OR r.confidential = FALSE OR r.assignee_id = ?)", v.PersonID, v.UserID)
	default:
		w.add("(r.requester_id = ? OR r.assignee_id = ?)", v.PersonID, v.UserID)
	}
	if st := f.statuses(); len(st) == 1 {
		w.add("r.status = ?", string(st[0]))
	} else if f.Status == "done" {
		// Done requests are most of a desk's history. Said as "not active", the condition gives
		// SQLite no status index to prefer, so it walks the requests newest first and stops at
		// the page; "IN ('resolved', 'closed')" would fetch them all through the status index and
		// sort them (230 ms at 200 000 requests), SQLite assuming without statistics that few
		// match. The statuses are a closed set (a CHECK constraint), so both say the same.
		w.add("r.status NOT IN (" + quoteStatuses(StatusGroups["active"]) + ")")
	} else if len(st) > 1 {
		w.add("r.status IN (" + quoteStatuses(st) + ")")
	}
	if f.CategoryID != 0 { // a category and its sub-categories
		w.add("(r.category_id = ? OR r.category_id IN (SELECT id FROM categories WHERE parent_id = ?))", f.CategoryID, f.CategoryID)
	}
	if f.Priority != "" {
		w.add("r.priority = ?", string(f.Priority))
	}
	switch {
	case f.AssigneeID == -1:
		w.add("r.assignee_id IS NULL")
	case f.AssigneeID > 0:
		w.add("r.assignee_id = ?", f.AssigneeID)
	}
	if f.Confidential != nil {
		w.add("r.confidential = ?", *f.Confidential)
	}
	if f.Channel != "" {
		w.add("r.channel = ?", string(f.Channel))
	}
	if f.RequesterID != 0 {
		w.add("r.requester_id = ?", f.RequesterID)
	}
	if f.IncidentID != 0 {
		w.add("r.incident_id = ?", f.IncidentID)
	}
	if f.SiteID != 0 {
		// A test on each candidate rather than "requester_id IN (the site's people)": SQLite
		// would answer the IN from the site's people and read every request of the site before
		// sorting them (0.6 s for a site of 120 000 requests), where the test lets it walk the
		// order's index and stop at the page (1 ms). The count joins nothing, so not the join.
		w.add("EXISTS (SELECT 1 FROM people sp WHERE sp.id = r.requester_id AND sp.site_id = ?)", f.SiteID)
	}
	from, to := f.createdRange()
	if !from.IsZero() {
		w.add("r.created_at >= ?", from)
	}
	if !to.IsZero() {
		w.add("r.created_at < ?", to)
	}
	if f.SLA != "" {
		w.addSLA(f.SLA, now)
	}
	return w
}

// where joins the conditions into a WHERE clause, TRUE when there are none.
func (c *conds) where() (string, []any) {
	if len(c.parts) == 0 {
		return "TRUE", nil
	}
	return strings.Join(c.parts, " AND "), c.args
}

// createdRange is f's creation dates as instants: from the start of CreatedFrom up to the end
// of CreatedTo (the start of the day after), each day in f's timezone; zero where unset.
func (f Filter) createdRange() (from, to time.Time) {
	loc := f.Location
	if loc == nil {
		loc = location("")
	}
	if d := f.CreatedFrom; !d.IsZero() {
		from = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc).UTC()
	}
	if d := f.CreatedTo; !d.IsZero() {
		to = time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, loc).UTC()
	}
	return from, to
}

// quoteStatuses writes statuses as SQL literals: they are constants, written in the text so that
// each group is one prepared query.
func quoteStatuses(st []Status) string {
	quoted := make([]string, len(st))
	for i, s := range st {
		quoted[i] = "'" + string(s) + "'"
	}
	return strings.Join(quoted, ", ")
}

// conds collects the conditions of a WHERE clause and their arguments.
type conds struct {
	parts []string
	args  []any
}

// add appends cond, whose "?" are its arguments in order, numbered after those before it.
func (c *conds) add(cond string, args ...any) {
	var b strings.Builder
	for _, r := range cond {
		if r == '?' {
			c.args = append(c.args, args[0])
			args = args[1:]
			fmt.Fprintf(&b, "$%d", len(c.args))
			continue
		}
		b.WriteRune(r)
	}
	if len(args) != 0 {
		panic("request: condition " + cond + " has fewer placeholders than arguments")
	}
	c.parts = append(c.parts, b.String())
}

// matches applies the filters other than Text, SLA, SiteID and Cursor to r, as the list query
// does.
func (f Filter) matches(r Request) bool {
	st := f.statuses()
	from, to := f.createdRange()
	switch {
	case st != nil && !slices.Contains(st, r.Status),
		f.CategoryID != 0 && r.CategoryID != f.CategoryID && !slices.Contains(f.subCategories, r.CategoryID),
		f.Priority != "" && r.Priority != f.Priority,
		f.AssigneeID == -1 && r.AssigneeID != 0,
		f.AssigneeID > 0 && r.AssigneeID != f.AssigneeID,
		f.Confidential != nil && r.Confidential != *f.Confidential,
		f.Channel != "" && r.Channel != f.Channel,
		f.RequesterID != 0 && r.RequesterID != f.RequesterID,
		f.IncidentID != 0 && r.IncidentID != f.IncidentID,
		!from.IsZero() && r.CreatedAt.Before(from),
		!to.IsZero() && !r.CreatedAt.Before(to):
		return false
	}
	return true
}
