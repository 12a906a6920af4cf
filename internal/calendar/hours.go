package calendar

import (
	"time"

	"majordome/internal/civil"
)

// Hours are the working hours of a site: the days of the week it works and one daily window,
// in its timezone, closed on the public holidays of its region (but Whit Monday where the site
// works it).
//
// The window is read on the local wall clock: 9:00 is 9:00 on both sides of a change to or
// from summer time, so business time is counted in real elapsed time between local openings
// and closings. The window is a single span: lunch is not excluded, because an office desk
// answers around lunch at varying times, and a clock that stopped at noon would move every
// deadline by an hour nobody expects. Windows that cross midnight (night shifts) are not
// supported.
//
// Hours that never open (no working day, or Start ≥ End, or a window outside 0–24h) are not
// an error the clock could recover from: Add and NextOpen then return the zero time, Between
// returns 0 and IsOpen false, instead of searching forever.
type Hours struct {
	// Location is the site's timezone; nil means UTC, as for time.Date.
	Location *time.Location
	// Region picks the public holidays on which the site is closed.
	Region Region
	// WorkWhitMonday makes Lundi de Pentecôte a working day (when it falls on one of Days), for
	// sites that work it as the "journée de solidarité". Holidays and IsHoliday still list it.
	WorkWhitMonday bool
	// Days are the working days, indexed by time.Weekday.
	Days [7]bool
	// Start and End bound the daily window, as local wall-clock time since midnight.
	Start, End time.Duration
}

// DefaultHours returns the usual French office week: Monday to Friday, 9:00 to 18:00, in loc,
// closed on the public holidays of region.
func DefaultHours(loc *time.Location, region Region) Hours {
	h := Hours{Location: loc, Region: region, Start: 9 * time.Hour, End: 18 * time.Hour}
	for d := time.Monday; d <= time.Friday; d++ {
		h.Days[d] = true
	}
	return h
}

// Workday returns the length of one full working day (End − Start), so that an SLA written
// in business days ("resolution within 3 business days") becomes a business time to Add.
func (h Hours) Workday() time.Duration {
	if !h.opens() {
		return 0
	}
	return h.End - h.Start
}

// IsOpen reports whether t is within business hours. The window is half-open: the closing
// instant itself is closed, so that Add can end a count exactly at closing time.
func (h Hours) IsOpen(t time.Time) bool {
	if !h.opens() {
		return false
	}
	t = t.In(h.loc())
	hol := holidaysOf(h)
	opening, closing, ok := h.window(civil.Of(t), &hol)
	return ok && !t.Before(opening) && t.Before(closing)
}

// NextOpen returns t if it is within business hours, else the next opening instant. The
// result is in the site's location.
func (h Hours) NextOpen(t time.Time) time.Time {
	return h.Add(t, 0)
}

// Add returns the instant that lies d of business time after t. t may be outside business
// hours: counting starts at the next opening, so Add(t, 0) is NextOpen(t). A count that ends
// exactly at closing time returns the closing instant (Friday 17:00 + 1h is Friday 18:00, not
// Monday 9:00), which is what a person reads as "by the end of Friday". A negative d counts as
// 0. The result is in the site's location.
func (h Hours) Add(t time.Time, d time.Duration) time.Time {
	if !h.opens() {
		return time.Time{}
	}
	d = max(d, 0)
	t = t.In(h.loc())
	hol := holidaysOf(h)
	// One step per calendar day, each consuming a whole day's window at once: 30 business
	// days are about 42 steps, whatever the precision of d. Since the hours open, at least one
	// weekday a week is a working day and holidays are few, so the loop ends.
	for day := civil.Of(t); ; day = nextDay(day) {
		opening, closing, ok := h.window(day, &hol)
		if !ok || !t.Before(closing) {
			continue
		}
		start := t
		if start.Before(opening) {
			start = opening
		}
		left := closing.Sub(start)
		if d <= left {
			return start.Add(d)
		}
		d -= left
	}
}

// Between returns the business time elapsed from a to b, 0 if b is not after a.
func (h Hours) Between(a, b time.Time) time.Duration {
	if !b.After(a) || !h.opens() {
		return 0
	}
	loc := h.loc()
	a, b = a.In(loc), b.In(loc)
	hol := holidaysOf(h)
	var sum time.Duration
	last := civil.Of(b)
	for day := civil.Of(a); !last.Before(day); day = nextDay(day) {
		opening, closing, ok := h.window(day, &hol)
		if !ok {
			continue
		}
		lo, hi := later(a, opening), earlier(b, closing)
		if lo.Before(hi) {
			sum += hi.Sub(lo)
		}
	}
	return sum
}

func (h Hours) loc() *time.Location {
	if h.Location == nil {
		return time.UTC
	}
	return h.Location
}

// opens reports whether the hours open at all; every loop that searches for an opening
// checks it first, so that a bad configuration cannot hang a request.
func (h Hours) opens() bool {
	if h.Start < 0 || h.End > 24*time.Hour || h.Start >= h.End {
		return false
	}
	for _, open := range h.Days {
		if open {
			return true
		}
	}
	return false
}

// window returns the opening and closing instants of day, or ok false when the site does not
// work that day.
func (h Hours) window(day civil.Date, hol *holidayYear) (opening, closing time.Time, ok bool) {
	if !h.Days[weekday(day)] || hol.is(day) {
		return time.Time{}, time.Time{}, false
	}
	loc := h.loc()
	opening, closing = wallClock(day, h.Start, loc), wallClock(day, h.End, loc)
	// A window edge set inside the hour skipped in spring can land anywhere in it; a day whose
	// edges came out reversed is treated as closed rather than counted backwards.
	return opening, closing, opening.Before(closing)
}

// wallClock returns the instant at which the local clock of loc reads since-midnight on day.
// time.Date normalises the seconds on the wall clock before choosing the zone offset, which
// is exactly "9:00 local" even on the days summer time starts or ends; adding 9h to midnight
// would be 10:00 on the last Sunday of March. Seconds, not nanoseconds, keep it in range of a
// 32-bit int.
func wallClock(day civil.Date, since time.Duration, loc *time.Location) time.Time {
	return time.Date(day.Year, day.Month, day.Day, 0, 0, int(since/time.Second), int(since%time.Second), loc)
}

// weekday and nextDay do calendar arithmetic in UTC at noon, where no day is 23 or 25 hours.
func weekday(d civil.Date) time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

func nextDay(d civil.Date) civil.Date {
	return civil.Of(time.Date(d.Year, d.Month, d.Day+1, 12, 0, 0, 0, time.UTC))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
