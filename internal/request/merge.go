package request

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/valid"
)

// Merging folds a duplicate into the request it repeats. The duplicate keeps its own
// conversation (its requester still reads their history on the portal), is marked as merged
// into the target and closed. The target gets a note naming the duplicate, then a copy of the
// duplicate's description and messages, with their authors and times; its requester follows
// the target from then on (Followers), which the notifications read.
//
// Requesters do not read each other's words: when the two requests have different requesters,
// the copies are internal notes, seen by the desk only. The note naming the duplicate is a
// public reply, unless either request is confidential, when it is a note as well.

// Errors of merging.
var (
	ErrAlreadyMerged     = errors.New("request: the request is already merged")
	ErrMergeConfidential = errors.New("request: a confidential request merges only into a confidential one")
)

// Follower is a person told about a request that is not theirs: the requester of a duplicate
// merged into it.
type Follower struct {
	PersonID int64
	Name     string
	Email    string
}

// Merge merges request duplicate into request into for agent v, all or nothing, and returns
// the target as it now stands. v must see both (otherwise: ErrNotFound for the duplicate, a
// "request_unknown" error on field "into" for the target). The duplicate may not be closed
// (ErrClosed) or merged already (ErrAlreadyMerged); the target may be neither the duplicate
// itself ("merge_self") nor closed ("merge_target_closed"); a confidential duplicate merges only
// into a confidential target (ErrMergeConfidential), or its words would reach every agent.
func (k *Desk) Merge(ctx context.Context, v Viewer, duplicate, into int64) (Request, error) {
	if !v.IsAgent() {
		return Request{}, ErrForbidden
	}
	var target Request
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		dup, err := k.get(ctx, tx, duplicate)
		if err != nil {
			return err
		}
		if !v.CanSee(dup) {
			return ErrNotFound
		}
		target, err = k.merge(ctx, tx, v, dup, into)
		return err
	})
	return target, err
}

// merge merges dup (which v may see) into request number into inside tx.
func (k *Desk) merge(ctx context.Context, tx *sql.Tx, v Viewer, dup Request, into int64) (Request, error) {
	intoField := func(code string) error {
		return valid.Errors{{Field: "into", Code: code, Params: map[string]string{"value": "#" + strconv.FormatInt(into, 10)}}}
	}
	if into == dup.Number {
		return Request{}, intoField("merge_self")
	}
	target, err := k.get(ctx, tx, into)
	if errors.Is(err, ErrNotFound) || (err == nil && !v.CanSee(target)) {
		return Request{}, intoField("request_unknown")
	}
	if err != nil {
		return Request{}, err
	}
	switch {
	case dup.MergedIntoID != 0:
		return Request{}, ErrAlreadyMerged
	case dup.Status == StatusClosed:
		return Request{}, ErrClosed
	case target.Status == StatusClosed:
		return Request{}, intoField("merge_target_closed")
	case dup.Confidential && !target.Confidential:
		return Request{}, ErrMergeConfidential
	}
	now := k.now()
	a := audit.ActorFrom(ctx)
	if _, err := tx.ExecContext(ctx, k.q.Get("request-set-merged"), dup.ID, target.ID, now); err != nil {
		return Request{}, fmt.Errorf("request: merge #%d: %w", dup.Number, err)
	}
	if err := k.event(ctx, tx, dup.ID, a, "merged", "", target.Ref()); err != nil {
		return Request{}, err
	}
	if err := k.event(ctx, tx, target.ID, a, "merged_in", "", dup.Ref()); err != nil {
		return Request{}, err
	}

	// The note naming the duplicate goes the way of any reply, so the hooks hear of it, but it
	// does not answer the target's requester: no first response, no "open".
	sameRequester := dup.RequesterID == target.RequesterID
	if _, err := k.post(ctx, tx, v, target, mergeNote(dup, sameRequester), dup.Confidential || target.Confidential, Web, false); err != nil {
		return Request{}, err
	}
	if err := k.copyConversation(ctx, tx, dup, target, !sameRequester); err != nil {
		return Request{}, err
	}
	if !sameRequester {
		if err := k.follow(ctx, tx, target, dup.RequesterID, now); err != nil {
			return Request{}, err
		}
	}
	followers, err := k.followers(ctx, tx, dup.ID)
	if err != nil {
		return Request{}, err
	}
	for _, f := range followers {
		if err := k.follow(ctx, tx, target, f.PersonID, now); err != nil {
			return Request{}, err
		}
	}

	// Close the duplicate the usual way: its timeline, the audit and the hooks (which see
	// MergedIntoID set) record it.
	before, err := k.get(ctx, tx, dup.Number)
	if err != nil {
		return Request{}, err
	}
	next := before
	next.Status = StatusClosed
	if err := k.write(ctx, tx, before, next); err != nil {
		return Request{}, err
	}
	if err := k.index(ctx, tx, target.Number); err != nil {
		return Request{}, err
	}
	if err := k.audit.Record(ctx, tx, audit.Change{Action: "request.merge", EntityType: "request", EntityID: dup.ID,
		EntityName: dup.Ref(), After: map[string]any{"into": target.Ref()}}); err != nil {
		return Request{}, err
	}
	return k.get(ctx, tx, target.Number)
}

// mergeNote is the message that tells, in the target, which request was merged into it. Like
// every message it is stored as written, in French, the desk's language. The title is given
// only when both requests are the same person's: it is theirs to read.
func mergeNote(dup Request, sameRequester bool) string {
	if sameRequester {
		return fmt.Sprintf("Fusionnée depuis %s « %s » : la suite se passe ici.", dup.Ref(), dup.Title)
	}
	return fmt.Sprintf("Fusionnée depuis %s, une autre demande sur le même sujet : la personne qui l'a faite suivra aussi celle-ci.", dup.Ref())
}

// copyConversation copies dup's description and messages into target, with their authors and
// times; as internal notes when asNotes (the requesters differ).
func (k *Desk) copyConversation(ctx context.Context, tx *sql.Tx, dup, target Request, asNotes bool) error {
	type msg struct {
		person, user sql.NullInt64
		name, body   string
		internal     bool
		channel      Channel
		at           time.Time
	}
	var msgs []msg
	if dup.Description != "" {
		msgs = append(msgs, msg{person: sql.NullInt64{Int64: dup.RequesterID, Valid: true}, name: dup.RequesterName,
			body: dup.Description, channel: dup.Channel, at: dup.CreatedAt})
	}
	rows, err := tx.QueryContext(ctx, k.q.Get("message-copy-source"), dup.ID)
	if err != nil {
		return fmt.Errorf("request: merge messages: %w", err)
	}
	for rows.Next() {
		var m msg
		if err := rows.Scan(&m.person, &m.user, &m.name, &m.body, &m.internal, &m.channel, &m.at); err != nil {
			rows.Close()
			return fmt.Errorf("request: merge messages: %w", err)
		}
		msgs = append(msgs, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range msgs {
		var person, user *int64
		if m.person.Valid {
			person = &m.person.Int64
		}
		if m.user.Valid {
			user = &m.user.Int64
		}
		var id int64
		if err := tx.QueryRowContext(ctx, k.q.Get("message-insert"), target.ID, person, user, m.name, m.body,
			m.internal || asNotes, m.channel, m.at).Scan(&id); err != nil {
			return fmt.Errorf("request: merge messages: %w", err)
		}
	}
	return nil
}

// follow makes person follow r, unless they asked it.
func (k *Desk) follow(ctx context.Context, tx *sql.Tx, r Request, person int64, at time.Time) error {
	if person == 0 || person == r.RequesterID {
		return nil
	}
	if _, err := tx.ExecContext(ctx, k.q.Get("follower-insert"), r.ID, person, at); err != nil {
		return fmt.Errorf("request: follow #%d: %w", r.Number, err)
	}
	return nil
}

func (k *Desk) followers(ctx context.Context, q queryer, requestID int64) ([]Follower, error) {
	rows, err := q.QueryContext(ctx, k.q.Get("followers"), requestID)
	if err != nil {
		return nil, fmt.Errorf("request: followers: %w", err)
	}
	defer rows.Close()
	var out []Follower
	for rows.Next() {
		var f Follower
		if err := rows.Scan(&f.PersonID, &f.Name, &f.Email); err != nil {
			return nil, fmt.Errorf("request: followers: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Followers returns the people who follow r besides its requester (the requesters of the
// duplicates merged into it). It checks nothing: the caller has r, so may see it. Inside a
// transaction (the hooks), the package reads them with k.followers(ctx, tx, r.ID).
func (k *Desk) Followers(ctx context.Context, r Request) ([]Follower, error) {
	return k.followers(ctx, k.db.R, r.ID)
}

// Links is what a request is tied to, as its page shows it: the incident it is linked to, the
// request it was merged into, the requests merged into it (those v may see) and its followers.
type Links struct {
	Incident   *Incident
	MergedInto int64 // the target's number, 0 when not merged
	MergedFrom []int64
	Followers  []Follower
	OpenToLink []Incident // the open incidents it could be linked to
}

// Links returns what r (which v may see) is tied to.
func (k *Desk) Links(ctx context.Context, v Viewer, r Request) (Links, error) {
	var l Links
	if !v.CanSee(r) || !v.IsAgent() {
		return l, ErrNotFound
	}
	q := k.db.R
	if r.IncidentID != 0 {
		inc, err := k.incident(ctx, q, r.IncidentID)
		if err != nil && !errors.Is(err, ErrIncidentNotFound) {
			return l, err
		}
		if err == nil {
			l.Incident = &inc
		}
	}
	if r.MergedIntoID != 0 {
		if err := q.QueryRowContext(ctx, k.q.Get("request-number-by-id"), r.MergedIntoID).Scan(&l.MergedInto); err != nil && !isNoRows(err) {
			return l, fmt.Errorf("request: merged into: %w", err)
		}
	}
	ids, err := db.Column[int64](ctx, q, k.q.Get("merged-from-ids"), r.ID)
	if err != nil {
		return l, fmt.Errorf("request: merged from: %w", err)
	}
	from, err := k.byIDs(ctx, q, ids)
	if err != nil {
		return l, err
	}
	for _, d := range from {
		if v.CanSee(d) {
			l.MergedFrom = append(l.MergedFrom, d.Number)
		}
	}
	if l.Followers, err = k.followers(ctx, q, r.ID); err != nil {
		return l, err
	}
	open, err := k.Incidents(ctx, v, IncidentFilter{Status: IncidentOpen, Limit: 200})
	if err != nil {
		return l, err
	}
	l.OpenToLink = open.Items
	return l, nil
}
