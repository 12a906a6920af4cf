package request

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/civil"
	"majordome/internal/db"
)

func scanRequest(sc interface{ Scan(...any) error }) (Request, error) {
	var r Request
	var catID, assigneeID, incidentID, mergedID, satisfaction sql.NullInt64
	var category, assignee, due sql.NullString
	var first, resolved, closed, firstDue, resolutionDue, paused sql.NullTime
	err := sc.Scan(&r.ID, &r.Number, &r.Title, &r.Description, &r.RequesterID, &r.RequesterName, &r.RequesterEmail,
		&catID, &category, &r.Priority, &r.Status, &assigneeID, &assignee, &due, &r.Channel, &r.Confidential,
		&incidentID, &mergedID, &first, &resolved, &closed, &satisfaction, &r.SatisfactionNote, &r.CreatedAt, &r.UpdatedAt,
		&firstDue, &resolutionDue, &paused)
	r.CategoryID, r.Category = catID.Int64, category.String
	r.AssigneeID, r.AssigneeName, r.DueDate = assigneeID.Int64, assignee.String, due.String
	r.IncidentID, r.MergedIntoID, r.Satisfaction = incidentID.Int64, mergedID.Int64, int(satisfaction.Int64)
	r.FirstResponseAt, r.ResolvedAt, r.ClosedAt = ptr(first), ptr(resolved), ptr(closed)
	r.FirstResponseDue, r.ResolutionDue, r.SLAPausedAt = ptr(firstDue), ptr(resolutionDue), ptr(paused)
	return r, err
}

func ptr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

// get reads a request by number, with its tags, without checking who asks. Read inside a
// transaction, the request is locked until the commit (on PostgreSQL; SQLite has one writer), so
// that a change computed from it cannot overwrite a concurrent one.
func (k *Desk) get(ctx context.Context, q queryer, number int64) (Request, error) {
	name := "get"
	if _, inTx := q.(*sql.Tx); inTx {
		name = "get-locked"
	}
	r, err := scanRequest(q.QueryRowContext(ctx, k.q.Get(name), number))
	if isNoRows(err) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("request: get #%d: %w", number, err)
	}
	tags, err := db.Column[string](ctx, q, k.q.Get("tags"), r.ID)
	if err != nil {
		return r, fmt.Errorf("request: tags: %w", err)
	}
	r.Tags = append(r.Tags, tags...)
	return r, nil
}

// CanSee reports whether v may see r: its requester, admins, and for a request that is not
// confidential every agent; a confidential one only its assignee among agents.
func (v Viewer) CanSee(r Request) bool {
	switch {
	case v.Role == "admin":
		return true
	case v.PersonID != 0 && r.RequesterID == v.PersonID:
		return true
	case r.Confidential:
		return v.UserID != 0 && r.AssigneeID == v.UserID
	default:
		return v.IsAgent()
	}
}

// Get returns request number for v. A request v may not see is reported as not found, so its
// existence is not revealed. Every read of a confidential request is audited.
func (k *Desk) Get(ctx context.Context, v Viewer, number int64) (Request, error) {
	r, err := k.get(ctx, k.db.R, number)
	if err != nil {
		return r, err
	}
	if !v.CanSee(r) {
		return Request{}, ErrNotFound
	}
	if r.Confidential {
		err := k.db.Tx(ctx, func(tx *sql.Tx) error {
			return k.audit.Record(ctx, tx, audit.Change{Action: "request.read", EntityType: "request",
				EntityID: r.ID, EntityName: fmt.Sprintf("#%d", r.Number)})
		})
		if err != nil {
			return Request{}, err
		}
	}
	return r, nil
}

// Origin returns the channel request number was filed through and its requester: what a
// channel adapter needs to decide whether the request's own conversation already tells the
// requester. It reads no content, so it is not an audited read.
func (k *Desk) Origin(ctx context.Context, number int64) (ch Channel, requesterID int64, err error) {
	r, err := k.get(ctx, k.db.R, number)
	if err != nil {
		return "", 0, err
	}
	return r.Channel, r.RequesterID, nil
}

// Conversation returns the messages of a request v can see, oldest first; internal notes only
// for agents.
func (k *Desk) Conversation(ctx context.Context, v Viewer, r Request) ([]Message, error) {
	if !v.CanSee(r) {
		return nil, ErrNotFound
	}
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("messages"), r.ID, v.IsAgent())
	if err != nil {
		return nil, fmt.Errorf("request: messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var person, user sql.NullInt64
		if err := rows.Scan(&m.ID, &person, &user, &m.AuthorName, &m.Body, &m.Internal, &m.Channel, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("request: messages: %w", err)
		}
		m.AuthorPersonID, m.AuthorUserID = person.Int64, user.Int64
		out = append(out, m)
	}
	return out, rows.Err()
}

// Timeline returns the changes of a request, oldest first, for agents.
func (k *Desk) Timeline(ctx context.Context, v Viewer, r Request) ([]Event, error) {
	if !v.CanSee(r) || !v.IsAgent() {
		return nil, ErrNotFound
	}
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("events"), r.ID)
	if err != nil {
		return nil, fmt.Errorf("request: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.ActorName, &e.Kind, &e.From, &e.To, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("request: events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Filter narrows a listing. Zero fields do not filter.
type Filter struct {
	Text         string // full-text search: results come ranked best first, without a next page
	Status       string // a status, or "active" for everything not resolved or closed
	CategoryID   int64
	Priority     Priority
	AssigneeID   int64 // -1: unassigned
	Confidential *bool
	Channel      Channel
	RequesterID  int64
	IncidentID   int64
	SLA          SLAState // SLAAtRisk or SLABreached: requests in that state now (sla.go)
	SiteID       int64    // the site the requester works at (people.site_id)

	subCategories []int64 // CategoryID's children, for matches (filled by searchList)

	// CreatedFrom and CreatedTo are the first and last days of filing, both included, as
	// days in Location (nil: Europe/Paris, where the company is).
	CreatedFrom, CreatedTo civil.Date
	Location               *time.Location

	Sort   Sort   // "" is SortNewest; with Text, "" and SortNewest keep the search's ranking
	Cursor string // the NextCursor of the previous page, in the same Sort
	Limit  int
}

// Page is one page of requests, in the listing's order.
type Page struct {
	Items      []Request
	NextCursor string // "" on the last page
}

// List returns the requests v may see that match f, in f.Sort's order. A cursor that is not
// one of this order's is ErrBadCursor.
func (k *Desk) List(ctx context.Context, v Viewer, f Filter) (Page, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if !f.Sort.known() {
		return Page{}, fmt.Errorf("request: list: unknown sort %q", f.Sort)
	}
	if strings.TrimSpace(f.Text) != "" {
		return k.searchList(ctx, v, f)
	}
	w := f.conds(v, k.now())
	if f.Cursor != "" {
		after, err := f.Sort.parseCursor(f.Cursor)
		if err != nil {
			return Page{}, err
		}
		w.addAfter(f.Sort, after)
	}
	where, args := w.where()
	args = append(args, f.Limit+1)
	query := k.q.Extend("list", fmt.Sprintf("WHERE %s\nORDER BY %s\nLIMIT $%d", where, f.Sort.orderBy(), len(args)))
	rows, err := k.db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return Page{}, fmt.Errorf("request: list: %w", err)
	}
	defer rows.Close()
	var p Page
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return Page{}, fmt.Errorf("request: list: %w", err)
		}
		p.Items = append(p.Items, r)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("request: list: %w", err)
	}
	if len(p.Items) > f.Limit {
		p.Items = p.Items[:f.Limit]
		p.NextCursor = f.Sort.cursorOf(p.Items[len(p.Items)-1])
	}
	return p, k.loadTags(ctx, p.Items)
}

// loadTags fills the tags of a page of requests with one query.
func (k *Desk) loadTags(ctx context.Context, items []Request) error {
	if len(items) == 0 {
		return nil
	}
	byID := make(map[int64]*Request, len(items))
	ids := make([]int64, len(items))
	for i := range items {
		byID[items[i].ID] = &items[i]
		ids[i] = items[i].ID
	}
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("tags-by-ids"), idList(ids))
	if err != nil {
		return fmt.Errorf("request: tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			return err
		}
		if r, ok := byID[id]; ok {
			r.Tags = append(r.Tags, t)
		}
	}
	return rows.Err()
}

// idList writes ids as the JSON array the *-by-ids queries read.
func idList(ids []int64) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// Ref is "#1042", how people name a request.
func (r Request) Ref() string { return fmt.Sprintf("#%d", r.Number) }

// Excerpt is the start of the description, for lists.
func (r Request) Excerpt(n int) string {
	s := strings.Join(strings.Fields(r.Description), " ")
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// searchList answers a List with a Text: the best search matches that also pass the other
// filters, best first, or in f.Sort's order when another than the default is asked for.
func (k *Desk) searchList(ctx context.Context, v Viewer, f Filter) (Page, error) {
	hits, err := k.Search(ctx, v, f.Text, 100)
	if err != nil {
		return Page{}, err
	}
	inSLA, err := k.slaFilter(ctx, f, hits)
	if err != nil {
		return Page{}, err
	}
	atSite, err := k.siteFilter(ctx, f)
	if err != nil {
		return Page{}, err
	}
	if f.CategoryID != 0 {
		cats, err := k.AllCategories(ctx)
		if err != nil {
			return Page{}, err
		}
		for _, c := range cats {
			if c.ParentID == f.CategoryID {
				f.subCategories = append(f.subCategories, c.ID)
			}
		}
	}
	var p Page
	for _, h := range hits {
		if r := h.Request; f.matches(r) && inSLA(r) && atSite(r) {
			p.Items = append(p.Items, r)
			if len(p.Items) == f.Limit {
				break
			}
		}
	}
	if f.Sort != "" && f.Sort != SortNewest {
		slices.SortStableFunc(p.Items, f.Sort.compare)
	}
	return p, nil
}

// siteFilter applies f.SiteID to search hits, as the list query does in SQL: it reads the
// site's people with one query, and only when the filter is set.
func (k *Desk) siteFilter(ctx context.Context, f Filter) (func(Request) bool, error) {
	if f.SiteID == 0 {
		return func(Request) bool { return true }, nil
	}
	ids, err := db.Column[int64](ctx, k.db.R, k.q.Get("queue-site-people"), f.SiteID)
	if err != nil {
		return nil, fmt.Errorf("request: site people: %w", err)
	}
	people := make(map[int64]bool, len(ids))
	for _, id := range ids {
		people[id] = true
	}
	return func(r Request) bool { return people[r.RequesterID] }, nil
}
