package request

import (
	"context"
	"fmt"
)

// Count returns how many requests v may see match f, over every page: the live number beside
// a saved view of the queue. It reads the same visibility and filters as List, in one
// COUNT(*) instead of the rows; f.Sort, f.Cursor and f.Limit are ignored.
func (k *Desk) Count(ctx context.Context, v Viewer, f Filter) (int, error) {
	where, args := f.where(v, k.now())
	var n int
	err := k.db.R.QueryRowContext(ctx, k.q.Extend("count", "WHERE "+where), args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("request: count: %w", err)
	}
	return n, nil
}
