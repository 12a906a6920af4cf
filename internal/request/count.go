package request

import (
	"context"
	"fmt"
)

// Count returns how many requests v may see match f, over every page: the live number beside
// a saved view of the queue. It reads the same visibility and filters as List, in one
// COUNT(*) instead of the rows; f.Cursor and f.Limit are ignored.
func (k *Desk) Count(ctx context.Context, v Viewer, f Filter) (int, error) {
	conf := -1
	if f.Confidential != nil {
		conf = 0
		if *f.Confidential {
			conf = 1
		}
	}
	var n int
	err := k.db.R.QueryRowContext(ctx, k.q.Get("count"), v.Role == "admin", v.PersonID, v.IsAgent(), v.UserID,
		f.Status, f.CategoryID, string(f.Priority), f.AssigneeID, conf, string(f.Channel), f.RequesterID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("request: count: %w", err)
	}
	return n, nil
}
