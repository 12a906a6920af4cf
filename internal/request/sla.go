package request

import (
	"context"
	"database/sql"
)

func (k *Desk) slaCreated(ctx context.Context, tx *sql.Tx, r Request) error { return nil }

func (k *Desk) slaChanged(ctx context.Context, tx *sql.Tx, before, after Request) error { return nil }
