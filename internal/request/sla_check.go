package request

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/jobs"
)

// SLACheckKind is the job that notices requests becoming at risk or breached, every minute.
const SLACheckKind = "sla.check"

// slaCheckBatch is how many requests one statement of the checks reads; slaCheckBatches bounds
// one run, the next run a minute later goes on.
const (
	slaCheckBatch   = 100
	slaCheckBatches = 50
)

// RegisterSLAChecks makes q run the SLA checks every minute, once across instances.
func (k *Desk) RegisterSLAChecks(q *jobs.Queue) {
	q.RegisterEvery(SLACheckKind, time.Minute, k.now, func(ctx context.Context, _ []byte) error {
		_, err := k.CheckSLAs(ctx)
		return err
	})
}

// StartSLAChecks schedules the next run of the checks, at start-up on every instance: a no-op
// while the run of that minute waits.
func (k *Desk) StartSLAChecks(ctx context.Context, q *jobs.Queue) error {
	return q.ScheduleEvery(ctx, SLACheckKind, time.Minute, k.now())
}

// CheckSLAs looks at every request whose SLA state may have changed by now: each one newly at
// risk or breached gets an "sla" event in its timeline and its assignee is notified, once per
// change of state even when several checks run at once. It returns how many it notified.
func (k *Desk) CheckSLAs(ctx context.Context) (int, error) {
	now := k.now()
	notified := 0
	for range slaCheckBatches {
		numbers, err := k.slaDue(ctx, now)
		if err != nil {
			return notified, err
		}
		for _, n := range numbers {
			ok, err := k.checkSLA(ctx, n, now)
			if err != nil {
				return notified, err
			}
			if ok {
				notified++
			}
		}
		if len(numbers) < slaCheckBatch {
			break
		}
	}
	return notified, nil
}

func (k *Desk) slaDue(ctx context.Context, now time.Time) ([]int64, error) {
	out, err := db.Column[int64](ctx, k.db.W, k.q.Get("sla-due"), now, slaCheckBatch)
	if err != nil {
		return nil, fmt.Errorf("request: sla due: %w", err)
	}
	return out, nil
}

// checkSLA brings one request's notified state up to date, and reports whether it notified.
func (k *Desk) checkSLA(ctx context.Context, number int64, now time.Time) (bool, error) {
	sent := false
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := k.get(ctx, tx, number)
		if err != nil {
			return err
		}
		s, notified, err := k.slaOf(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		state := s.State(now)
		lvl, had := state.level(), notified.level()
		risk, breach := s.thresholds() // brought up to date too: a first response may have come since
		if lvl <= had {
			// Nothing new: lower what was notified to where the request stands, and wait for the
			// next threshold.
			_, err := tx.ExecContext(ctx, k.q.Get("sla-mark"), r.ID, notified, levelState(lvl), s.nextCheck(lvl), risk, breach)
			return err
		}
		res, err := tx.ExecContext(ctx, k.q.Get("sla-mark"), r.ID, notified, state, s.nextCheck(lvl), risk, breach)
		if err != nil {
			return fmt.Errorf("request: sla mark %s: %w", r.Ref(), err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // another check recorded it first
		}
		if err := k.event(ctx, tx, r.ID, audit.Actor{Kind: "system"}, "sla", string(notified), string(state)); err != nil {
			return err
		}
		if err := k.notifySLA(ctx, tx, r, string(state)); err != nil {
			return err
		}
		sent = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("request: check sla #%d: %w", number, err)
	}
	return sent, nil
}
