package announce

import (
	"context"
	"errors"
	"fmt"

	"majordome/internal/jobs"
)

// enqueueCorrection asks for the correction job when Slack messages show an older version than
// a's: a fan-out run that began before a correction sent the old text to some.
func (s *Service) enqueueCorrection(ctx context.Context, a stored) error {
	if a.Version <= 1 {
		return nil
	}
	var n int
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("stale-any"), a.ID, a.Version).Scan(&n); err != nil {
		return fmt.Errorf("announce: stale messages of %d: %w", a.ID, err)
	}
	if n == 0 && !(a.postState == "sent" && a.postVersion < a.Version) {
		return nil
	}
	if _, err := s.jobs.Enqueue(ctx, kindCorrect, idPayload{ID: a.ID}, jobs.Key(fmt.Sprintf("%s:%d", kindCorrect, a.ID))); err != nil {
		return fmt.Errorf("announce: enqueue correction of %d: %w", a.ID, err)
	}
	return nil
}

// correctSent edits every Slack message of an announcement that shows an older version
// (Deliverer.Correct on each DM, ChannelPoster.CorrectChannel on the channel post), at the Slack
// deliverer's pace, recording each message's version as it goes, so a restart goes on with the
// others. Email cannot be unsent; the portal reads the current text.
func (s *Service) correctSent(ctx context.Context, id int64) error {
	a, err := s.withData(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	d, pace := s.deliverer(ChannelSlack)
	if d == nil {
		return errors.New("announce: no Slack deliverer on this instance")
	}
	key := fmt.Sprintf("%s:%d", kindCorrect, id)
	if a.postState == "sent" && a.postVersion < a.Version {
		if p := s.channelPoster(); p != nil {
			if err := s.wait(ctx, pace); err != nil {
				return err
			}
			err := p.CorrectChannel(ctx, a.Announcement, a.postRef)
			var later *jobs.RetryAfterError
			var perm *Permanent
			switch {
			case errors.As(err, &later):
				return s.continueAt(ctx, kindCorrect, idPayload{ID: id}, key, s.now().Add(later.Delay))
			case err != nil && !errors.As(err, &perm):
				return fmt.Errorf("announce: correct channel post of %d: %w", id, err)
			}
			if _, err := s.db.W.ExecContext(ctx, s.q.Get("announcement-post"), id, "sent", a.postRef, "", a.Version); err != nil {
				return fmt.Errorf("announce: record channel correction of %d: %w", id, err)
			}
		}
	}
	until := s.now().Add(s.slice)
	var after int64
	for {
		list, err := s.recipients(ctx, s.db.R, "correct-due", id, a.Version, after, 100)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		for _, r := range list {
			after = r.id
			if err := s.wait(ctx, pace); err != nil {
				return err
			}
			err := d.Correct(ctx, a.Announcement, r.Recipient, r.Refs[ChannelSlack])
			var later *jobs.RetryAfterError
			var perm *Permanent
			switch {
			case errors.As(err, &later):
				return s.continueAt(ctx, kindCorrect, idPayload{ID: id}, key, s.now().Add(later.Delay))
			case errors.As(err, &perm):
				s.log.Info("announce: correction failed", "announcement", id, "person", r.PersonID, "err", err)
			case err != nil:
				return fmt.Errorf("announce: correct message of %d to %d: %w", id, r.PersonID, err)
			}
			if _, err := s.db.W.ExecContext(ctx, s.q.Get("correct-done"), r.id, a.Version); err != nil {
				return fmt.Errorf("announce: record correction of %d to %d: %w", id, r.PersonID, err)
			}
			if s.now().After(until) {
				return s.continueAt(ctx, kindCorrect, idPayload{ID: id}, key, s.now())
			}
		}
	}
}
