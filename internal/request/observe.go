package request

import (
	"context"
	"database/sql"
)

// The conversation channels (Slack, email) follow the desk through observers: each is called
// inside the transaction of every change, after the desk's own hooks, so that the work it
// queues there (a job to post in a Slack thread, an email to send) exists exactly when the change
// does. An observer must not reach the network: it writes in tx (usually by enqueueing a job)
// and lets the job queue do the rest. An error rolls the whole change back.

// DeskEventKind says what happened to a request.
type DeskEventKind string

// The kinds of desk events.
const (
	DeskCreated DeskEventKind = "created" // a new request
	DeskChanged DeskEventKind = "changed" // its properties changed (status, assignee, priority…)
	DeskMessage DeskEventKind = "message" // a reply or an internal note was added
)

// DeskEvent is one change of a request, as observers see it.
type DeskEvent struct {
	Kind        DeskEventKind
	Request     Request // the request after the change
	Before      Request // DeskChanged: the request before it
	Message     Message // DeskMessage: the message added (check Message.Internal)
	ByRequester bool    // DeskMessage: the requester wrote it
}

// Observer is called inside the transaction of each change of the desk.
type Observer func(ctx context.Context, tx *sql.Tx, e DeskEvent) error

// Observe adds o to the desk's observers. Call it while wiring, before serving.
func (k *Desk) Observe(o Observer) {
	k.observers = append(k.observers, o)
}

// observe calls every observer with e, stopping at the first error.
func (k *Desk) observe(ctx context.Context, tx *sql.Tx, e DeskEvent) error {
	for _, o := range k.observers {
		if err := o(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}
