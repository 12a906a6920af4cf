package article

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/jobs"
	"majordome/internal/notify"
)

// StaleKind is the daily job that tells owners their articles are past their "verified until"
// date. Each owner is told once per article and date: a new date, once past, tells them again.
const StaleKind = "article.stale"

// NotifyStale is the kind of the notification an owner gets.
const NotifyStale = "article.stale"

const staleEvery = 24 * time.Hour

// RegisterStaleCheck makes q run the stale check every day, once across instances.
func (s *Service) RegisterStaleCheck(q *jobs.Queue) {
	q.RegisterEvery(StaleKind, staleEvery, s.now, func(ctx context.Context, _ []byte) error {
		_, err := s.RunStaleCheck(ctx)
		return err
	})
}

// StartStaleCheck schedules the next run of the stale check, at start-up on every instance.
func (s *Service) StartStaleCheck(ctx context.Context, q *jobs.Queue) error {
	return q.ScheduleEvery(ctx, StaleKind, staleEvery, s.now())
}

// RunStaleCheck tells the owner of every article past its "verified until" date, once per
// article and date, and returns how many articles it flagged.
func (s *Service) RunStaleCheck(ctx context.Context) (int, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Kind: "system", Name: "Majordome"})
	ids, err := db.Column[int64](ctx, s.db.R, s.q.Get("stale-due"), s.Today().String())
	if err != nil {
		return 0, fmt.Errorf("article: stale check: %w", err)
	}
	n := 0
	for _, id := range ids {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, s.q.Get("stale-mark"), id)
			if err != nil {
				return err
			}
			if k, err := res.RowsAffected(); err != nil || k == 0 {
				return err // another instance told them
			}
			n++
			a, err := s.get(ctx, tx, "by-id", id)
			if err != nil {
				return err
			}
			return s.tellOwner(ctx, tx, a)
		})
		if err != nil {
			return n, fmt.Errorf("article: stale check %d: %w", id, err)
		}
	}
	return n, nil
}

// tellOwner notifies the owner of a (their account, or the person of the directory) that a
// needs checking.
func (s *Service) tellOwner(ctx context.Context, tx *sql.Tx, a Article) error {
	if s.notify == nil || a.OwnerEmail == "" {
		return nil
	}
	key := strings.ToLower(a.OwnerEmail)
	var userID, personID int64
	if err := tx.QueryRowContext(ctx, s.q.Get("user-by-email"), key).Scan(&userID); err != nil && err != sql.ErrNoRows {
		return err
	}
	if err := tx.QueryRowContext(ctx, s.q.Get("person-by-email"), key).Scan(&personID); err != nil && err != sql.ErrNoRows {
		return err
	}
	if userID == 0 && personID == 0 {
		return nil
	}
	_, err := s.notify.Send(ctx, tx, notify.Notification{UserID: userID, PersonID: personID, Kind: NotifyStale,
		Params: map[string]string{"title": a.Title, "date": a.VerifiedUntil.French()}, Link: "/bible/" + a.Slug})
	return err
}
