package request

import (
	"context"
	"fmt"
	"time"
)

// FollowedItem is one line of the requests a person follows, as their portal lists them beside
// their own. Like Followed, it names neither the request's title nor its requester: those are
// another requester's words.
type FollowedItem struct {
	Number       int64
	Status       Status
	Confidential bool
	UpdatedAt    time.Time
	Yours        int64 // the smallest number of the person's own requests merged into it; 0 when they follow it through a chain of merges
}

// ListFollowed returns, the latest updated first and at most limit, the requests v follows
// because theirs was merged into them (follow.go). A request merged in turn into another is
// left out: v follows the other one too, and that is where the story goes on.
func (k *Desk) ListFollowed(ctx context.Context, v Viewer, limit int) ([]FollowedItem, error) {
	if v.PersonID == 0 {
		return nil, nil
	}
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("followed-by-person"), v.PersonID, limit)
	if err != nil {
		return nil, fmt.Errorf("request: followed: %w", err)
	}
	defer rows.Close()
	var out []FollowedItem
	for rows.Next() {
		var f FollowedItem
		if err := rows.Scan(&f.Number, &f.Status, &f.Confidential, &f.UpdatedAt, &f.Yours); err != nil {
			return nil, fmt.Errorf("request: followed: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("request: followed: %w", err)
	}
	return out, nil
}
