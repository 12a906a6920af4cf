package importfile

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrBadDate is wrapped by every error ParseDate returns, so callers can
// test errors.Is(err, ErrBadDate) and show their own message.
var ErrBadDate = errors.New("invalid date")

// ParseDate parses the dates people type in French files: dd/mm/yyyy,
// d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, plus ISO yyyy-mm-dd from HR tools. It
// returns midnight UTC: these are calendar days, not instants.
//
// It is strict on purpose. time.Date would turn 31/02/2022 into 3 March, and
// silently importing a wrong arrival date is worse than asking the user to
// fix a typo. Two-digit years are refused for the same reason (19 could be
// 1919 or 2019), as are mixed separators ("01/02-2022").
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	bad := func(why string) (time.Time, error) {
		return time.Time{}, fmt.Errorf("%w %q: %s (expected dd/mm/yyyy or yyyy-mm-dd)", ErrBadDate, s, why)
	}

	var parts []string
	for _, sep := range []string{"/", "-", "."} {
		if strings.Contains(s, sep) {
			parts = strings.Split(s, sep)
			break
		}
	}
	if len(parts) != 3 {
		return bad("not a date")
	}
	var ys, ms, ds string
	switch {
	case len(parts[0]) == 4 && strings.Contains(s, "-"):
		ys, ms, ds = parts[0], parts[1], parts[2]
	case len(parts[2]) == 4:
		ds, ms, ys = parts[0], parts[1], parts[2]
	default:
		return bad("year must have four digits")
	}
	if len(ds) < 1 || len(ds) > 2 || len(ms) < 1 || len(ms) > 2 {
		return bad("day and month must have one or two digits")
	}
	y, okY := digits(ys)
	m, okM := digits(ms)
	d, okD := digits(ds)
	if !okY || !okM || !okD {
		return bad("not a date")
	}
	if y < 1 {
		return bad("no such year")
	}
	if m < 1 || m > 12 {
		return bad("no such month")
	}
	if d < 1 || d > daysIn(time.Month(m), y) {
		return bad("no such day in this month")
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

// digits parses a string made only of ASCII digits; strconv.Atoi alone
// would also accept signs.
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// daysIn returns the number of days of month m in year y, using the fact
// that day 0 of the next month is the last day of this one.
func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
