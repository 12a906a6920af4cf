package notify

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"majordome/internal/jobs"
)

// batchPreview is how many held notifications a batch names in its body (for the channels;
// the inbox lists them all).
const batchPreview = 5

// batchPayload is the job that ends a focus period: release what userID holds at End.
type batchPayload struct {
	UserID int64     `json:"user_id"`
	End    time.Time `json:"end"`
}

// scheduleBatch makes sure a job releases what userID holds at end: one job per account and
// end, however many notifications wait for it.
func (s *Service) scheduleBatch(ctx context.Context, tx *sql.Tx, userID int64, end time.Time) error {
	end = end.UTC()
	key := fmt.Sprintf("%s:%d:%s", JobFocusBatch, userID, end.Format(time.RFC3339))
	if _, err := s.jobs.EnqueueTx(ctx, tx, JobFocusBatch, batchPayload{UserID: userID, End: end}, jobs.At(end), jobs.Key(key)); err != nil {
		return fmt.Errorf("notify: schedule focus batch: %w", err)
	}
	return nil
}

// focusBatchJob ends a focus period. If the focus was extended meanwhile (focus started by hand,
// a block that follows), what is held waits for the new end; otherwise it is released as one
// batch.
func (s *Service) focusBatchJob(ctx context.Context, payload []byte) error {
	var p batchPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("notify: focus batch payload: %w", err)
	}
	now := s.now()
	if now.Before(p.End) {
		// Only a clock that disagrees with the queue's gets here: try again after the backoff.
		return fmt.Errorf("notify: focus batch of account %d due at %s ran at %s", p.UserID, p.End, now)
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		until, ok, err := s.focusUntil(ctx, tx, p.UserID, now)
		if err != nil {
			return err
		}
		if ok {
			if _, err := tx.ExecContext(ctx, s.q.Get("rehold"), p.UserID, until); err != nil {
				return fmt.Errorf("notify: hold until %s: %w", until, err)
			}
			return s.scheduleBatch(ctx, tx, p.UserID, until)
		}
		_, err = s.release(ctx, tx, p.UserID, now)
		return err
	})
}

// releaseOverdue releases what userID still holds past its end, if anything.
func (s *Service) releaseOverdue(ctx context.Context, tx *sql.Tx, userID int64, now time.Time) error {
	var n int
	if err := tx.QueryRowContext(ctx, s.q.Get("overdue"), userID, now).Scan(&n); err != nil {
		return fmt.Errorf("notify: overdue: %w", err)
	}
	if n == 0 {
		return nil
	}
	_, err := s.release(ctx, tx, userID, now)
	return err
}

// release delivers everything userID holds: one held notification as itself, several as one
// batch notification that names them. It queues the channel deliveries and reports how many
// notifications it released.
func (s *Service) release(ctx context.Context, tx *sql.Tx, userID int64, now time.Time) (int, error) {
	var batchID int64
	err := tx.QueryRowContext(ctx, s.q.Get("insert"), userID, nil, KindFocusBatch, "{}", "/notifications", nil, false,
		nil, now, now).Scan(&batchID)
	if err != nil {
		return 0, fmt.Errorf("notify: release: %w", err)
	}
	rows, err := tx.QueryContext(ctx, s.q.Get("release"), userID, now, batchID)
	if err != nil {
		return 0, fmt.Errorf("notify: release: %w", err)
	}
	type held struct {
		id     int64
		kind   string
		params map[string]string
	}
	var released []held
	for rows.Next() {
		var h held
		var params string
		var number sql.NullInt64
		if err := rows.Scan(&h.id, &h.kind, &params, &number); err != nil {
			rows.Close()
			return 0, fmt.Errorf("notify: release: %w", err)
		}
		h.params = map[string]string{}
		_ = json.Unmarshal([]byte(params), &h.params) // a preview without it is still a batch
		if number.Valid && h.params["number"] == "" {
			h.params["number"] = strconv.FormatInt(number.Int64, 10)
		}
		released = append(released, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("notify: release: %w", err)
	}
	switch len(released) {
	case 0: // another release took them, or nothing was held
		_, err := tx.ExecContext(ctx, s.q.Get("delete"), batchID)
		return 0, err
	case 1: // a batch of one would only be in the way
		if _, err := tx.ExecContext(ctx, s.q.Get("unbatch"), released[0].id); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("delete"), batchID); err != nil {
			return 0, err
		}
		return 1, s.enqueueDeliveries(ctx, tx, released[0].id)
	}
	requests := 0
	var preview []string
	// RETURNING has no order: name them oldest first, as they came.
	slices.SortFunc(released, func(a, b held) int { return cmp.Compare(a.id, b.id) })
	for _, h := range released {
		if h.kind == "request.created" {
			requests++
		}
		if len(preview) < batchPreview && h.params["number"] != "" {
			preview = append(preview, strings.TrimSpace("#"+h.params["number"]+" "+h.params["title"]))
		}
	}
	params, err := encodeParams(map[string]string{"n": strconv.Itoa(len(released)), "requests": strconv.Itoa(requests),
		"preview": strings.Join(preview, "\n")})
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("set-params"), batchID, params); err != nil {
		return 0, fmt.Errorf("notify: release: %w", err)
	}
	return len(released), s.enqueueDeliveries(ctx, tx, batchID)
}
