package jobs

import (
	"context"
	"fmt"
	"time"
)

// RegisterEvery makes kind a periodic job: h runs once per slot of length every (aligned on
// the clock: every minute, every five minutes…), however many instances run the queue. Each
// run first schedules the next one, at the next slot and under a unique key naming that slot,
// so that the instances' schedulings of one slot are a single job. now is the clock the slots
// are read from (the caller's, so that tests with a fake clock see their slots). Call
// ScheduleEvery at start-up to begin the chain.
func (q *Queue) RegisterEvery(kind string, every time.Duration, now func() time.Time, h Handler) {
	q.Register(kind, func(ctx context.Context, payload []byte) error {
		if err := q.ScheduleEvery(ctx, kind, every, now()); err != nil {
			return err
		}
		return h(ctx, payload)
	})
}

// ScheduleEvery enqueues the run of periodic kind for the slot after now: a no-op when that
// slot's run is already waiting.
func (q *Queue) ScheduleEvery(ctx context.Context, kind string, every time.Duration, now time.Time) error {
	slot := now.Truncate(every).Add(every).UTC()
	key := kind + ":" + slot.Format(time.RFC3339)
	if _, err := q.Enqueue(ctx, kind, nil, Key(key), At(slot)); err != nil {
		return fmt.Errorf("jobs: schedule %s: %w", kind, err)
	}
	return nil
}
