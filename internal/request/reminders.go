package request

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"majordome/internal/audit"
	"majordome/internal/calendar"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
)

// The reminders. A request waiting on its requester (waiting_requester) is not left hanging:
// once it has waited ReminderDelay working days, the requester is reminded ("Nous attendons
// votre réponse sur la demande #1042") and the timeline says so; if it still waits
// AutoResolveDelay working days after the reminder, Majordome resolves it through the usual
// change path (so hooks and notifications fire), with a public message saying that a reply
// reopens it, which a requester's reply does. Working days are those of the requester's site,
// as for the SLA (sla.go): a weekend or a public holiday does not count.
//
// Each wait is counted on its own: a request that leaves waiting_requester (the requester
// answered, an agent moved it) forgets its wait and its reminder, and starts over if it comes
// back. Each step happens once even with several instances: reminded_at and reminder_check_at
// are set by compare-and-set statements (queries_reminders.sql), like sla_notified.
//
// When the job should next look at a request is stored (reminder_check_at) when the wait
// begins, and worked out again at each look from the site's hours of that moment: hours
// changed since only move the step to its new instant, at the next run after it.

// The delays, in working days of the requester's site (one working day is one daily window of
// its hours, 9 h by default, so a wait begun on Monday at 10:00 is reminded on Thursday at
// 10:00).
const (
	ReminderDelay    = 3 // waiting on the requester, before the reminder
	AutoResolveDelay = 5 // after the reminder, before the request is resolved
)

// ReminderKind is the job that sends the reminders and resolves the forgotten requests, every
// reminderEvery.
const ReminderKind = "request.reminders"

// reminderEvery is how often the reminder job runs: reminders are a matter of days, a few
// minutes late is nothing.
const reminderEvery = 5 * time.Minute

// reminderBatch is how many requests one statement of the job reads; reminderBatches bounds one
// run, the next run goes on.
const (
	reminderBatch   = 100
	reminderBatches = 20
)

// majordome is the desk itself, as the author of what it does on its own.
var majordome = audit.Actor{Kind: "system", Name: "Majordome"}

// Reminders counts what one run of the reminder job did.
type Reminders struct {
	Reminded int // requesters reminded
	Resolved int // requests resolved for want of an answer
}

// RegisterReminders makes q run the reminders every reminderEvery, once across instances,
// writing the closing message from cat.
func (k *Desk) RegisterReminders(q *jobs.Queue, cat *i18n.Catalog) {
	q.RegisterEvery(ReminderKind, reminderEvery, k.now, func(ctx context.Context, _ []byte) error {
		_, err := k.RunReminders(ctx, cat)
		return err
	})
}

// StartReminders schedules the next run of the reminders, at start-up on every instance: a
// no-op while the run of that slot waits.
func (k *Desk) StartReminders(ctx context.Context, q *jobs.Queue) error {
	return q.ScheduleEvery(ctx, ReminderKind, reminderEvery, k.now())
}

// RunReminders reminds the requesters whose requests have waited on them ReminderDelay working
// days, and resolves the requests still waiting AutoResolveDelay working days after their
// reminder, with a message from cat in the requester's language.
func (k *Desk) RunReminders(ctx context.Context, cat *i18n.Catalog) (Reminders, error) {
	ctx = audit.WithActor(ctx, majordome)
	var done Reminders
	for range reminderBatches {
		now := k.now()
		numbers, err := k.remindersDue(ctx, now)
		if err != nil {
			return done, err
		}
		for _, n := range numbers {
			if err := k.remind(ctx, cat, n, now, &done); err != nil {
				return done, err
			}
		}
		if len(numbers) < reminderBatch {
			break
		}
	}
	return done, nil
}

func (k *Desk) remindersDue(ctx context.Context, now time.Time) ([]int64, error) {
	out, err := db.Column[int64](ctx, k.db.W, k.q.Get("reminder-due"), now, reminderBatch)
	if err != nil {
		return nil, fmt.Errorf("request: reminders due: %w", err)
	}
	return out, nil
}

// remind takes request number's next step, if its time has come: the reminder, or the
// resolution. Otherwise it stores when that time comes.
func (k *Desk) remind(ctx context.Context, cat *i18n.Catalog, number int64, now time.Time, done *Reminders) error {
	var reminded, resolved bool
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := k.get(ctx, tx, number)
		if err != nil {
			return err
		}
		if r.Status != StatusWaitingRequester { // left behind by a change of status: nothing to do
			_, err := tx.ExecContext(ctx, k.q.Get("reminder-clear"), r.ID)
			return err
		}
		var since, remindedAt sql.NullTime
		var lang string
		if err := tx.QueryRowContext(ctx, k.q.Get("reminder-get"), r.ID).Scan(&since, &remindedAt, &lang); err != nil {
			return err
		}
		if !since.Valid { // never seen begin: it waits from now
			since = sql.NullTime{Time: now, Valid: true}
			if _, err := tx.ExecContext(ctx, k.q.Get("reminder-wait"), r.ID, now, now); err != nil {
				return err
			}
		}
		h, err := k.reminderHours(ctx, tx, r.RequesterID)
		if err != nil {
			return err
		}
		if !remindedAt.Valid {
			due := workingDaysAfter(h, since.Time, ReminderDelay)
			if now.Before(due) {
				_, err := tx.ExecContext(ctx, k.q.Get("reminder-later"), r.ID, due)
				return err
			}
			next := workingDaysAfter(h, now, AutoResolveDelay)
			res, err := tx.ExecContext(ctx, k.q.Get("reminder-mark"), r.ID, now, next)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // another run reminded first, or the wait began anew
			}
			if err := k.event(ctx, tx, r.ID, majordome, "reminder", "", ""); err != nil {
				return err
			}
			if k.notify != nil {
				if err := k.sendRequester(ctx, tx, r, NotifyReminder, nil); err != nil {
					return err
				}
			}
			reminded = true
			return nil
		}
		due := workingDaysAfter(h, remindedAt.Time, AutoResolveDelay)
		if now.Before(due) {
			_, err := tx.ExecContext(ctx, k.q.Get("reminder-later"), r.ID, due)
			return err
		}
		res, err := tx.ExecContext(ctx, k.q.Get("reminder-claim"), r.ID, now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // another run resolved it first
		}
		if err := k.autoResolve(ctx, tx, r, cat.T(lang, "reminders.auto_resolved.message")); err != nil {
			return err
		}
		resolved = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("request: reminders #%d: %w", number, err)
	}
	if reminded {
		done.Reminded++
	}
	if resolved {
		done.Resolved++
	}
	return nil
}

// autoResolve resolves r for want of an answer: the timeline says why, Majordome posts body as
// a public message, and the status changes as any other change does (hooks, notifications,
// audit).
func (k *Desk) autoResolve(ctx context.Context, tx *sql.Tx, r Request, body string) error {
	if err := k.event(ctx, tx, r.ID, majordome, "auto_resolved", "", ""); err != nil {
		return err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, k.q.Get("message-insert"), r.ID, nil, nil, majordome.Name, body, false,
		Web, k.now()).Scan(&id); err != nil {
		return fmt.Errorf("request: auto-resolve %s: %w", r.Ref(), err)
	}
	next := r
	next.Status = StatusResolved
	if err := k.write(ctx, tx, r, next); err != nil {
		return err
	}
	return k.index(ctx, tx, r.Number) // the message is public text
}

// remindersChanged starts a wait when r comes to wait on its requester, and forgets it when r
// leaves that status.
func (k *Desk) remindersChanged(ctx context.Context, tx *sql.Tx, before, after Request) error {
	waits, waited := after.Status == StatusWaitingRequester, before.Status == StatusWaitingRequester
	switch {
	case waits && !waited:
		return k.startWait(ctx, tx, after)
	case waited && !waits:
		if _, err := tx.ExecContext(ctx, k.q.Get("reminder-clear"), after.ID); err != nil {
			return fmt.Errorf("request: reminder clear %s: %w", after.Ref(), err)
		}
	}
	return nil
}

// remindersMessage starts the wait over when an agent writes to the requester of a request that
// waits on them: the agent has just asked again, so the requester's days count from now.
func (k *Desk) remindersMessage(ctx context.Context, tx *sql.Tx, r Request, m Message, byRequester bool) error {
	if byRequester || m.Internal || r.Status != StatusWaitingRequester {
		return nil
	}
	return k.startWait(ctx, tx, r)
}

// startWait records that r waits on its requester from now, with no reminder sent yet.
func (k *Desk) startWait(ctx context.Context, tx *sql.Tx, r Request) error {
	now := k.now()
	h, err := k.reminderHours(ctx, tx, r.RequesterID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, k.q.Get("reminder-wait"), r.ID, now, workingDaysAfter(h, now, ReminderDelay)); err != nil {
		return fmt.Errorf("request: reminder wait %s: %w", r.Ref(), err)
	}
	return nil
}

// reminderHours are the working hours the reminders count in: the requester's site's, or the
// default office week should they never open.
func (k *Desk) reminderHours(ctx context.Context, tx *sql.Tx, personID int64) (calendar.Hours, error) {
	h, err := k.requesterHours(ctx, tx, personID)
	if err != nil {
		return h, err
	}
	if h.Workday() == 0 {
		h = calendar.DefaultHours(location(""), calendar.France)
	}
	return h, nil
}

// workingDaysAfter is the instant days working days of h after t, in UTC.
func workingDaysAfter(h calendar.Hours, t time.Time, days int) time.Time {
	return h.Add(t, time.Duration(days)*h.Workday()).UTC()
}
