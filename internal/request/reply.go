package request

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"majordome/internal/audit"
	"majordome/internal/valid"
)

// Reply adds a message to request number from v: a public reply (the requester sees it) or,
// for agents, an internal note. A requester's reply reopens a request that was waiting on them
// or resolved; an agent's first public reply is the first response the SLA measures. A closed
// request takes no more replies.
func (k *Desk) Reply(ctx context.Context, v Viewer, number int64, body string, internal bool, channel Channel) (Message, error) {
	var m Message
	body = strings.TrimSpace(body)
	var errs valid.Errors
	if errs.Required("body", body) {
		errs.MaxLen("body", body, maxBody)
	}
	if err := errs.Err(); err != nil {
		return m, err
	}
	if internal && !v.IsAgent() {
		return m, ErrForbidden
	}
	if channel == "" {
		channel = Web
	}
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := k.get(ctx, tx, number)
		if err != nil {
			return err
		}
		if !v.CanSee(r) {
			return ErrNotFound
		}
		m, err = k.reply(ctx, tx, v, r, body, internal, channel)
		return err
	})
	return m, err
}

// reply adds a checked message (body trimmed, not empty, within limits) from v to r inside tx:
// the status it moves to, the first response, the search index, the hooks and the audit entry.
// It does not check that v may see r: Reply does, and an incident's replies reach every linked
// request whoever sees them.
func (k *Desk) reply(ctx context.Context, tx *sql.Tx, v Viewer, r Request, body string, internal bool, channel Channel) (Message, error) {
	return k.post(ctx, tx, v, r, body, internal, channel, true)
}

// post is reply, where answer says whether the message answers the requester. A message the
// desk writes about the request rather than to its need (the note naming a merged duplicate)
// is not an answer: it neither takes a new request to "open" nor counts as its first response,
// which would flatter the reports' times and SLA.
func (k *Desk) post(ctx context.Context, tx *sql.Tx, v Viewer, r Request, body string, internal bool, channel Channel, answer bool) (Message, error) {
	var m Message
	if r.Status == StatusClosed {
		return m, ErrClosed
	}
	if channel == "" {
		channel = Web
	}
	now := k.now()
	var personID, userID *int64
	if v.PersonID != 0 {
		personID = &v.PersonID
	}
	if v.UserID != 0 {
		userID = &v.UserID
	}
	if err := tx.QueryRowContext(ctx, k.q.Get("message-insert"), r.ID, personID, userID, v.Name, body, internal,
		channel, now).Scan(&m.ID); err != nil {
		return m, fmt.Errorf("request: reply #%d: %w", r.Number, err)
	}
	m = Message{ID: m.ID, AuthorName: v.Name, Body: body, Internal: internal, Channel: channel, CreatedAt: now}
	if v.PersonID != 0 {
		m.AuthorPersonID = v.PersonID
	}
	m.AuthorUserID = v.UserID
	next := r
	isRequester := v.PersonID != 0 && v.PersonID == r.RequesterID
	switch {
	case isRequester && (r.Status == StatusWaitingRequester || r.Status == StatusResolved):
		next.Status = StatusOpen
	case answer && !isRequester && !internal && r.Status == StatusNew:
		next.Status = StatusOpen
	}
	if answer && !isRequester && !internal && r.FirstResponseAt == nil {
		if _, err := tx.ExecContext(ctx, k.q.Get("first-response"), r.ID, now); err != nil {
			return m, err
		}
	}
	if err := k.write(ctx, tx, r, next); err != nil {
		return m, err
	}
	if _, err := tx.ExecContext(ctx, k.q.Get("touch"), r.ID, now); err != nil {
		return m, err
	}
	if !internal { // a note is not searchable, and write does not index
		if err := k.index(ctx, tx, r.Number); err != nil {
			return m, err
		}
	}
	if err := k.afterMessage(ctx, tx, r, m, isRequester); err != nil {
		return m, err
	}
	action := "request.reply"
	if internal {
		action = "request.note"
	}
	return m, k.audit.Record(ctx, tx, audit.Change{Action: action, EntityType: "request", EntityID: r.ID,
		EntityName: r.Ref(), After: map[string]any{"message_id": m.ID}})
}

// Rate records the requester's verdict on a resolved request: 1 (👍) or -1 (👎), with a comment.
func (k *Desk) Rate(ctx context.Context, v Viewer, number int64, score int, comment string) error {
	if score != 1 && score != -1 {
		return valid.Errors{{Field: "score", Code: "score_invalid"}}
	}
	comment = strings.TrimSpace(comment)
	if len([]rune(comment)) > 2000 {
		return valid.Errors{{Field: "comment", Code: "too_long", Params: map[string]string{"max": "2000"}}}
	}
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := k.get(ctx, tx, number)
		if err != nil {
			return err
		}
		if err := v.mustBeRequester(r); err != nil {
			return err
		}
		if !r.Status.IsDone() {
			return fmt.Errorf("%w: rate a request once it is resolved", ErrInvalidTransition)
		}
		if _, err := tx.ExecContext(ctx, k.q.Get("rate"), r.ID, score, comment, k.now()); err != nil {
			return fmt.Errorf("request: rate #%d: %w", number, err)
		}
		if err := k.event(ctx, tx, r.ID, audit.ActorFrom(ctx), "rating", "", fmt.Sprint(score)); err != nil {
			return err
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "request.rate", EntityType: "request", EntityID: r.ID,
			EntityName: r.Ref(), After: map[string]any{"score": score, "comment": comment}})
	})
}
