package request

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"majordome/internal/audit"
	"majordome/internal/civil"
	"majordome/internal/valid"
)

// Change edits a request's properties; nil fields stay as they are.
type Change struct {
	Status       *Status
	Priority     *Priority
	Category     *string // a category name; "" clears it
	AssigneeID   *int64  // an agent's account; 0 unassigns
	Confidential *bool
	Tags         *[]string
	DueDate      *string // YYYY-MM-DD or dd/mm/yyyy; "" clears it
}

// TransitionError is a status change the workflow does not allow. It is ErrInvalidTransition
// for errors.Is, and says from what to what so an edge can explain which moves are possible.
type TransitionError struct{ From, To Status }

func (e *TransitionError) Error() string {
	return fmt.Sprintf("%v: %s → %s", ErrInvalidTransition, e.From, e.To)
}

func (e *TransitionError) Unwrap() error { return ErrInvalidTransition }

// Update applies ch to request number for agent v, recording each change in the timeline and
// the audit log, all or nothing.
func (k *Desk) Update(ctx context.Context, v Viewer, number int64, ch Change) (Request, error) {
	if !v.IsAgent() {
		return Request{}, ErrForbidden
	}
	var after Request
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := k.get(ctx, tx, number)
		if err != nil {
			return err
		}
		if !v.CanSee(r) {
			return ErrNotFound
		}
		after, err = k.update(ctx, tx, r, ch)
		return err
	})
	return after, err
}

// update applies ch to r inside tx and returns the request as stored. It checks neither the
// role nor the visibility: Update and Bulk do.
func (k *Desk) update(ctx context.Context, tx *sql.Tx, r Request, ch Change) (Request, error) {
	number := r.Number
	next := r
	var errs valid.Errors
	if ch.Status != nil {
		if !slices.Contains(Statuses, *ch.Status) {
			errs.Add("status", "status_invalid")
		} else if !CanMove(r.Status, *ch.Status) {
			return Request{}, &TransitionError{From: r.Status, To: *ch.Status}
		}
		next.Status = *ch.Status
	}
	if ch.Priority != nil {
		if !slices.Contains(Priorities, *ch.Priority) {
			errs.Add("priority", "priority_invalid")
		}
		next.Priority = *ch.Priority
	}
	if ch.Category != nil {
		next.CategoryID, next.Category = 0, ""
		if *ch.Category != "" {
			// The request's own category stays acceptable even if archived since.
			c, err := k.categoryFor(ctx, tx, *ch.Category, r.CategoryID, &errs)
			if err != nil {
				return Request{}, err
			}
			next.CategoryID, next.Category = c.ID, c.Name
		}
	}
	if ch.AssigneeID != nil {
		next.AssigneeID, next.AssigneeName = *ch.AssigneeID, ""
		if *ch.AssigneeID != 0 {
			var name, role string
			err := tx.QueryRowContext(ctx, k.q.Get("agent"), *ch.AssigneeID).Scan(&name, &role)
			if isNoRows(err) || (err == nil && role != "admin" && role != "agent") {
				errs.Add("assignee", "assignee_unknown")
			} else if err != nil {
				return Request{}, err
			}
			next.AssigneeName = name
		}
	}
	if ch.Confidential != nil {
		next.Confidential = *ch.Confidential
	}
	if ch.DueDate != nil {
		next.DueDate = ""
		if s := strings.TrimSpace(*ch.DueDate); s != "" {
			d, err := civil.Parse(s)
			if err != nil {
				errs.Add("due_date", "date_invalid", "value", s)
			}
			next.DueDate = d.String()
		}
	}
	if ch.Tags != nil {
		tags, tagErr := cleanTags(*ch.Tags)
		addTagError(&errs, tagErr)
		next.Tags = tags
	}
	if err := errs.Err(); err != nil {
		return Request{}, err
	}
	if err := k.write(ctx, tx, r, next); err != nil {
		return Request{}, err
	}
	// Tags, confidentiality and assignee change what search holds and who may find it.
	if err := k.index(ctx, tx, number); err != nil {
		return Request{}, err
	}
	return k.get(ctx, tx, number)
}

// write stores next over r, with a timeline event per changed property and one audit entry.
// It leaves the search index to its callers, which know whether the text changed too.
func (k *Desk) write(ctx context.Context, tx *sql.Tx, r, next Request) error {
	a := audit.ActorFrom(ctx)
	now := k.now()
	type diff struct{ kind, from, to string }
	var diffs []diff
	add := func(kind, from, to string) {
		if from != to {
			diffs = append(diffs, diff{kind, from, to})
		}
	}
	add("status", string(r.Status), string(next.Status))
	add("priority", string(r.Priority), string(next.Priority))
	add("category", r.Category, next.Category)
	add("assignee", r.AssigneeName, next.AssigneeName)
	add("confidential", fmt.Sprint(r.Confidential), fmt.Sprint(next.Confidential))
	add("due", r.DueDate, next.DueDate)
	add("tags", strings.Join(r.Tags, ", "), strings.Join(next.Tags, ", "))
	if len(diffs) == 0 {
		return nil
	}
	if next.Status != r.Status {
		switch next.Status {
		case StatusResolved:
			next.ResolvedAt = &now
		case StatusClosed:
			next.ClosedAt = &now
			if next.ResolvedAt == nil {
				next.ResolvedAt = &now
			}
		case StatusOpen, StatusWaitingRequester, StatusWaitingThirdParty:
			next.ResolvedAt, next.ClosedAt = nil, nil
		}
	}
	var catID, assigneeID *int64
	if next.CategoryID != 0 {
		catID = &next.CategoryID
	}
	if next.AssigneeID != 0 {
		assigneeID = &next.AssigneeID
	}
	var due *string
	if next.DueDate != "" {
		due = &next.DueDate
	}
	if _, err := tx.ExecContext(ctx, k.q.Get("update"), r.ID, next.Status, next.Priority, catID, assigneeID,
		next.Confidential, due, next.ResolvedAt, next.ClosedAt, now); err != nil {
		return fmt.Errorf("request: update #%d: %w", r.Number, err)
	}
	if !slices.Equal(r.Tags, next.Tags) {
		if _, err := tx.ExecContext(ctx, k.q.Get("tags-delete"), r.ID); err != nil {
			return err
		}
		for _, t := range next.Tags {
			if _, err := tx.ExecContext(ctx, k.q.Get("tag-insert"), r.ID, t); err != nil {
				return err
			}
		}
	}
	before, after := map[string]string{}, map[string]string{}
	for _, d := range diffs {
		if err := k.event(ctx, tx, r.ID, a, d.kind, d.from, d.to); err != nil {
			return err
		}
		before[d.kind], after[d.kind] = d.from, d.to
	}
	if err := k.audit.Record(ctx, tx, audit.Change{Action: "request.update", EntityType: "request", EntityID: r.ID,
		EntityName: r.Ref(), Before: before, After: after}); err != nil {
		return err
	}
	stored, err := k.get(ctx, tx, r.Number)
	if err != nil {
		return err
	}
	return k.afterChange(ctx, tx, r, stored)
}
