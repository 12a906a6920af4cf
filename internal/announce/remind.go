package announce

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"majordome/internal/audit"
	"majordome/internal/jobs"
)

// Remind reminds, through each channel that reached them (Deliverer.Remind), the recipients who
// have not acknowledged, and returns how many they are. The reminders go out from a job at the
// deliverers' pace; each recipient is reminded once per call (a new round). The portal's banner
// stays until they acknowledge, so it needs no reminder.
func (s *Service) Remind(ctx context.Context, id int64) (int, error) {
	a, err := s.load(ctx, s.db.R, id)
	if err != nil {
		return 0, err
	}
	if a.Status != StatusSending && a.Status != StatusSent {
		return 0, ErrNotSent
	}
	var n int
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.newRound(ctx, tx, id, "remind-round")
		if err != nil || n == 0 {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "announcement.remind", EntityType: "announcement",
			EntityID: id, EntityName: a.Title, After: map[string]int{"reminded": n}})
	})
	return n, err
}

// newRound opens a reminder round with query (remind-round or auto-remind-claim) and enqueues
// its job, inside tx; it returns how many recipients it reminds, 0 when the round did not open.
func (s *Service) newRound(ctx context.Context, tx *sql.Tx, id int64, query string) (int, error) {
	res, err := tx.ExecContext(ctx, s.q.Get(query), id, s.now())
	if err != nil {
		return 0, fmt.Errorf("announce: reminder of %d: %w", id, err)
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return 0, nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, s.q.Get("remind-count"), id).Scan(&n); err != nil {
		return 0, fmt.Errorf("announce: reminder of %d: %w", id, err)
	}
	if n == 0 {
		return 0, nil
	}
	if _, err := s.jobs.EnqueueTx(ctx, tx, kindRemind, idPayload{ID: id},
		jobs.Key(fmt.Sprintf("%s:%d", kindRemind, id))); err != nil {
		return 0, fmt.Errorf("announce: enqueue reminder of %d: %w", id, err)
	}
	return n, nil
}

// remindJob reminds the recipients of the current round who have not acknowledged yet, channel
// by channel at the deliverers' pace, recording each as reminded. A reminder is a courtesy: a
// failed one is logged, not retried.
func (s *Service) remindJob(ctx context.Context, id int64) error {
	a, err := s.withData(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	key := fmt.Sprintf("%s:%d", kindRemind, id)
	until := s.now().Add(s.slice)
	for {
		list, err := s.recipients(ctx, s.db.R, "remind-due", id, a.remindRound, 100)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		for _, r := range list {
			for _, c := range []string{ChannelSlack, ChannelEmail} {
				d, pace := s.deliverer(c)
				if d == nil || r.Channels[c] != "sent" {
					continue
				}
				if err := s.wait(ctx, pace); err != nil {
					return err
				}
				err := d.Remind(ctx, a.Announcement, r.Recipient)
				var later *jobs.RetryAfterError
				switch {
				case errors.As(err, &later):
					return s.continueAt(ctx, kindRemind, idPayload{ID: id}, key, s.now().Add(later.Delay))
				case ctx.Err() != nil:
					return ctx.Err()
				case err != nil:
					s.log.Info("announce: reminder failed", "announcement", id, "person", r.PersonID, "channel", c, "err", err)
				}
			}
			if _, err := s.db.W.ExecContext(ctx, s.q.Get("remind-done"), r.id, a.remindRound, s.now()); err != nil {
				return fmt.Errorf("announce: record reminder of %d to %d: %w", id, r.PersonID, err)
			}
			if s.now().After(until) {
				return s.continueAt(ctx, kindRemind, idPayload{ID: id}, key, s.now())
			}
		}
	}
}

// autoRemindAt is when the automatic reminder goes for an announcement sent at start and to be
// acknowledged by ackBy: a day before, or half-way when that leaves less than a day after start.
func autoRemindAt(start, ackBy time.Time) time.Time {
	if ackBy.Sub(start) >= 48*time.Hour {
		return ackBy.Add(-24 * time.Hour)
	}
	return start.Add(ackBy.Sub(start) / 2)
}

// autoRemind is the automatic reminder before AckBy: once per announcement, whatever the number
// of instances or runs (the claim of auto_reminded_at is the guard).
func (s *Service) autoRemind(ctx context.Context, id int64) error {
	a, err := s.load(ctx, s.db.R, id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !a.AckRequired || a.AckBy == nil || a.autoRemindedAt != nil || (a.Status != StatusSending && a.Status != StatusSent) {
		return nil
	}
	start := a.UpdatedAt
	if a.SentAt != nil {
		start = *a.SentAt
	}
	if at := autoRemindAt(start, *a.AckBy); s.now().Before(at) {
		return s.continueAt(ctx, kindAutoRemind, idPayload{ID: id}, fmt.Sprintf("%s:%d", kindAutoRemind, id), at)
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		n, err := s.newRound(ctx, tx, id, "auto-remind-claim")
		if err != nil || n == 0 {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "announcement.autoremind", EntityType: "announcement",
			EntityID: id, EntityName: a.Title, After: map[string]int{"reminded": n}})
	})
}
