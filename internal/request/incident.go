package request

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/valid"
)

// An incident gathers the requests about one problem ("Wi-Fi en panne au 3e étage"): a reply on
// the incident reaches every linked requester, and resolving it resolves every linked request.
// Each linked request goes through the same path as a reply or a change made on it alone
// (timeline, audit, hooks, hence notifications), all in one transaction.

// IncidentStatus is where an incident stands: open until resolved, and resolved for good.
type IncidentStatus string

// The incident statuses.
const (
	IncidentOpen     IncidentStatus = "open"
	IncidentResolved IncidentStatus = "resolved"
)

// Incident is one problem that several requests are about.
type Incident struct {
	ID            int64
	Title         string
	Description   string // for the desk: what is known, what is being done
	Status        IncidentStatus
	CreatedByID   int64
	CreatedByName string
	CreatedAt     time.Time
	ResolvedAt    *time.Time

	// In a listing: how many linked requests the viewer may see, and how many of them are
	// still active (not resolved or closed). Requests the viewer may not see are not counted.
	Linked, Active int
}

// Ref is how people name an incident: "INC-12".
func (i Incident) Ref() string { return "INC-" + strconv.FormatInt(i.ID, 10) }

// IncidentUpdate is one message sent to every linked requester: a reply or the resolution.
type IncidentUpdate struct {
	ID         int64
	Kind       string // "reply" or "resolution"
	AuthorName string
	Body       string
	CreatedAt  time.Time
}

// IncidentDetail is an incident with the linked requests the viewer may see, oldest first, and
// what was sent to their requesters.
type IncidentDetail struct {
	Incident
	Requests []Request
	Updates  []IncidentUpdate
}

// Errors of incidents.
var (
	ErrIncidentNotFound = errors.New("request: incident not found")
	ErrIncidentResolved = errors.New("request: the incident is resolved")
)

// IncidentFilter narrows the list of incidents. Zero fields do not filter.
type IncidentFilter struct {
	Status IncidentStatus
	Cursor string // NextCursor of the previous page
	Limit  int
}

// IncidentPage is one page of incidents: open ones first, then resolved ones, newest first.
type IncidentPage struct {
	Items      []Incident
	NextCursor string // "" on the last page
}

// ErrBadCursor is a cursor that no page returned.
var ErrBadCursor = errors.New("request: bad cursor")

// Limits of an incident's text.
const maxIncidentTitle = maxTitle

// CreateIncident opens an incident. Only agents do; a wrong field is named and nothing is written.
func (k *Desk) CreateIncident(ctx context.Context, v Viewer, title, description string) (Incident, error) {
	if !v.IsAgent() {
		return Incident{}, ErrForbidden
	}
	title = strings.Join(strings.Fields(title), " ")
	description = strings.TrimSpace(description)
	var errs valid.Errors
	if errs.Required("title", title) {
		errs.MaxLen("title", title, maxIncidentTitle)
	}
	errs.MaxLen("description", description, maxBody)
	if err := errs.Err(); err != nil {
		return Incident{}, err
	}
	var inc Incident
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		var createdBy *int64
		if v.UserID != 0 {
			createdBy = &v.UserID
		}
		var id int64
		if err := tx.QueryRowContext(ctx, k.q.Get("incident-insert"), title, description, createdBy, v.Name, k.now()).Scan(&id); err != nil {
			return fmt.Errorf("request: create incident: %w", err)
		}
		var err error
		if inc, err = k.incident(ctx, tx, id); err != nil {
			return err
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "incident.create", EntityType: "incident", EntityID: id,
			EntityName: inc.Ref(), After: map[string]any{"title": title, "description": description}})
	})
	return inc, err
}

func scanIncident(sc interface{ Scan(...any) error }) (Incident, error) {
	var i Incident
	var createdBy sql.NullInt64
	var resolved sql.NullTime
	err := sc.Scan(&i.ID, &i.Title, &i.Description, &i.Status, &createdBy, &i.CreatedByName, &i.CreatedAt, &resolved,
		&i.Linked, &i.Active)
	i.CreatedByID, i.ResolvedAt = createdBy.Int64, ptr(resolved)
	return i, err
}

// incident reads an incident without its requests.
func (k *Desk) incident(ctx context.Context, q queryer, id int64) (Incident, error) {
	i, err := scanIncident(q.QueryRowContext(ctx, k.q.Get("incident-get"), id))
	if isNoRows(err) {
		return i, ErrIncidentNotFound
	}
	if err != nil {
		return i, fmt.Errorf("request: incident %d: %w", id, err)
	}
	return i, nil
}

// Incident returns incident id for agent v, with the linked requests v may see and the updates
// sent. Linked requests v may not see (confidential ones) are neither listed nor counted.
func (k *Desk) Incident(ctx context.Context, v Viewer, id int64) (IncidentDetail, error) {
	if !v.IsAgent() {
		return IncidentDetail{}, ErrForbidden
	}
	inc, err := k.incident(ctx, k.db.R, id)
	if err != nil {
		return IncidentDetail{}, err
	}
	d := IncidentDetail{Incident: inc}
	all, err := k.linked(ctx, k.db.R, id)
	if err != nil {
		return d, err
	}
	for _, r := range all {
		if v.CanSee(r) {
			d.Requests = append(d.Requests, r)
			d.Linked++
			if !r.Status.IsDone() {
				d.Active++
			}
		}
	}
	if err := k.loadTags(ctx, d.Requests); err != nil {
		return d, err
	}
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("incident-updates"), id)
	if err != nil {
		return d, fmt.Errorf("request: incident updates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u IncidentUpdate
		if err := rows.Scan(&u.ID, &u.Kind, &u.AuthorName, &u.Body, &u.CreatedAt); err != nil {
			return d, fmt.Errorf("request: incident updates: %w", err)
		}
		d.Updates = append(d.Updates, u)
	}
	return d, rows.Err()
}

// linked reads every request linked to incident id, whoever may see them, by number.
func (k *Desk) linked(ctx context.Context, q queryer, id int64) ([]Request, error) {
	ids, err := db.Column[int64](ctx, q, k.q.Get("incident-request-ids"), id)
	if err != nil {
		return nil, fmt.Errorf("request: linked requests: %w", err)
	}
	return k.byIDs(ctx, q, ids)
}

// byIDs reads the requests with these ids (without their tags), by number.
func (k *Desk) byIDs(ctx context.Context, q queryer, ids []int64) ([]Request, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, k.q.Get("get-by-ids"), idList(ids))
	if err != nil {
		return nil, fmt.Errorf("request: by ids: %w", err)
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("request: by ids: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Request) int { return cmp.Compare(a.Number, b.Number) })
	return out, nil
}

// Incidents lists the incidents for agent v: open ones first, then resolved ones, newest first,
// each with the counts of the linked requests v may see.
func (k *Desk) Incidents(ctx context.Context, v Viewer, f IncidentFilter) (IncidentPage, error) {
	if !v.IsAgent() {
		return IncidentPage{}, ErrForbidden
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rank, after := int64(-1), int64(0)
	if f.Cursor != "" {
		r, id, ok := strings.Cut(f.Cursor, ".")
		var err1, err2 error
		rank, err1 = strconv.ParseInt(r, 10, 64)
		after, err2 = strconv.ParseInt(id, 10, 64)
		if !ok || err1 != nil || err2 != nil || rank < 0 || rank > 1 || after <= 0 {
			return IncidentPage{}, ErrBadCursor
		}
	}
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("incident-list"), v.Role == "admin", v.PersonID, v.IsAgent(), v.UserID,
		string(f.Status), rank, after, f.Limit+1)
	if err != nil {
		return IncidentPage{}, fmt.Errorf("request: incidents: %w", err)
	}
	defer rows.Close()
	var p IncidentPage
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			return IncidentPage{}, fmt.Errorf("request: incidents: %w", err)
		}
		p.Items = append(p.Items, i)
	}
	if err := rows.Err(); err != nil {
		return IncidentPage{}, fmt.Errorf("request: incidents: %w", err)
	}
	if len(p.Items) > f.Limit {
		p.Items = p.Items[:f.Limit]
		last := p.Items[len(p.Items)-1]
		r := 0
		if last.Status != IncidentOpen {
			r = 1
		}
		p.NextCursor = fmt.Sprintf("%d.%d", r, last.ID)
	}
	return p, nil
}

// LinkIncident links the requests numbered numbers to open incident id, all or nothing. A
// request v may not see, or a closed one, fails and is named in a *BulkError; a request
// already linked to another incident moves to this one. Each link is a timeline event
// ("incident"), an audit entry and a change the hooks hear about.
func (k *Desk) LinkIncident(ctx context.Context, v Viewer, id int64, numbers ...int64) error {
	if !v.IsAgent() {
		return ErrForbidden
	}
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		inc, err := k.openIncident(ctx, tx, id)
		if err != nil {
			return err
		}
		return k.each(ctx, tx, v, numbers, func(r Request) error {
			if r.IncidentID == inc.ID {
				return nil
			}
			if r.Status == StatusClosed {
				return ErrClosed
			}
			return k.setIncident(ctx, tx, r, &inc)
		})
	})
}

// UnlinkIncident detaches the requests numbered numbers from their incident, all or nothing.
// A request linked to none is left as it is.
func (k *Desk) UnlinkIncident(ctx context.Context, v Viewer, numbers ...int64) error {
	if !v.IsAgent() {
		return ErrForbidden
	}
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		return k.each(ctx, tx, v, numbers, func(r Request) error { return k.setIncident(ctx, tx, r, nil) })
	})
}

// setIncident links r to inc (nil: to none), with its timeline event, audit entry and hooks.
// The event names the incidents by title, as people read them.
func (k *Desk) setIncident(ctx context.Context, tx *sql.Tx, r Request, inc *Incident) error {
	var to *int64
	toName, fromName := "", ""
	if inc != nil {
		to, toName = &inc.ID, inc.Title
	}
	if (to == nil && r.IncidentID == 0) || (to != nil && *to == r.IncidentID) {
		return nil
	}
	if r.IncidentID != 0 {
		prev, err := k.incident(ctx, tx, r.IncidentID)
		if err != nil && !errors.Is(err, ErrIncidentNotFound) {
			return err
		}
		fromName = prev.Title
	}
	if _, err := tx.ExecContext(ctx, k.q.Get("request-set-incident"), r.ID, to, k.now()); err != nil {
		return fmt.Errorf("request: link #%d: %w", r.Number, err)
	}
	if err := k.event(ctx, tx, r.ID, audit.ActorFrom(ctx), "incident", fromName, toName); err != nil {
		return err
	}
	if err := k.audit.Record(ctx, tx, audit.Change{Action: "request.incident", EntityType: "request", EntityID: r.ID,
		EntityName: r.Ref(), Before: map[string]any{"incident": fromName}, After: map[string]any{"incident": toName}}); err != nil {
		return err
	}
	after, err := k.get(ctx, tx, r.Number)
	if err != nil {
		return err
	}
	return k.afterChange(ctx, tx, r, after)
}

// ReplyIncident sends body as a public reply from v on every request linked to open incident
// id that is not resolved or closed (those are done: a word about a problem they no longer have
// would only reopen the conversation), whoever may see them, all or nothing. Each reply takes
// the path of a reply on the request itself (first response, status, hooks), and the incident
// keeps the text among its updates.
func (k *Desk) ReplyIncident(ctx context.Context, v Viewer, id int64, body string, channel Channel) error {
	if !v.IsAgent() {
		return ErrForbidden
	}
	body = strings.TrimSpace(body)
	var errs valid.Errors
	if errs.Required("body", body) {
		errs.MaxLen("body", body, maxBody)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		inc, err := k.openIncident(ctx, tx, id)
		if err != nil {
			return err
		}
		reqs, err := k.linked(ctx, tx, id)
		if err != nil {
			return err
		}
		var reached []int64
		for _, r := range reqs {
			if r.Status.IsDone() {
				continue
			}
			if _, err := k.reply(ctx, tx, v, r, body, false, channel); err != nil {
				return err
			}
			reached = append(reached, r.Number)
		}
		if err := k.incidentUpdate(ctx, tx, v, id, "reply", body); err != nil {
			return err
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "incident.reply", EntityType: "incident", EntityID: id,
			EntityName: inc.Ref(), After: map[string]any{"body": body, "requests": reached}})
	})
}

// ResolveIncident resolves open incident id with message: every linked request that is not
// resolved or closed gets message as a public reply from v, then the status resolved, whoever
// may see it; requests already resolved or closed are left as they are. All or nothing: if one
// request cannot be resolved, nothing is. An incident resolves once: ErrIncidentResolved after.
func (k *Desk) ResolveIncident(ctx context.Context, v Viewer, id int64, message string, channel Channel) error {
	if !v.IsAgent() {
		return ErrForbidden
	}
	message = strings.TrimSpace(message)
	var errs valid.Errors
	if errs.Required("message", message) {
		errs.MaxLen("message", message, maxBody)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		inc, err := k.incident(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, k.q.Get("incident-resolve"), id, k.now())
		if err != nil {
			return fmt.Errorf("request: resolve incident %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrIncidentResolved
		}
		reqs, err := k.linked(ctx, tx, id)
		if err != nil {
			return err
		}
		var resolved []int64
		for _, r := range reqs {
			if r.Status.IsDone() {
				continue
			}
			if _, err := k.reply(ctx, tx, v, r, message, false, channel); err != nil {
				return err
			}
			// The reply may have moved it (new → open): resolve from where it now stands.
			now, err := k.get(ctx, tx, r.Number)
			if err != nil {
				return err
			}
			if !CanMove(now.Status, StatusResolved) {
				return &TransitionError{From: now.Status, To: StatusResolved}
			}
			next := now
			next.Status = StatusResolved
			if err := k.write(ctx, tx, now, next); err != nil {
				return err
			}
			resolved = append(resolved, r.Number)
		}
		if err := k.incidentUpdate(ctx, tx, v, id, "resolution", message); err != nil {
			return err
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "incident.resolve", EntityType: "incident", EntityID: id,
			EntityName: inc.Ref(), Before: map[string]any{"status": inc.Status},
			After: map[string]any{"status": IncidentResolved, "message": message, "requests": resolved}})
	})
}

// openIncident reads incident id inside tx and holds its row until tx ends: ErrIncidentResolved
// when it is resolved, ErrIncidentNotFound when there is none.
func (k *Desk) openIncident(ctx context.Context, tx *sql.Tx, id int64) (Incident, error) {
	res, err := tx.ExecContext(ctx, k.q.Get("incident-lock"), id)
	if err != nil {
		return Incident{}, fmt.Errorf("request: incident %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return Incident{}, err
	}
	inc, err := k.incident(ctx, tx, id)
	if err == nil && n == 0 {
		err = ErrIncidentResolved
	}
	return inc, err
}

// incidentUpdate keeps what was sent to the linked requesters.
func (k *Desk) incidentUpdate(ctx context.Context, tx *sql.Tx, v Viewer, id int64, kind, body string) error {
	var author *int64
	if v.UserID != 0 {
		author = &v.UserID
	}
	if _, err := tx.ExecContext(ctx, k.q.Get("incident-update-insert"), id, kind, author, v.Name, body, k.now()); err != nil {
		return fmt.Errorf("request: incident update: %w", err)
	}
	return nil
}
