package report

import (
	"fmt"
	"time"

	"majordome/internal/civil"
	"majordome/internal/valid"
)

// MaxDays is the longest period a report covers: two years, enough for a yearly review compared
// with the year before, short enough to stay quick on a large desk.
const MaxDays = 731

// Period is a span of whole days, From and To included, read in Location (the company's
// timezone; nil means Europe/Paris). Weeks are ISO weeks (Monday to Sunday) in that timezone.
type Period struct {
	From, To civil.Date
	Location *time.Location
}

// The named periods of the picker.
const (
	ThisMonth   = "this_month"
	LastMonth   = "last_month"
	ThisQuarter = "this_quarter"
	Last30Days  = "last_30_days"
)

// Presets lists the named periods, in the picker's order.
var Presets = []string{ThisMonth, LastMonth, ThisQuarter, Last30Days}

// Preset returns the named period as seen on today: this month and this quarter run up to
// today, last month is the whole previous month, the last 30 days end today.
func Preset(name string, today civil.Date, loc *time.Location) (Period, bool) {
	t := day(today)
	var from, to time.Time
	switch name {
	case ThisMonth:
		from, to = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC), t
	case LastMonth:
		first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		from, to = first.AddDate(0, -1, 0), first.AddDate(0, 0, -1)
	case ThisQuarter:
		q := (int(t.Month()) - 1) / 3
		from, to = time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, time.UTC), t
	case Last30Days:
		from, to = t.AddDate(0, 0, -29), t
	default:
		return Period{}, false
	}
	return Period{From: civil.Of(from), To: civil.Of(to), Location: loc}, true
}

// NewPeriod checks a period typed by a person: both dates, in order, at most MaxDays long.
// Failures name the field ("from", "to") so a form can show them beside it.
func NewPeriod(from, to civil.Date, loc *time.Location) (Period, error) {
	var errs valid.Errors
	if from.IsZero() {
		errs.Add("from", "reports_date_required")
	}
	if to.IsZero() {
		errs.Add("to", "reports_date_required")
	}
	p := Period{From: from, To: to, Location: loc}
	if err := errs.Err(); err != nil {
		return p, err
	}
	switch {
	case to.Before(from):
		errs.Add("to", "reports_range_reversed")
	case p.Days() > MaxDays:
		errs.Add("to", "reports_range_too_long", "max", fmt.Sprint(MaxDays))
	}
	return p, errs.Err()
}

// Days is how many days the period holds.
func (p Period) Days() int {
	return int(day(p.To).Sub(day(p.From)).Hours()/24) + 1
}

// Previous is the period of the same length just before p, for comparisons. A period of whole
// calendar months (a month, a quarter, a year) is compared with the same number of whole months
// before it, so November is compared with October rather than with 30 days from 1 October;
// any other period with the same number of days.
func (p Period) Previous() Period {
	from, to := day(p.From), day(p.To)
	prevTo := from.AddDate(0, 0, -1)
	if p.From.Day == 1 && to.AddDate(0, 0, 1).Day() == 1 {
		months := (p.To.Year-p.From.Year)*12 + int(p.To.Month-p.From.Month) + 1
		return Period{From: civil.Of(from.AddDate(0, -months, 0)), To: civil.Of(prevTo), Location: p.Location}
	}
	return Period{From: civil.Of(from.AddDate(0, 0, -p.Days())), To: civil.Of(prevTo), Location: p.Location}
}

// WholeMonth reports whether p is exactly one calendar month, for file names like 2026-11.
func (p Period) WholeMonth() bool {
	return p.From.Day == 1 && p.From.Year == p.To.Year && p.From.Month == p.To.Month &&
		day(p.To).AddDate(0, 0, 1).Day() == 1
}

// Start is the first instant of the period, in UTC.
func (p Period) Start() time.Time { return p.midnight(p.From).UTC() }

// End is the first instant after the period, in UTC.
func (p Period) End() time.Time { return p.midnight(civil.Of(day(p.To).AddDate(0, 0, 1))).UTC() }

// Weeks lists the Monday of every ISO week the period touches, in order.
func (p Period) Weeks() []civil.Date {
	var out []civil.Date
	for m := monday(p.From); !p.To.Before(m); m = civil.Of(day(m).AddDate(0, 0, 7)) {
		out = append(out, m)
	}
	return out
}

// Loc is the period's timezone.
func (p Period) Loc() *time.Location {
	if p.Location != nil {
		return p.Location
	}
	return paris
}

// String writes the period as dd/mm/yyyy – dd/mm/yyyy.
func (p Period) String() string { return p.From.French() + " – " + p.To.French() }

// midnight is the start of day d in the period's timezone (a day that starts with a change of
// summer time still starts at its first instant).
func (p Period) midnight(d civil.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, p.Loc())
}

// weekOf is the Monday of the ISO week of t in the period's timezone.
func (p Period) weekOf(t time.Time) civil.Date { return monday(civil.Of(t.In(p.Loc()))) }

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// day is d at midnight UTC, for calendar arithmetic.
func day(d civil.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// monday is the Monday of d's ISO week.
func monday(d civil.Date) civil.Date {
	t := day(d)
	back := (int(t.Weekday()) + 6) % 7 // Monday 0 … Sunday 6
	return civil.Of(t.AddDate(0, 0, -back))
}

// ISOWeek returns the ISO year and week number of the week starting on Monday m.
func ISOWeek(m civil.Date) (year, week int) { return day(m).ISOWeek() }
