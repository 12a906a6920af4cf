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
	var w conds
	switch {
	case v.Role == "admin":
	case v.IsAgent():
		w.add("(r.requester_id = ? OR r.confidential = FALSE OR r.assignee_id = ?)", v.PersonID, v.UserID)
	default:
		w.add("(r.requester_id = ? OR r.assignee_id = ?)", v.PersonID, v.UserID)
	}
	if st := f.statuses(); len(st) == 1 {
		w.add("r.status = ?", string(st[0]))
	} else if len(st) > 1 {
		// The statuses are constants, written in the text so each group is one prepared query.
		quoted := make([]string, len(st))
		for i, s := range st {
			quoted[i] = "'" + string(s) + "'"
		}
		w.add("r.status IN (" + strings.Join(quoted, ", ") + ")")
	}
	if f.CategoryID != 0 {
		w.add("r.category_id = ?", f.CategoryID)
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
	if f.SLA != "" {
		w.addSLA(f.SLA, now)
	}
	if f.Cursor != 0 {
		w.add("r.number < ?", f.Cursor)
	}
	if len(w.parts) == 0 {
		return "TRUE", nil
	}
	return strings.Join(w.parts, " AND "), w.args
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

// matches applies the filters other than Text, SLA and Cursor to r, as the list query does.
func (f Filter) matches(r Request) bool {
	st := f.statuses()
	switch {
	case st != nil && !slices.Contains(st, r.Status),
		f.CategoryID != 0 && r.CategoryID != f.CategoryID,
		f.Priority != "" && r.Priority != f.Priority,
		f.AssigneeID == -1 && r.AssigneeID != 0,
		f.AssigneeID > 0 && r.AssigneeID != f.AssigneeID,
		f.Confidential != nil && r.Confidential != *f.Confidential,
		f.Channel != "" && r.Channel != f.Channel,
		f.RequesterID != 0 && r.RequesterID != f.RequesterID,
		f.IncidentID != 0 && r.IncidentID != f.IncidentID:
		return false
	}
	return true
}
