package announce

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"majordome/internal/jobs"
	"majordome/internal/valid"
)

// The job kinds of the announcements.
//
// The fan-out runs as one job per announcement and channel, unique by its key, so that one
// instance at a time delivers a channel's messages, at the deliverer's Rate. Each run works for
// a slice of time (Service.slice), then enqueues its next run and returns: a restart, a
// deployment or another instance picks the chain up where the rows say it stopped. A recipient's
// state on a channel is settled right after Deliver returns; a recipient whose Deliver was in
// flight when the instance died is still "queued" and is called again, which the deliverers'
// idempotence covers (Slack finds its message by metadata; email records as soon as the relay
// accepts, so that window is as short as it can be).
const (
	kindFanout     = "announce.fanout"     // {id, channel}: deliver to the queued recipients
	kindSend       = "announce.send"       // {id}: a scheduled announcement's time has come
	kindCorrect    = "announce.correct"    // {id}: edit the Slack messages after a correction
	kindRemind     = "announce.remind"     // {id}: remind those who have not acknowledged
	kindAutoRemind = "announce.autoremind" // {id}: the automatic reminder before AckBy, once
)

// maxTries is how many transient failures a recipient's delivery on one channel gets before it
// is settled as failed.
const maxTries = 8

type fanoutPayload struct {
	ID      int64  `json:"id"`
	Channel string `json:"channel"`
}

type idPayload struct {
	ID int64 `json:"id"`
}

func fanoutKey(id int64, channel string) string {
	return fmt.Sprintf("%s:%d:%s", kindFanout, id, channel)
}

// RegisterJobs registers the fan-out, the scheduled send, the corrections and the reminders on
// the service's queue.
func (s *Service) RegisterJobs() {
	s.jobs.Register(kindFanout, func(ctx context.Context, b []byte) error {
		var p fanoutPayload
		if err := json.Unmarshal(b, &p); err != nil {
			return fmt.Errorf("announce: fan-out payload: %w", err)
		}
		return s.fanout(ctx, p)
	})
	s.jobs.Register(kindSend, s.idJob(s.sendScheduled))
	s.jobs.Register(kindCorrect, s.idJob(s.correctSent))
	s.jobs.Register(kindRemind, s.idJob(s.remindJob))
	s.jobs.Register(kindAutoRemind, s.idJob(s.autoRemind))
}

func (s *Service) idJob(fn func(ctx context.Context, id int64) error) jobs.Handler {
	return func(ctx context.Context, b []byte) error {
		var p idPayload
		if err := json.Unmarshal(b, &p); err != nil {
			return fmt.Errorf("announce: payload: %w", err)
		}
		return fn(ctx, p.ID)
	}
}

// pacer spaces the calls of one deliverer evenly at its Rate, across the jobs of this instance.
// When the calls fall a little behind (a slow answer), it lets the next ones go at once to catch
// up; further behind (idle, or a long stall), it starts afresh from now rather than burst.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

// catchUp and catchUpMin bound how far behind the pacer still catches up: 5 intervals, and at
// least 200 ms (at hundreds a second, a pause of the database is longer than 5 intervals).
const (
	catchUp    = 5
	catchUpMin = 200 * time.Millisecond
)

func newPacer(r Rate) *pacer {
	p := &pacer{}
	if r.N > 0 && r.Per > 0 {
		p.interval = r.Per / time.Duration(r.N)
	}
	return p
}

// wait blocks until the next call may go.
func (s *Service) wait(ctx context.Context, p *pacer) error {
	if p == nil || p.interval <= 0 {
		return ctx.Err()
	}
	p.mu.Lock()
	now := s.now()
	if p.next.Before(now.Add(-max(catchUp*p.interval, catchUpMin))) {
		p.next = now // idle for a while: start afresh rather than burst
	}
	at := p.next
	p.next = p.next.Add(p.interval)
	p.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return s.sleep(ctx, d)
	}
	return ctx.Err()
}

// retryDelay is the wait before a recipient's next try after its n-th transient failure.
func retryDelay(n int) time.Duration {
	return min(30*time.Second<<min(n-1, 10), 30*time.Minute)
}

// continueAt enqueues the next run of a chain job at t (its key is free: the running job does
// not hold it).
func (s *Service) continueAt(ctx context.Context, kind string, payload any, key string, t time.Time) error {
	if _, err := s.jobs.Enqueue(ctx, kind, payload, jobs.Key(key), jobs.At(t)); err != nil {
		return fmt.Errorf("announce: next run of %s: %w", key, err)
	}
	return nil
}

// withData loads an announcement for its deliverers: with its files' bytes, for attachments.
func (s *Service) withData(ctx context.Context, id int64) (stored, error) {
	a, err := s.load(ctx, s.db.R, id)
	if err != nil {
		return a, err
	}
	a.Files, err = s.files(ctx, s.db.R, id, true)
	return a, err
}

// fanout delivers an announcement on one channel to the recipients still queued there, for one
// slice of time, then enqueues its next run (at once, or when the next retry is due) or, when
// none is left, settles the announcement as sent.
func (s *Service) fanout(ctx context.Context, p fanoutPayload) error {
	a, err := s.withData(ctx, p.ID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if a.Status != StatusSending && a.Status != StatusSent {
		return nil
	}
	d, pace := s.deliverer(p.Channel)
	if d == nil {
		return fmt.Errorf("announce: no deliverer for channel %q on this instance", p.Channel)
	}
	key := fanoutKey(a.ID, p.Channel)
	if p.Channel == ChannelSlack && a.postState == "queued" {
		if done, err := s.postChannel(ctx, a, pace, key, p); err != nil || !done {
			return err
		}
	}
	due, retry := "due-"+p.Channel, "retry-"+p.Channel
	until := s.now().Add(s.slice)
	for {
		list, err := s.recipientsTries(ctx, due, a.ID, s.now(), 100)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			break
		}
		for _, r := range list {
			if err := s.wait(ctx, pace); err != nil {
				return err
			}
			ref, err := d.Deliver(ctx, a.Announcement, r.Recipient)
			var perm *Permanent
			var later *jobs.RetryAfterError
			switch {
			case err == nil:
				_, err = s.db.W.ExecContext(ctx, s.q.Get("sent-"+p.Channel), sentArgs(r.id, ref, p.Channel, a.Version)...)
			case errors.As(err, &perm):
				s.log.Info("announce: delivery failed", "announcement", a.ID, "person", r.PersonID, "channel", p.Channel, "err", err)
				_, err = s.db.W.ExecContext(ctx, s.q.Get("failed-"+p.Channel), r.id, trimErr(err))
			case errors.As(err, &later):
				// The channel asks to slow down: the whole chain waits, the recipient keeps its tries.
				return s.continueAt(ctx, kindFanout, p, key, s.now().Add(later.Delay))
			case ctx.Err() != nil:
				return ctx.Err()
			case r.tries+1 >= maxTries:
				s.log.Warn("announce: delivery failed after retries", "announcement", a.ID, "person", r.PersonID, "channel", p.Channel, "err", err)
				_, err = s.db.W.ExecContext(ctx, s.q.Get("failed-"+p.Channel), r.id, trimErr(err))
			default:
				_, err = s.db.W.ExecContext(ctx, s.q.Get(retry), r.id, trimErr(err), s.now().Add(s.retry(r.tries+1)))
			}
			if err != nil {
				return fmt.Errorf("announce: record delivery of %d to %d on %s: %w", a.ID, r.PersonID, p.Channel, err)
			}
			if s.now().After(until) {
				return s.continueAt(ctx, kindFanout, p, key, s.now())
			}
		}
	}
	var next sql.NullTime
	err = s.db.R.QueryRowContext(ctx, s.q.Get("next-"+p.Channel), a.ID).Scan(&next)
	switch {
	case err == nil && next.Valid:
		return s.continueAt(ctx, kindFanout, p, key, next.Time)
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("announce: next retry of %d on %s: %w", a.ID, p.Channel, err)
	}
	if p.Channel == ChannelSlack {
		if err := s.enqueueCorrection(ctx, a); err != nil {
			return err
		}
	}
	return s.finish(ctx, a.ID)
}

func sentArgs(id int64, ref, channel string, version int) []any {
	if channel == ChannelSlack {
		return []any{id, ref, version}
	}
	return []any{id, ref}
}

// postChannel posts the announcement in its Slack channel, once, before the DMs. It reports
// false when the chain was handed over to a later run (Slack asked to wait).
func (s *Service) postChannel(ctx context.Context, a stored, pace *pacer, key string, p fanoutPayload) (bool, error) {
	poster := s.channelPoster()
	if poster == nil {
		return false, errors.New("announce: no Slack channel poster on this instance")
	}
	if err := s.wait(ctx, pace); err != nil {
		return false, err
	}
	ref, err := poster.PostChannel(ctx, a.Announcement)
	var perm *Permanent
	var later *jobs.RetryAfterError
	switch {
	case err == nil:
		_, err = s.db.W.ExecContext(ctx, s.q.Get("announcement-post"), a.ID, "sent", ref, "", a.Version)
	case errors.As(err, &perm):
		s.log.Info("announce: channel post failed", "announcement", a.ID, "err", err)
		_, err = s.db.W.ExecContext(ctx, s.q.Get("announcement-post"), a.ID, "failed", "", trimErr(err), 0)
	case errors.As(err, &later):
		return false, s.continueAt(ctx, kindFanout, p, key, s.now().Add(later.Delay))
	default:
		return false, fmt.Errorf("announce: channel post of %d: %w", a.ID, err)
	}
	if err != nil {
		return false, fmt.Errorf("announce: record channel post of %d: %w", a.ID, err)
	}
	return true, nil
}

// finish settles an announcement as sent once nothing is queued on any channel.
func (s *Service) finish(ctx context.Context, id int64) error {
	var n int
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("queued-any"), id).Scan(&n); err != nil {
		return fmt.Errorf("announce: queued of %d: %w", id, err)
	}
	if n > 0 {
		return nil // another channel's chain finishes it
	}
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("announcement-finish"), id, s.now()); err != nil {
		return fmt.Errorf("announce: finish %d: %w", id, err)
	}
	return nil
}

func (s *Service) recipientsTries(ctx context.Context, query string, args ...any) ([]row, error) {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get(query), args...)
	if err != nil {
		return nil, fmt.Errorf("announce: %s: %w", query, err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var tries int
		r, err := scanRecipient(rows, &tries)
		if err != nil {
			return nil, fmt.Errorf("announce: %s: %w", query, err)
		}
		r.tries = tries
		out = append(out, r)
	}
	return out, rows.Err()
}

// trimErr keeps an error short enough to store and show.
func trimErr(err error) string {
	s := err.Error()
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}

// sendScheduled sends a scheduled announcement whose time has come. A job whose announcement
// was cancelled, sent already or moved later does nothing: the moved one has its own job.
func (s *Service) sendScheduled(ctx context.Context, id int64) error {
	a, err := s.load(ctx, s.db.R, id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.now()
	if a.Status != StatusScheduled || a.SendAt == nil || a.SendAt.After(now.Add(time.Second)) {
		return nil
	}
	var errs valid.Errors
	r, err := s.resolve(ctx, s.db.R, a.Audience, &errs)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		// A team or person named at composition time is gone: send to the rest.
		s.log.Warn("announce: audience changed since scheduling", "announcement", id, "errors", errs.Error())
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		a.Status = StatusSending
		return s.start(ctx, tx, a.Announcement, r, now)
	})
	if errors.Is(err, ErrAlreadySent) {
		return nil
	}
	return err
}
