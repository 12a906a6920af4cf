package importfile

import (
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in   string
		want time.Time // zero means an error is expected
	}{
		{"04/01/2022", day(2022, time.January, 4)},
		{"4/1/2022", day(2022, time.January, 4)},
		{" 04/1/2022 ", day(2022, time.January, 4)},
		{"04-01-2022", day(2022, time.January, 4)},
		{"04.01.2022", day(2022, time.January, 4)},
		{"2022-01-04", day(2022, time.January, 4)},
		{"2022-1-4", day(2022, time.January, 4)},
		{"29/02/2024", day(2024, time.February, 29)},
		{"31/12/1999", day(1999, time.December, 31)},
		{"31/02/2022", time.Time{}},
		{"29/02/2023", time.Time{}},
		{"29/02/1900", time.Time{}},
		{"31/04/2022", time.Time{}},
		{"00/01/2022", time.Time{}},
		{"01/13/2022", time.Time{}},
		{"01/00/2022", time.Time{}},
		{"04/01/22", time.Time{}},
		{"2022/01/04", time.Time{}},
		{"2022.01.04", time.Time{}},
		{"01/02-2022", time.Time{}},
		{"001/02/2022", time.Time{}},
		{"+1/02/2022", time.Time{}},
		{"01/02/0000", time.Time{}},
		{"2022-01-04T10:00:00Z", time.Time{}},
		{"01/02/2022 10:00", time.Time{}},
		{"04 janvier 2022", time.Time{}},
		{"44565", time.Time{}},
		{"", time.Time{}},
	}
	for _, tc := range tests {
		got, err := ParseDate(tc.in)
		if tc.want.IsZero() {
			if !errors.Is(err, ErrBadDate) {
				t.Errorf("ParseDate(%q) = %v, %v; want ErrBadDate", tc.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
