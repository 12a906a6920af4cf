package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zoneinfo

	"majordome/internal/civil"
)

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at reads "2006-01-02 15:04" as Paris wall-clock time.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// allWeek is a 24/7 desk with no holidays, where business time is plain elapsed time: it
// shows that days are local calendar days, 23 or 25 hours long when the clocks change.
var allWeek = Hours{Location: paris, Days: [7]bool{true, true, true, true, true, true, true}, End: 24 * time.Hour}

func TestAdd(t *testing.T) {
	fr, am := DefaultHours(paris, France), DefaultHours(paris, AlsaceMoselle)
	tests := []struct {
		name string
		h    Hours
		from string
		d    time.Duration
		want string
	}{
		{"within the day", fr, "2026-01-13 10:30", 30 * time.Minute, "2026-01-13 11:00"},
		{"zero inside hours is now", fr, "2026-01-13 10:30", 0, "2026-01-13 10:30"},
		{"Friday evening to Monday", fr, "2026-01-09 17:00", 2 * time.Hour, "2026-01-12 10:00"},
		{"ends exactly at closing", fr, "2026-01-09 17:00", time.Hour, "2026-01-09 18:00"},
		{"from a Saturday", fr, "2026-01-10 11:00", time.Hour, "2026-01-12 10:00"},
		{"zero from a Saturday is the next opening", fr, "2026-01-10 11:00", 0, "2026-01-12 09:00"},
		{"zero at closing time is the next opening", fr, "2026-01-12 18:00", 0, "2026-01-13 09:00"},
		{"before opening", fr, "2026-01-12 07:00", time.Hour, "2026-01-12 10:00"},
		{"after closing", fr, "2026-01-12 19:00", time.Hour, "2026-01-13 10:00"},
		{"negative counts as zero", fr, "2026-01-12 19:00", -time.Hour, "2026-01-13 09:00"},
		{"over 14 juillet (a Tuesday)", fr, "2026-07-13 17:00", 2 * time.Hour, "2026-07-15 10:00"},
		{"Good Friday works in FR", fr, "2026-04-02 17:00", 2 * time.Hour, "2026-04-03 10:00"},
		{"Good Friday and Easter Monday in Alsace-Moselle", am, "2026-04-02 17:00", 2 * time.Hour, "2026-04-07 10:00"},
		{"DST starts (29 March)", fr, "2026-03-27 17:00", 2 * time.Hour, "2026-03-30 10:00"},
		{"DST ends (25 October)", fr, "2026-10-23 17:00", 2 * time.Hour, "2026-10-26 10:00"},
		{"over Noël, a Friday", fr, "2026-12-24 17:00", 2 * time.Hour, "2026-12-28 10:00"},
		{"26 December on a Saturday changes nothing", am, "2026-12-24 17:00", 2 * time.Hour, "2026-12-28 10:00"},
		{"over the year end", fr, "2026-12-31 17:00", 2 * time.Hour, "2027-01-04 10:00"},
		// 2 Nov to 14 Dec 2026: six weeks of five days, less 11 November (a Wednesday).
		{"30 business days", fr, "2026-11-02 09:00", 30 * 9 * time.Hour, "2026-12-14 18:00"},
		// 21–24 Dec, 28–31 Dec, 4–5 Jan: Noël and 1 January are Fridays.
		{"10 business days over the holidays", am, "2026-12-21 09:00", 10 * 9 * time.Hour, "2027-01-05 18:00"},
		{"24/7 over the short night", allWeek, "2026-03-28 00:00", 47 * time.Hour, "2026-03-30 00:00"},
		{"24/7 over the long night", allWeek, "2026-10-24 00:00", 49 * time.Hour, "2026-10-26 00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.h.Add(at(t, tt.from), tt.d)
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("Add(%s, %v) = %s; want %s", tt.from, tt.d, got, want)
			}
			if got.Location() != paris {
				t.Errorf("Add returned %s in %s; want the site's location", got, got.Location())
			}
		})
	}
}

// TestAddDSTInUTC pins the instants, not only the wall clock: across the spring change,
// Friday 17:00 CET is 16:00 UTC and Monday 10:00 CEST is 08:00 UTC; across the autumn
// change, Friday 17:00 CEST is 15:00 UTC and Monday 10:00 CET is 09:00 UTC. The inputs are
// given in UTC, as the database stores them.
func TestAddDSTInUTC(t *testing.T) {
	h := DefaultHours(paris, France)
	tests := []struct{ from, want time.Time }{
		{time.Date(2026, 3, 27, 16, 0, 0, 0, time.UTC), time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC)},
		{time.Date(2026, 10, 23, 15, 0, 0, 0, time.UTC), time.Date(2026, 10, 26, 9, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := h.Add(tt.from, 2*time.Hour); !got.Equal(tt.want) {
			t.Errorf("Add(%s, 2h) = %s; want %s", tt.from, got.UTC(), tt.want)
		}
	}
}

func TestIsOpenAndNextOpen(t *testing.T) {
	fr, am := DefaultHours(paris, France), DefaultHours(paris, AlsaceMoselle)
	tests := []struct {
		h    Hours
		t    string
		open bool
		next string
	}{
		{fr, "2026-01-12 09:00", true, "2026-01-12 09:00"},
		{fr, "2026-01-12 17:59", true, "2026-01-12 17:59"},
		{fr, "2026-01-12 08:59", false, "2026-01-12 09:00"},
		{fr, "2026-01-12 18:00", false, "2026-01-13 09:00"},
		{fr, "2026-01-10 12:00", false, "2026-01-12 09:00"}, // Saturday
		{fr, "2026-07-14 10:00", false, "2026-07-15 09:00"},
		{fr, "2026-04-03 10:00", true, "2026-04-03 10:00"},
		{am, "2026-04-03 10:00", false, "2026-04-07 09:00"},
		{fr, "2026-03-29 10:00", false, "2026-03-30 09:00"}, // the Sunday the clocks go forward
	}
	for _, tt := range tests {
		tm := at(t, tt.t)
		if got := tt.h.IsOpen(tm); got != tt.open {
			t.Errorf("%s IsOpen(%s) = %v; want %v", tt.h.Region, tt.t, got, tt.open)
		}
		if got, want := tt.h.NextOpen(tm), at(t, tt.next); !got.Equal(want) {
			t.Errorf("%s NextOpen(%s) = %s; want %s", tt.h.Region, tt.t, got, want)
		}
	}
}

func TestBetween(t *testing.T) {
	fr, am := DefaultHours(paris, France), DefaultHours(paris, AlsaceMoselle)
	tests := []struct {
		name string
		h    Hours
		a, b string
		want time.Duration
	}{
		{"Friday evening to Monday", fr, "2026-01-09 17:00", "2026-01-12 10:00", 2 * time.Hour},
		{"backwards", fr, "2026-01-12 10:00", "2026-01-09 17:00", 0},
		{"same instant", fr, "2026-01-12 10:00", "2026-01-12 10:00", 0},
		{"a weekend", fr, "2026-01-10 08:00", "2026-01-11 20:00", 0},
		{"a full week", fr, "2026-01-12 00:00", "2026-01-19 00:00", 45 * time.Hour},
		{"over the DST change", fr, "2026-03-27 17:00", "2026-03-30 10:00", 2 * time.Hour},
		{"Easter in FR", fr, "2026-04-02 00:00", "2026-04-07 00:00", 18 * time.Hour},
		{"Easter in Alsace-Moselle", am, "2026-04-02 00:00", "2026-04-07 00:00", 9 * time.Hour},
		// 2026 begins on a Thursday: 261 weekdays. FR closes 9 of them (15 August and
		// Toussaint fall on a weekend); Alsace-Moselle adds Good Friday, but not 26 December,
		// a Saturday.
		{"the year 2026 in FR", fr, "2026-01-01 00:00", "2027-01-01 00:00", 252 * 9 * time.Hour},
		{"the year 2026 in Alsace-Moselle", am, "2026-01-01 00:00", "2027-01-01 00:00", 251 * 9 * time.Hour},
		{"24/7 over the short night", allWeek, "2026-03-28 00:00", "2026-03-30 00:00", 47 * time.Hour},
		{"24/7 over the long night", allWeek, "2026-10-24 00:00", "2026-10-26 00:00", 49 * time.Hour},
	}
	for _, tt := range tests {
		if got := tt.h.Between(at(t, tt.a), at(t, tt.b)); got != tt.want {
			t.Errorf("%s: Between(%s, %s) = %v; want %v", tt.name, tt.a, tt.b, got, tt.want)
		}
	}
}

// TestBetweenInvertsAdd checks, over random instants of four years (two DST changes each, year
// ends, Easter on different dates), that Between measures back exactly what Add counted.
func TestBetweenInvertsAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 3))
	lo := time.Date(2025, 1, 1, 0, 0, 0, 0, paris).Unix()
	hi := time.Date(2029, 1, 1, 0, 0, 0, 0, paris).Unix()
	for _, h := range []Hours{DefaultHours(paris, France), DefaultHours(paris, AlsaceMoselle), allWeek} {
		for range 2000 {
			raw := time.Unix(lo+rng.Int64N(hi-lo), 0)
			start := h.NextOpen(raw)
			if !h.IsOpen(start) {
				t.Fatalf("NextOpen(%s) = %s, which is not open", raw, start)
			}
			d := time.Duration(rng.IntN(60*9*60)) * time.Minute // up to 60 business days
			end := h.Add(start, d)
			if got := h.Between(start, end); got != d {
				t.Fatalf("%s: Between(%s, Add(%s, %v) = %s) = %v", h.Region, start, start, d, end, got)
			}
			// From outside business hours too: the wait before opening is not counted.
			if got := h.Between(raw, h.Add(raw, d)); got != d {
				t.Fatalf("%s: Between(%s, Add(%s, %v)) = %v", h.Region, raw, raw, d, got)
			}
		}
	}
}

func TestHoursThatNeverOpen(t *testing.T) {
	now := at(t, "2026-01-12 10:00")
	for name, h := range map[string]Hours{
		"no day":           {Location: paris, Start: 9 * time.Hour, End: 18 * time.Hour},
		"empty window":     {Location: paris, Days: DefaultHours(nil, France).Days, Start: 9 * time.Hour, End: 9 * time.Hour},
		"past midnight":    {Location: paris, Days: DefaultHours(nil, France).Days, Start: 22 * time.Hour, End: 30 * time.Hour},
		"the zero value":   {},
		"negative opening": {Days: DefaultHours(nil, France).Days, Start: -time.Hour, End: time.Hour},
	} {
		if got := h.Add(now, time.Hour); !got.IsZero() {
			t.Errorf("%s: Add = %s; want the zero time", name, got)
		}
		if got := h.NextOpen(now); !got.IsZero() {
			t.Errorf("%s: NextOpen = %s; want the zero time", name, got)
		}
		if h.IsOpen(now) || h.Between(now, now.Add(time.Hour)) != 0 || h.Workday() != 0 {
			t.Errorf("%s: hours that never open must be closed and count nothing", name)
		}
	}
}

func TestNilLocationIsUTC(t *testing.T) {
	h := DefaultHours(nil, France)
	from := time.Date(2026, 1, 9, 17, 0, 0, 0, paris) // 16:00 UTC
	if got, want := h.Add(from, 3*time.Hour), time.Date(2026, 1, 12, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Add = %s; want %s", got, want)
	}
	if h.Workday() != 9*time.Hour {
		t.Errorf("Workday = %v; want 9h", h.Workday())
	}
}

func BenchmarkAdd30Days(b *testing.B) {
	h := DefaultHours(paris, AlsaceMoselle)
	from := time.Date(2026, 11, 2, 9, 0, 0, 0, paris)
	for b.Loop() {
		h.Add(from, 30*h.Workday())
	}
}

// TestWorkWhitMonday: 25 May 2026 is Whit Monday. A site that works it as the journée de
// solidarité counts it like any Monday, in both regions; the others skip it. The holiday
// calendar itself still lists it.
func TestWorkWhitMonday(t *testing.T) {
	for _, region := range []Region{France, AlsaceMoselle} {
		t.Run(string(region), func(t *testing.T) {
			off, worked := DefaultHours(paris, region), DefaultHours(paris, region)
			worked.WorkWhitMonday = true
			from := at(t, "2026-05-22 16:00") // Friday
			if got, want := off.Add(from, 4*time.Hour), at(t, "2026-05-26 11:00"); !got.Equal(want) {
				t.Errorf("holiday: Add = %s; want %s", got, want)
			}
			if got, want := worked.Add(from, 4*time.Hour), at(t, "2026-05-25 11:00"); !got.Equal(want) {
				t.Errorf("worked: Add = %s; want %s", got, want)
			}
			monday := at(t, "2026-05-25 10:00")
			if off.IsOpen(monday) || !worked.IsOpen(monday) {
				t.Errorf("IsOpen(Whit Monday 10:00): holiday %v, worked %v", off.IsOpen(monday), worked.IsOpen(monday))
			}
			weekend := [2]time.Time{from, at(t, "2026-05-26 18:00")}
			if got := off.Between(weekend[0], weekend[1]); got != 11*time.Hour {
				t.Errorf("holiday: Between = %v; want 11h", got)
			}
			if got := worked.Between(weekend[0], weekend[1]); got != 20*time.Hour {
				t.Errorf("worked: Between = %v; want 20h", got)
			}
			// The option spares only Whit Monday: Ascension (14 May) stays a holiday, and
			// in Alsace-Moselle so does Good Friday (3 April).
			if got, want := worked.Add(at(t, "2026-05-13 17:00"), 2*time.Hour), at(t, "2026-05-15 10:00"); !got.Equal(want) {
				t.Errorf("worked over Ascension: Add = %s; want %s", got, want)
			}
			if region == AlsaceMoselle {
				if got, want := worked.Add(at(t, "2026-04-02 17:00"), 2*time.Hour), at(t, "2026-04-07 10:00"); !got.Equal(want) {
					t.Errorf("worked over Good Friday: Add = %s; want %s", got, want)
				}
			}
			// Another year, another date: 17 May 2027.
			if got, want := worked.Add(at(t, "2027-05-14 16:00"), 4*time.Hour), at(t, "2027-05-17 11:00"); !got.Equal(want) {
				t.Errorf("worked in 2027: Add = %s; want %s", got, want)
			}
			if name, ok := IsHoliday(region, civil.Of(monday)); !ok || name != "Lundi de Pentecôte" {
				t.Errorf("IsHoliday(25/05/2026) = %q, %v; want still a holiday", name, ok)
			}
		})
	}
}
