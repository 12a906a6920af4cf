package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"majordome/internal/valid"
)

// DefaultTimezone is where focus blocks are read when none is given.
const DefaultTimezone = "Europe/Paris"

// MaxFocus is the longest focus one may start by hand.
const MaxFocus = 24 * time.Hour

// Block is a recurring focus period: on Days, from Start to End (minutes after midnight, local
// time in Timezone).
type Block struct {
	ID       int64
	Days     []time.Weekday // in the order of the week, Monday first
	Start    int            // minutes after midnight
	End      int            // minutes after midnight, up to 1440 (midnight at the end of the day)
	Timezone string
}

// StartClock writes Start as HH:MM.
func (b Block) StartClock() string { return clock(b.Start) }

// EndClock writes End as HH:MM.
func (b Block) EndClock() string { return clock(b.End) }

// Has reports whether the block applies on day d.
func (b Block) Has(d time.Weekday) bool { return slices.Contains(b.Days, d) }

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// Week lists the days in the order of a French week, Monday first.
var Week = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

func daysMask(days []time.Weekday) int {
	m := 0
	for _, d := range days {
		if d >= time.Sunday && d <= time.Saturday {
			m |= 1 << d
		}
	}
	return m
}

func maskDays(m int) []time.Weekday {
	var out []time.Weekday
	for _, d := range Week {
		if m&(1<<d) != 0 {
			out = append(out, d)
		}
	}
	return out
}

// BlockInput is a focus block as a person types it: days, and times as HH:MM.
type BlockInput struct {
	Days     []time.Weekday
	Start    string // "09:00"
	End      string // "11:00"; "24:00" for midnight
	Timezone string // "" for DefaultTimezone
}

// ParseClock reads "9:00", "09:00" or "9h30" as minutes after midnight; "24:00" is accepted
// as the end of the day.
func ParseClock(s string) (int, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	h, m, ok := strings.Cut(strings.Replace(s, "h", ":", 1), ":")
	if !ok {
		h, m = s, "0"
	}
	if m == "" {
		m = "0"
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

// check turns in into a block, naming each wrong field: focus_days, focus_start, focus_end,
// timezone.
func (in BlockInput) check() (Block, error) {
	var errs valid.Errors
	b := Block{Days: maskDays(daysMask(in.Days)), Timezone: strings.TrimSpace(in.Timezone)}
	if len(b.Days) == 0 {
		errs.Add("focus_days", "required")
	}
	var okStart, okEnd bool
	if errs.Required("focus_start", strings.TrimSpace(in.Start)) {
		if b.Start, okStart = ParseClock(in.Start); !okStart || b.Start >= 24*60 {
			okStart = false
			errs.Add("focus_start", "focus_time_invalid", "value", in.Start)
		}
	}
	if errs.Required("focus_end", strings.TrimSpace(in.End)) {
		if b.End, okEnd = ParseClock(in.End); !okEnd || b.End == 0 {
			okEnd = false
			errs.Add("focus_end", "focus_time_invalid", "value", in.End)
		}
	}
	if okStart && okEnd && b.End <= b.Start {
		errs.Add("focus_end", "focus_end_before_start")
	}
	if b.Timezone == "" {
		b.Timezone = DefaultTimezone
	}
	if _, err := time.LoadLocation(b.Timezone); err != nil || !strings.Contains(b.Timezone, "/") {
		errs.Add("timezone", "timezone_invalid")
	}
	return b, errs.Err()
}

// Blocks lists the focus blocks of account userID, earliest first.
func (s *Service) Blocks(ctx context.Context, userID int64) ([]Block, error) {
	return s.blocks(ctx, s.db.R, userID)
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Service) blocks(ctx context.Context, q queryer, userID int64) ([]Block, error) {
	rows, err := q.QueryContext(ctx, s.q.Get("blocks"), userID)
	if err != nil {
		return nil, fmt.Errorf("notify: focus blocks: %w", err)
	}
	defer rows.Close()
	var out []Block
	for rows.Next() {
		var b Block
		var mask int
		if err := rows.Scan(&b.ID, &mask, &b.Start, &b.End, &b.Timezone); err != nil {
			return nil, fmt.Errorf("notify: focus blocks: %w", err)
		}
		b.Days = maskDays(mask)
		out = append(out, b)
	}
	return out, rows.Err()
}

// AddBlock adds a focus block for account userID. A wrong field is a valid.Errors naming it.
func (s *Service) AddBlock(ctx context.Context, userID int64, in BlockInput) (Block, error) {
	b, err := in.check()
	if err != nil {
		return b, err
	}
	err = s.db.W.QueryRowContext(ctx, s.q.Get("block-insert"), userID, daysMask(b.Days), b.Start, b.End, b.Timezone,
		s.now()).Scan(&b.ID)
	if err != nil {
		return b, fmt.Errorf("notify: add focus block: %w", err)
	}
	return b, nil
}

// UpdateBlock changes focus block id of account userID; another account's block is ErrNotFound.
func (s *Service) UpdateBlock(ctx context.Context, userID, id int64, in BlockInput) (Block, error) {
	b, err := in.check()
	if err != nil {
		return b, err
	}
	b.ID = id
	res, err := s.db.W.ExecContext(ctx, s.q.Get("block-update"), id, userID, daysMask(b.Days), b.Start, b.End,
		b.Timezone, s.now())
	if err != nil {
		return b, fmt.Errorf("notify: update focus block: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return b, ErrNotFound
	}
	return b, nil
}

// DeleteBlock removes focus block id of account userID; another account's block is ErrNotFound.
// What is held stays held until the focus that held it would have ended.
func (s *Service) DeleteBlock(ctx context.Context, userID, id int64) error {
	res, err := s.db.W.ExecContext(ctx, s.q.Get("block-delete"), id, userID)
	if err != nil {
		return fmt.Errorf("notify: delete focus block: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// StartFocus puts account userID in focus for d from now (at most MaxFocus). A focus block
// running past that keeps the focus on until its own end. It returns when the focus ends.
func (s *Service) StartFocus(ctx context.Context, userID int64, d time.Duration) (time.Time, error) {
	if d <= 0 || d > MaxFocus {
		return time.Time{}, valid.Errors{{Field: "focus_duration", Code: "focus_duration_invalid"}}
	}
	var until time.Time
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		_, off, err := s.focusNow(ctx, tx, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("focus-now-set"), userID, now.Add(d), off, now); err != nil {
			return err
		}
		var ok bool
		until, ok, err = s.focusUntil(ctx, tx, userID, now)
		if err == nil && !ok {
			err = errors.New("focus did not start")
		}
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("notify: start focus: %w", err)
	}
	return until, nil
}

// StopFocus ends the focus of account userID now, the focus started by hand and the focus
// block under way alike (the block comes back on its next day), and delivers at once what was
// held. It reports how many notifications were released.
func (s *Service) StopFocus(ctx context.Context, userID int64) (int, error) {
	var released int
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		until, ok, err := s.focusUntil(ctx, tx, userID, now)
		if err != nil {
			return err
		}
		_, off, err := s.focusNow(ctx, tx, userID)
		if err != nil {
			return err
		}
		if ok {
			off = &until // the blocks that made this focus stay off until its end
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("focus-now-set"), userID, now, off, now); err != nil {
			return err
		}
		released, err = s.release(ctx, tx, userID, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("notify: stop focus: %w", err)
	}
	return released, nil
}

// FocusUntil reports whether account userID is in focus at now, and until when. A focus block
// that starts when another focus ends carries it on: the end is that of the whole stretch.
func (s *Service) FocusUntil(ctx context.Context, userID int64, now time.Time) (time.Time, bool, error) {
	until, ok, err := s.focusUntil(ctx, s.db.R, userID, now)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("notify: focus of %d: %w", userID, err)
	}
	return until, ok, nil
}

// FocusUntilAll reports whether every one of the accounts userIDs is in focus at now, and when
// the first of them comes out of it: when someone will read a new request. It is false for no
// account at all.
func (s *Service) FocusUntilAll(ctx context.Context, userIDs []int64, now time.Time) (time.Time, bool, error) {
	var first time.Time
	for _, id := range userIDs {
		until, ok, err := s.FocusUntil(ctx, id, now)
		if err != nil || !ok {
			return time.Time{}, false, err
		}
		if first.IsZero() || until.Before(first) {
			first = until
		}
	}
	return first, !first.IsZero(), nil
}

// Now is the service's clock, for the pages that show focus time.
func (s *Service) Now() time.Time { return s.now() }

// focusNow reads the focus started (ends_at) and stopped (blocks off until) by hand.
func (s *Service) focusNow(ctx context.Context, q queryer, userID int64) (endsAt, offUntil *time.Time, err error) {
	var ends, off sql.NullTime
	err = q.QueryRowContext(ctx, s.q.Get("focus-now"), userID).Scan(&ends, &off)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("notify: focus: %w", err)
	}
	return timePtr(ends), timePtr(off), nil
}

// focusUntil computes the focus of userID at now from its blocks and what was started or
// stopped by hand.
func (s *Service) focusUntil(ctx context.Context, q queryer, userID int64, now time.Time) (time.Time, bool, error) {
	endsAt, offUntil, err := s.focusNow(ctx, q, userID)
	if err != nil {
		return time.Time{}, false, err
	}
	blocks, err := s.blocks(ctx, q, userID)
	if err != nil {
		return time.Time{}, false, err
	}
	until, ok := focusEnd(blocks, endsAt, offUntil, now)
	return until, ok, nil
}

// focusEnd is the end of the focus under way at now, if any: the later of the focus started by
// hand and the block under way (unless blocks are off), carried on by every block that covers
// the end of the one before.
func focusEnd(blocks []Block, endsAt, offUntil *time.Time, now time.Time) (time.Time, bool) {
	blocksOn := func(t time.Time) bool { return offUntil == nil || !t.Before(*offUntil) }
	var end time.Time
	if endsAt != nil && endsAt.After(now) {
		end = *endsAt
	}
	if blocksOn(now) {
		if e, ok := blockEnd(blocks, now); ok && e.After(end) {
			end = e
		}
	}
	if end.IsZero() {
		return time.Time{}, false
	}
	for range 16 { // a week of back-to-back blocks at most; no infinite chain
		if !blocksOn(end) {
			break
		}
		e, ok := blockEnd(blocks, end)
		if !ok || !e.After(end) {
			break
		}
		end = e
	}
	return end.UTC(), true
}

// blockEnd is the latest end of the blocks under way at t.
func blockEnd(blocks []Block, t time.Time) (time.Time, bool) {
	var end time.Time
	for _, b := range blocks {
		loc, err := time.LoadLocation(b.Timezone)
		if err != nil {
			loc = time.UTC
		}
		lt := t.In(loc)
		m := lt.Hour()*60 + lt.Minute()
		if !b.Has(lt.Weekday()) || m < b.Start || m >= b.End {
			continue
		}
		y, mo, d := lt.Date()
		if e := time.Date(y, mo, d, b.End/60, b.End%60, 0, 0, loc); e.After(end) {
			end = e
		}
	}
	return end, !end.IsZero()
}
