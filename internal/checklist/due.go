package checklist

import (
	"time"

	"majordome/internal/calendar"
	"majordome/internal/civil"
)

// Dates returns when task k of a run anchored on anchor is visible from and due, counting
// working days in h. end says the anchor is an end date (person_end), where J0 on a day off
// moves back to the last working day rather than forward to the next (see the package
// documentation).
func Dates(k Task, anchor civil.Date, h calendar.Hours, end bool) (visible, due civil.Date) {
	due = shift(anchor, k.Offset, k.Unit, h, end)
	visible = due
	if k.OffsetEnd != 0 {
		due = shift(anchor, k.OffsetEnd, k.Unit, h, end)
	}
	return visible, due
}

// shift is anchor moved by n units.
func shift(anchor civil.Date, n int, unit string, h calendar.Hours, end bool) civil.Date {
	switch unit {
	case Months:
		return addMonths(anchor, n)
	case Working:
		return addWorkingDays(anchor, n, h, end)
	}
	return addDays(anchor, n)
}

// addDays is d + n calendar days, computed at noon UTC where every day has 24 hours.
func addDays(d civil.Date, n int) civil.Date {
	return civil.Of(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// addMonths is d + n months, the day clamped to the last of the target month (31 January +
// 1 month is 28 or 29 February), as a person counts "within three months".
func addMonths(d civil.Date, n int) civil.Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 12, 0, 0, 0, time.UTC)
	day := min(d.Day, daysIn(first.Month(), first.Year()))
	return civil.Date{Year: first.Year(), Month: first.Month(), Day: day}
}

// addWorkingDays is the n-th working day of h after d (before it for a negative n); for n = 0,
// d itself when it is a working day, else the next one, or the previous one when end is set.
// Hours that never open count calendar days, rather than search forever.
func addWorkingDays(d civil.Date, n int, h calendar.Hours, end bool) civil.Date {
	if h.Workday() == 0 {
		return addDays(d, n)
	}
	step := 1
	if n < 0 || (n == 0 && end) {
		step = -1
	}
	if n == 0 {
		for !IsWorkingDay(h, d) {
			d = addDays(d, step)
		}
		return d
	}
	for left := max(n, -n); left > 0; {
		d = addDays(d, step)
		if IsWorkingDay(h, d) {
			left--
		}
	}
	return d
}

// IsWorkingDay reports whether the site of h works on d: one of its working days and not a
// public holiday of its region (but Whit Monday where the site works it). It asks the
// calendar itself, so that a day counts exactly as the SLA clock counts it.
func IsWorkingDay(h calendar.Hours, d civil.Date) bool {
	loc := h.Location
	if loc == nil {
		loc = time.UTC
	}
	midnight := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	next := h.NextOpen(midnight)
	return !next.IsZero() && civil.Of(next.In(loc)) == d
}

// DefaultHours are the hours a run without a site counts in: Monday to Friday, in Paris, on the
// national public holidays.
func DefaultHours() calendar.Hours {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		loc = time.UTC
	}
	return calendar.DefaultHours(loc, calendar.France)
}
