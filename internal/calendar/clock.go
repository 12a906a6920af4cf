package calendar

import (
	"slices"
	"time"
)

// Interval is a span of time from From to To. A zero To means the interval is still open.
type Interval struct {
	From, To time.Time
}

// Clock measures business time for an SLA, excluding paused intervals: while a request waits
// on its requester the desk cannot act, so that time is not held against it.
//
// Pauses may overlap, start before the clock does, or be listed in any order: each instant is
// excluded once. At most one pause should be open (zero To), the current one.
type Clock struct {
	Hours  Hours
	Pauses []Interval
}

// Elapsed returns the business time from start to now, minus the business time spent in
// pauses; an open pause counts as paused until now.
func (c Clock) Elapsed(start, now time.Time) time.Duration {
	total := c.Hours.Between(start, now)
	for _, p := range c.paused(start, now) {
		total -= c.Hours.Between(p.From, p.To)
	}
	return max(total, 0)
}

// Due returns when target business time will have elapsed since start, given the pauses so
// far. While the clock is paused (an open pause) it returns the zero time and false, since
// nobody knows when the requester will answer; but a target that was already reached before
// that pause began has a known due time, in the past, and Due returns it with true, so that a
// breached request stays breached while it waits. It also returns false for Hours that never
// open.
func (c Clock) Due(start time.Time, target time.Duration) (time.Time, bool) {
	cur, left := start, max(target, 0)
	for _, p := range c.paused(start, time.Time{}) {
		due := c.Hours.Add(cur, left)
		if due.IsZero() {
			return time.Time{}, false
		}
		if !due.After(p.From) {
			return due, true
		}
		left -= c.Hours.Between(cur, p.From)
		if p.To.IsZero() {
			return time.Time{}, false
		}
		cur = p.To
	}
	due := c.Hours.Add(cur, left)
	return due, !due.IsZero()
}

// paused returns the pauses clipped to [start, until), sorted and merged so that none
// overlap. A zero until leaves open pauses open (zero To); otherwise they end at until.
func (c Clock) paused(start, until time.Time) []Interval {
	var ps []Interval
	for _, p := range c.Pauses {
		if p.To.IsZero() {
			p.To = until
		} else if !until.IsZero() && p.To.After(until) {
			p.To = until
		}
		if p.From.Before(start) {
			p.From = start
		}
		if !until.IsZero() && !p.From.Before(until) {
			continue // begins after the span measured
		}
		if !p.To.IsZero() && !p.From.Before(p.To) {
			continue // empty, or ended before start, or written backwards
		}
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b Interval) int { return a.From.Compare(b.From) })
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 {
			last := &out[n-1]
			if last.To.IsZero() {
				break // the last pause is still open: it swallows everything after it
			}
			if !p.From.After(last.To) {
				if p.To.IsZero() || p.To.After(last.To) {
					last.To = p.To
				}
				continue
			}
		}
		out = append(out, p)
	}
	return out
}
