package request

import (
	"context"
	"database/sql"
)

// NotifySLAForTest lets the notification tests raise an SLA alert without waiting for one.
func (k *Desk) NotifySLAForTest(ctx context.Context, tx *sql.Tx, r Request, state string) error {
	return k.notifySLA(ctx, tx, r, state)
}
