// Package civil owns calendar dates without a time of day (a start date, a birthday, a holiday),
// their strict parsing from the formats people type in France, and their display.
package civil

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Date is a calendar day. The zero Date means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ErrBadDate is returned for text that is not a date, or not a possible one (31/02/2022).
var ErrBadDate = errors.New("civil: not a valid date")

var (
	isoDate = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	frDate  = regexp.MustCompile(`^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$`)
)

// Parse reads YYYY-MM-DD (the API's format) or dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy
// (what people type and Excel writes in France). It refuses impossible dates instead of rolling
// them over as time.Date would.
func Parse(s string) (Date, error) {
	var y, m, d string
	if p := isoDate.FindStringSubmatch(s); p != nil {
		y, m, d = p[1], p[2], p[3]
	} else if p := frDate.FindStringSubmatch(s); p != nil {
		d, m, y = p[1], p[2], p[3]
	} else {
		return Date{}, fmt.Errorf("%w: %q", ErrBadDate, s)
	}
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	if yi < 1900 || yi > 2200 || mi < 1 || mi > 12 || di < 1 {
		return Date{}, fmt.Errorf("%w: %q", ErrBadDate, s)
	}
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Day() != di || t.Month() != time.Month(mi) {
		return Date{}, fmt.Errorf("%w: %q", ErrBadDate, s)
	}
	return Date{yi, time.Month(mi), di}, nil
}

// Of returns the date of t in t's location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD, the storage and API form; the zero date gives "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// French formats d as dd/mm/yyyy; the zero date gives "".
func (d Date) French() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// Ptr returns nil for the zero date and the YYYY-MM-DD text otherwise, for nullable columns.
func (d Date) Ptr() *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}
