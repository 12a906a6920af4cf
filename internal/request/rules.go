package request

import (
	"context"
	"database/sql"
)

// route applies the routing rules to a new request.
func (k *Desk) route(ctx context.Context, tx *sql.Tx, in *NewRequest, requesterID int64) error {
	return nil
}
