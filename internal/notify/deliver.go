package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// deliverPayload is the job that sends notification ID through Channel.
type deliverPayload struct {
	ID      int64  `json:"id"`
	Channel string `json:"channel"`
}

// deliverJob sends one notification through one channel, in its recipient's language. A
// delivery already recorded is not sent again; a failure is retried by the queue.
func (s *Service) deliverJob(ctx context.Context, payload []byte) error {
	var p deliverPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("notify: delivery payload: %w", err)
	}
	ch, ok := s.channel(p.Channel)
	if !ok {
		return fmt.Errorf("notify: channel %q is not set up on this instance", p.Channel)
	}
	var done int
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("delivered"), p.ID, p.Channel).Scan(&done); err != nil {
		return fmt.Errorf("notify: delivery of %d: %w", p.ID, err)
	}
	if done > 0 {
		return nil
	}
	n, err := s.get(ctx, p.ID)
	if errors.Is(err, ErrNotFound) {
		return nil // deleted with its account: nobody to tell
	}
	if err != nil {
		return err
	}
	if ok, err := s.wants(ctx, n, p.Channel); err != nil || !ok {
		return err // not on this channel by the recipient's preferences (prefs.go)
	}
	d := Delivery{Notification: n}
	d.Title, d.Body = Text(s.cat, n.To.Lang, n)
	if err := ch.Deliver(ctx, d); err != nil {
		return fmt.Errorf("notify: deliver %d by %s: %w", p.ID, p.Channel, err)
	}
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("delivery-insert"), p.ID, p.Channel, s.now()); err != nil {
		return fmt.Errorf("notify: record delivery of %d by %s: %w", p.ID, p.Channel, err)
	}
	return nil
}

// get reads notification id with its recipient.
func (s *Service) get(ctx context.Context, id int64) (Notification, error) {
	var to Recipient
	n, err := scanNotification(s.db.R.QueryRowContext(ctx, s.q.Get("get"), id), &to.Name, &to.Email, &to.Lang)
	if errors.Is(err, sql.ErrNoRows) {
		return n, ErrNotFound
	}
	if err != nil {
		return n, fmt.Errorf("notify: get %d: %w", id, err)
	}
	n.To = to
	return n, nil
}
