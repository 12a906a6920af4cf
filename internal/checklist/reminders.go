package checklist

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/jobs"
	"majordome/internal/notify"
)

// The job kinds of the package.
const (
	JobRecurring = "checklist.recurring"
	JobReminders = "checklist.reminders"
)

// jobEvery is how often both jobs run: they are matters of days, an hour late is nothing.
const jobEvery = time.Hour

// remindFrom is the hour (Paris) from which the day's reminders go out, so that nobody is
// told about a task at a quarter past midnight.
const remindFrom = 8

// The notification kinds of the reminders.
const (
	KindTaskDue         = "checklist.task_due"          // due today
	KindTaskDueTomorrow = "checklist.task_due_tomorrow" // due tomorrow
)

const reminderBatch = 200

// RegisterJobs makes q run the recurring generation and the reminders every hour, once
// across instances. Call it once on every instance that runs the queue.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	q.RegisterEvery(JobRecurring, jobEvery, s.now, func(ctx context.Context, _ []byte) error {
		_, err := s.GenerateRecurring(ctx)
		return err
	})
	q.RegisterEvery(JobReminders, jobEvery, s.now, func(ctx context.Context, _ []byte) error {
		_, err := s.RunReminders(ctx)
		return err
	})
}

// StartJobs schedules the next run of both jobs, at start-up on every instance: a no-op while
// that slot's run waits.
func (s *Service) StartJobs(ctx context.Context, q *jobs.Queue) error {
	for _, kind := range []string{JobRecurring, JobReminders} {
		if err := q.ScheduleEvery(ctx, kind, jobEvery, s.now()); err != nil {
			return err
		}
	}
	return nil
}

// RunReminders tells the owners of the open tasks due tomorrow or today, once per task and
// day (from 8:00 in Paris), and returns how many tasks it reminded. A team's task is told to
// every member with an account. The once-a-day guard is a compare-and-set on reminded_on, in
// the transaction of the notifications, so two instances never remind a task twice a day.
func (s *Service) RunReminders(ctx context.Context) (int, error) {
	now := s.now().In(s.paris)
	if now.Hour() < remindFrom {
		return 0, nil
	}
	today := s.today()
	tomorrow := addDays(today, 1)
	done := 0
	for {
		ids, err := db.Column[int64](ctx, s.db.R, s.q.Get("reminders-due"), today.String(), tomorrow.String(), reminderBatch)
		if err != nil {
			return done, fmt.Errorf("checklist: reminders: %w", err)
		}
		for _, id := range ids {
			ok, err := s.remind(ctx, id, today)
			if err != nil {
				return done, err
			}
			if ok {
				done++
			}
		}
		if len(ids) < reminderBatch {
			return done, nil
		}
	}
}

// remind reminds task id on day today, unless it was already (by another instance).
func (s *Service) remind(ctx context.Context, id int64, today civil.Date) (bool, error) {
	k, err := s.Task(ctx, id)
	if err != nil {
		return false, err
	}
	run, err := s.runTitle(ctx, k.RunID)
	if err != nil {
		return false, err
	}
	reminded := false
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("task-remind"), id, today.String())
		if err != nil {
			return fmt.Errorf("checklist: remind %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		reminded = true
		if s.notify == nil {
			return nil
		}
		kind := KindTaskDueTomorrow
		if k.Due.String() == today.String() {
			kind = KindTaskDue
		}
		to, err := s.recipients(ctx, tx, k)
		if err != nil {
			return err
		}
		for _, user := range to {
			if _, err := s.notify.Send(ctx, tx, notify.Notification{UserID: user, Kind: kind, Link: "/tasks",
				Params: map[string]string{"title": k.Title, "run": run, "due": k.Due.French()}}); err != nil {
				return err
			}
		}
		return nil
	})
	return reminded, err
}

// recipients are the accounts told about task k: its owner, or its team's members.
func (s *Service) recipients(ctx context.Context, tx *sql.Tx, k RunTask) ([]int64, error) {
	if k.OwnerUserID != 0 {
		return []int64{k.OwnerUserID}, nil
	}
	if k.OwnerTeamID == 0 {
		return nil, nil
	}
	out, err := db.Column[int64](ctx, tx, s.q.Get("team-accounts"), k.OwnerTeamID)
	if err != nil {
		return nil, fmt.Errorf("checklist: team accounts: %w", err)
	}
	return out, nil
}

func (s *Service) runTitle(ctx context.Context, id int64) (string, error) {
	var title string
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("run-title"), id).Scan(&title); err != nil {
		return "", fmt.Errorf("checklist: run %d: %w", id, err)
	}
	return title, nil
}
