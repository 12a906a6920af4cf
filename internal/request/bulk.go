package request

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"majordome/internal/valid"
)

// A bulk action changes many requests at once, all or nothing: each request goes through the
// same checks and the same write as on its own (Update, a link, a merge), in one transaction.
// When some cannot take the change (not found for this viewer, closed, a status they cannot
// reach…) nothing is written and the error names each of them with its reason, so the person
// can leave them out and try again; a wrong field (an unknown category) is a plain validation
// error, since it concerns every request alike.

// maxBulk is how many requests one bulk action may change.
const maxBulk = 200

// BulkAction is what a bulk action does to each request, in this order: the Change (Update's
// semantics), the tags added to each request's own, the incident it is linked to, the request
// it is merged into. Zero fields do nothing.
type BulkAction struct {
	Change     Change
	AddTags    []string
	IncidentID int64 // > 0: link to this open incident
	MergeInto  int64 // > 0: merge into this request (which, if selected too, is left unmerged)
}

// Failure is one request a bulk action could not change, and why.
type Failure struct {
	Number int64
	Err    error
}

// BulkError lists the requests a bulk action could not change; nothing was written. It
// matches, for errors.Is and errors.As, each of its failures' errors.
type BulkError struct{ Failures []Failure }

func (e *BulkError) Error() string {
	parts := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		parts[i] = fmt.Sprintf("#%d: %v", f.Number, f.Err)
	}
	return "request: bulk: " + strings.Join(parts, "; ")
}

// Unwrap returns the failures' errors.
func (e *BulkError) Unwrap() []error {
	out := make([]error, len(e.Failures))
	for i, f := range e.Failures {
		out[i] = f.Err
	}
	return out
}

// Bulk applies ch to every request numbered numbers, with Update's semantics, all or nothing.
// It returns how many requests it went through.
func (k *Desk) Bulk(ctx context.Context, v Viewer, numbers []int64, ch Change) (int, error) {
	return k.BulkApply(ctx, v, numbers, BulkAction{Change: ch})
}

// BulkApply does a to every request numbered numbers for agent v, all or nothing: see
// BulkAction for what and in which order, BulkError for the requests that could not take it.
func (k *Desk) BulkApply(ctx context.Context, v Viewer, numbers []int64, a BulkAction) (int, error) {
	if !v.IsAgent() {
		return 0, ErrForbidden
	}
	numbers = uniqueNumbers(numbers)
	var errs valid.Errors
	switch {
	case len(numbers) == 0:
		errs.Add("numbers", "required")
	case len(numbers) > maxBulk:
		errs.Add("numbers", "too_many", "max", fmt.Sprint(maxBulk))
	}
	if err := errs.Err(); err != nil {
		return 0, err
	}
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		var inc *Incident
		if a.IncidentID > 0 {
			i, err := k.openIncident(ctx, tx, a.IncidentID)
			switch {
			case errors.Is(err, ErrIncidentNotFound):
				return valid.Errors{{Field: "incident", Code: "incident_unknown"}}
			case errors.Is(err, ErrIncidentResolved):
				return valid.Errors{{Field: "incident", Code: "incident_resolved"}}
			case err != nil:
				return err
			}
			inc = &i
		}
		return k.each(ctx, tx, v, numbers, func(r Request) error {
			ch := a.Change
			if len(a.AddTags) > 0 {
				tags := r.Tags
				if ch.Tags != nil {
					tags = *ch.Tags
				}
				tags = append(slices.Clone(tags), a.AddTags...)
				ch.Tags = &tags
			}
			if ch != (Change{}) {
				var err error
				if r, err = k.update(ctx, tx, r, ch); err != nil {
					return err
				}
			}
			if inc != nil {
				if r.Status == StatusClosed {
					return ErrClosed
				}
				if err := k.setIncident(ctx, tx, r, inc); err != nil {
					return err
				}
			}
			if a.MergeInto > 0 && r.Number != a.MergeInto {
				r, err := k.get(ctx, tx, r.Number)
				if err != nil {
					return err
				}
				if _, err := k.merge(ctx, tx, v, r, a.MergeInto); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	return len(numbers), nil
}

// each runs fn inside tx on every request numbered numbers that v may see, in the order given.
// A request that fails for a reason of its own (not found for v, closed, a status it cannot
// take, already merged…) is recorded and the others still run, so that the *BulkError names
// every one; a validation error or any other failure (the database) stops at once.
func (k *Desk) each(ctx context.Context, tx *sql.Tx, v Viewer, numbers []int64, fn func(r Request) error) error {
	if len(numbers) == 0 {
		return valid.Errors{{Field: "numbers", Code: "required"}}
	}
	var failures []Failure
	for _, n := range uniqueNumbers(numbers) {
		r, err := k.get(ctx, tx, n)
		if err == nil && !v.CanSee(r) {
			err = ErrNotFound
		}
		if err == nil {
			err = fn(r)
		}
		switch {
		case err == nil:
		case isRequestFailure(err):
			failures = append(failures, Failure{Number: n, Err: err})
		default:
			return err
		}
	}
	if len(failures) > 0 {
		return &BulkError{Failures: failures}
	}
	return nil
}

// isRequestFailure reports whether err is about one request's state rather than the input or
// the database.
func isRequestFailure(err error) bool {
	for _, e := range []error{ErrNotFound, ErrClosed, ErrInvalidTransition, ErrAlreadyMerged, ErrMergeConfidential} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// uniqueNumbers keeps the first of each number, in order, and drops those that cannot be one.
func uniqueNumbers(numbers []int64) []int64 {
	var out []int64
	for _, n := range numbers {
		if n > 0 && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
