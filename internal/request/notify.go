package request

import (
	"context"
	"database/sql"
)

func (k *Desk) notifyCreated(ctx context.Context, tx *sql.Tx, r Request) error { return nil }

func (k *Desk) notifyChanged(ctx context.Context, tx *sql.Tx, before, after Request) error {
	return nil
}

func (k *Desk) notifyMessage(ctx context.Context, tx *sql.Tx, r Request, m Message, byRequester bool) error {
	return nil
}

// notifySLA tells the assignee that r is at risk of breaching its SLA, or has breached it
// (state "at_risk" or "breached").
func (k *Desk) notifySLA(ctx context.Context, tx *sql.Tx, r Request, state string) error { return nil }
