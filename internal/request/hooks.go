package request

import (
	"context"
	"database/sql"
)

// The desk's features (routing, SLA, notifications…) each keep their code in a file of their
// own and are called from these few points, inside the transaction of the change, so that a
// failure anywhere writes nothing.

// beforeCreate lets the routing rules adjust a request before it is checked and stored.
func (k *Desk) beforeCreate(ctx context.Context, tx *sql.Tx, in *NewRequest, requesterID int64) error {
	return k.route(ctx, tx, in, requesterID)
}

// afterCreate runs once a new request is stored.
func (k *Desk) afterCreate(ctx context.Context, tx *sql.Tx, r Request) error {
	if err := k.slaCreated(ctx, tx, r); err != nil {
		return err
	}
	if err := k.notifyCreated(ctx, tx, r); err != nil {
		return err
	}
	return k.observe(ctx, tx, DeskEvent{Kind: DeskCreated, Request: r})
}

// afterChange runs after any change of a request's properties, whoever made it: an agent's
// edit, a reply that reopens, an incident's resolution, a bulk action, a merge.
func (k *Desk) afterChange(ctx context.Context, tx *sql.Tx, before, after Request) error {
	if err := k.slaChanged(ctx, tx, before, after); err != nil {
		return err
	}
	if err := k.remindersChanged(ctx, tx, before, after); err != nil {
		return err
	}
	if err := k.notifyChanged(ctx, tx, before, after); err != nil {
		return err
	}
	return k.observe(ctx, tx, DeskEvent{Kind: DeskChanged, Request: after, Before: before})
}

// afterMessage runs after a reply or a note is added to r.
func (k *Desk) afterMessage(ctx context.Context, tx *sql.Tx, r Request, m Message, byRequester bool) error {
	if err := k.remindersMessage(ctx, tx, r, m, byRequester); err != nil {
		return err
	}
	if err := k.notifyMessage(ctx, tx, r, m, byRequester); err != nil {
		return err
	}
	return k.observe(ctx, tx, DeskEvent{Kind: DeskMessage, Request: r, Message: m, ByRequester: byRequester})
}
