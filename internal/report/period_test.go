package report

import (
	"errors"
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zoneinfo

	"majordome/internal/civil"
	"majordome/internal/valid"
)

func date(t *testing.T, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPresets(t *testing.T) {
	today := date(t, "2026-11-22")
	want := map[string]string{
		ThisMonth:   "01/11/2026 – 22/11/2026",
		LastMonth:   "01/10/2026 – 31/10/2026",
		ThisQuarter: "01/10/2026 – 22/11/2026",
		Last30Days:  "24/10/2026 – 22/11/2026",
	}
	for _, name := range Presets {
		p, ok := Preset(name, today, nil)
		if !ok || p.String() != want[name] {
			t.Errorf("%s: %s, want %s", name, p, want[name])
		}
	}
	if p, _ := Preset(LastMonth, date(t, "2026-01-15"), nil); p.String() != "01/12/2025 – 31/12/2025" {
		t.Errorf("last month in January: %s", p)
	}
	if p, _ := Preset(ThisQuarter, date(t, "2026-03-31"), nil); p.String() != "01/01/2026 – 31/03/2026" {
		t.Errorf("this quarter: %s", p)
	}
	if _, ok := Preset("yesterday", today, nil); ok {
		t.Error("an unknown preset must be refused")
	}
}

func TestPrevious(t *testing.T) {
	cases := map[string]string{
		"2026-11-01 2026-11-30": "01/10/2026 – 31/10/2026", // a month: the month before, whatever its length
		"2026-03-01 2026-03-31": "01/02/2026 – 28/02/2026",
		"2026-10-01 2026-12-31": "01/07/2026 – 30/09/2026", // a quarter
		"2026-01-01 2026-12-31": "01/01/2025 – 31/12/2025", // a year
		"2026-11-01 2026-11-22": "10/10/2026 – 31/10/2026", // month to date: same number of days
		"2026-10-24 2026-11-22": "24/09/2026 – 23/10/2026",
		"2026-11-22 2026-11-22": "21/11/2026 – 21/11/2026",
	}
	for in, want := range cases {
		p := Period{From: date(t, in[:10]), To: date(t, in[11:])}
		if got := p.Previous(); got.String() != want {
			t.Errorf("%s: previous %s, want %s", p, got, want)
		}
	}
}

func TestWeeksAndBounds(t *testing.T) {
	p := Period{From: date(t, "2026-11-01"), To: date(t, "2026-11-30")}
	var got []string
	for _, m := range p.Weeks() {
		y, w := ISOWeek(m)
		got = append(got, fmt.Sprintf("%s/%d-W%02d", m, y, w))
	}
	want := []string{"2026-10-26/2026-W44", "2026-11-02/2026-W45", "2026-11-09/2026-W46", "2026-11-16/2026-W47",
		"2026-11-23/2026-W48", "2026-11-30/2026-W49"}
	if len(got) != len(want) {
		t.Fatalf("weeks %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("week %d: %s, want %s", i, got[i], want[i])
		}
	}
	// Paris is UTC+1 in November, UTC+2 before the last Sunday of October.
	if s, e := p.Start(), p.End(); !s.Equal(time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC)) || !e.Equal(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("bounds %v – %v", s, e)
	}
	oct := Period{From: date(t, "2026-10-01"), To: date(t, "2026-10-31")}
	if s := oct.Start(); !s.Equal(time.Date(2026, 9, 30, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("October starts %v", s)
	}
	if !p.WholeMonth() || !oct.Previous().WholeMonth() || (Period{From: date(t, "2026-11-01"), To: date(t, "2026-11-29")}).WholeMonth() {
		t.Error("WholeMonth")
	}
	// ISO year differs from the calendar year around New Year.
	if y, w := ISOWeek(date(t, "2026-12-28")); y != 2026 || w != 53 {
		t.Errorf("28/12/2026 is in %d-W%d", y, w)
	}
	if y, w := ISOWeek(date(t, "2024-12-30")); y != 2025 || w != 1 {
		t.Errorf("30/12/2024 is in %d-W%d", y, w)
	}
}

func TestNewPeriod(t *testing.T) {
	codes := func(err error) map[string]string {
		out := map[string]string{}
		var ve valid.Errors
		if errors.As(err, &ve) {
			for _, f := range ve {
				out[f.Field] = f.Code
			}
		}
		return out
	}
	if _, err := NewPeriod(date(t, "2026-11-01"), date(t, "2026-11-30"), nil); err != nil {
		t.Fatal(err)
	}
	if got := codes(func() error { _, err := NewPeriod(civil.Date{}, civil.Date{}, nil); return err }()); got["from"] != "reports_date_required" || got["to"] != "reports_date_required" {
		t.Errorf("missing dates: %v", got)
	}
	if got := codes(func() error { _, err := NewPeriod(date(t, "2026-11-30"), date(t, "2026-11-01"), nil); return err }()); got["to"] != "reports_range_reversed" {
		t.Errorf("reversed: %v", got)
	}
	if got := codes(func() error { _, err := NewPeriod(date(t, "2020-01-01"), date(t, "2026-11-01"), nil); return err }()); got["to"] != "reports_range_too_long" {
		t.Errorf("too long: %v", got)
	}
}

func TestMeasure(t *testing.T) {
	m := func(mins ...int) Durations {
		var ds []time.Duration
		for _, n := range mins {
			ds = append(ds, time.Duration(n)*time.Minute)
		}
		return measure(ds)
	}
	if d := m(); d != (Durations{}) {
		t.Errorf("empty: %+v", d)
	}
	if d := m(7); d.Median != 7*time.Minute || d.P90 != 7*time.Minute || d.Count != 1 {
		t.Errorf("one: %+v", d)
	}
	if d := m(90, 10, 40, 20); d.Median != 30*time.Minute || d.P90 != 90*time.Minute {
		t.Errorf("four: %+v", d)
	}
	if d := m(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11); d.Median != 6*time.Minute || d.P90 != 10*time.Minute {
		t.Errorf("eleven: %+v", d)
	}
	if p := (Attainment{Met: 199, Total: 200}).Percent(); p != 99 {
		t.Errorf("199/200 = %d %%, want 99 (never rounded up to 100)", p)
	}
	if p := (Attainment{}).Percent(); p != -1 {
		t.Errorf("nothing judged = %d", p)
	}
	if p := (Satisfaction{Up: 2, Down: 1}).Percent(); p != 67 {
		t.Errorf("2 up 1 down = %d %%", p)
	}
}
