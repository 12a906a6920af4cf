package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Inbox is one page of an account's notifications, newest first.
type Inbox struct {
	Items      []Notification
	NextCursor int64 // pass as ListOptions.Before for the next page; 0 at the end
}

// RequestNumbers lists the requests the page's notifications are about, a focus batch's items
// included (with 0 for those about no request), for the caller to check which its reader may see.
func (in Inbox) RequestNumbers() []int64 {
	var numbers []int64
	for _, n := range in.Items {
		numbers = append(numbers, n.RequestNumber)
		for _, it := range n.Items {
			numbers = append(numbers, it.RequestNumber)
		}
	}
	return numbers
}

// ListOptions page through the inbox.
type ListOptions struct {
	Limit  int   // default 50, at most 200
	Before int64 // a cursor from Inbox.NextCursor; 0 for the newest
}

// List returns the delivered notifications of account userID, newest first. A batch comes with
// the notifications it released in Items; held notifications are not listed until released.
func (s *Service) List(ctx context.Context, userID int64, o ListOptions) (Inbox, error) {
	if o.Limit <= 0 {
		o.Limit = 50
	}
	o.Limit = min(o.Limit, 200)
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("list"), userID, o.Before, o.Limit+1)
	if err != nil {
		return Inbox{}, fmt.Errorf("notify: list: %w", err)
	}
	var out Inbox
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			rows.Close()
			return Inbox{}, fmt.Errorf("notify: list: %w", err)
		}
		out.Items = append(out.Items, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Inbox{}, fmt.Errorf("notify: list: %w", err)
	}
	if len(out.Items) > o.Limit {
		out.Items = out.Items[:o.Limit]
		out.NextCursor = out.Items[o.Limit-1].ID
	}
	return out, s.fillBatches(ctx, userID, out.Items)
}

// fillBatches loads, in one query, the notifications released by the batches among items.
func (s *Service) fillBatches(ctx context.Context, userID int64, items []Notification) error {
	lo, hi := int64(0), int64(0)
	for _, n := range items {
		if n.Kind != KindFocusBatch {
			continue
		}
		if lo == 0 || n.ID < lo {
			lo = n.ID
		}
		hi = max(hi, n.ID)
	}
	if lo == 0 {
		return nil
	}
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("batch-items"), userID, lo, hi)
	if err != nil {
		return fmt.Errorf("notify: batch items: %w", err)
	}
	defer rows.Close()
	byBatch := map[int64][]Notification{}
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return fmt.Errorf("notify: batch items: %w", err)
		}
		byBatch[n.BatchID] = append(byBatch[n.BatchID], n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("notify: batch items: %w", err)
	}
	for i := range items {
		items[i].Items = byBatch[items[i].ID]
	}
	return nil
}

// Unread counts the unread notifications of account userID in its inbox (a batch counts once).
func (s *Service) Unread(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("unread"), userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("notify: unread: %w", err)
	}
	return n, nil
}

// Held counts the notifications of account userID waiting for the end of its focus.
func (s *Service) Held(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("held"), userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("notify: held: %w", err)
	}
	return n, nil
}

// MarkRead marks notification id of account userID as read (a batch with everything it
// released; the last unread item of a batch, the batch too) and returns its link, for the page
// that opens it. Another account's notification is ErrNotFound.
func (s *Service) MarkRead(ctx context.Context, userID, id int64) (string, error) {
	var link string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q.Get("link"), id, userID).Scan(&link)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, s.q.Get("mark-read"), userID, id, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q.Get("mark-batch-read"), userID, id, now)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		err = fmt.Errorf("notify: mark %d read: %w", id, err)
	}
	return link, err
}

// MarkAllRead marks every delivered notification of account userID as read.
func (s *Service) MarkAllRead(ctx context.Context, userID int64) error {
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("mark-all-read"), userID, s.now()); err != nil {
		return fmt.Errorf("notify: mark all read: %w", err)
	}
	return nil
}
