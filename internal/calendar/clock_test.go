package calendar

import (
	"testing"
	"time"
)

func TestClockElapsed(t *testing.T) {
	h := DefaultHours(paris, France)
	start := at(t, "2026-01-12 09:00") // a Monday
	// Waiting on the requester from Monday 11:00 to Tuesday 10:00: 7h + 1h of business time.
	waited := Interval{at(t, "2026-01-12 11:00"), at(t, "2026-01-13 10:00")}
	tests := []struct {
		name   string
		pauses []Interval
		now    string
		want   time.Duration
	}{
		{"no pause", nil, "2026-01-13 12:00", 12 * time.Hour},
		{"one closed pause", []Interval{waited}, "2026-01-13 12:00", 4 * time.Hour},
		{"inside the pause", []Interval{waited}, "2026-01-12 15:00", 2 * time.Hour},
		// Paused again from Tuesday 14:00, still waiting on Wednesday 10:00: 4h + 1h more.
		{"one closed, one open", []Interval{waited, {From: at(t, "2026-01-13 14:00")}}, "2026-01-14 10:00", 6 * time.Hour},
		{"overlapping pauses count once", []Interval{
			{at(t, "2026-01-12 15:00"), at(t, "2026-01-12 16:00")}, waited,
		}, "2026-01-13 12:00", 4 * time.Hour},
		{"pause from before the start", []Interval{{at(t, "2026-01-11 12:00"), at(t, "2026-01-12 10:00")}}, "2026-01-12 12:00", 2 * time.Hour},
		{"pause after now", []Interval{{From: at(t, "2026-01-12 15:00")}}, "2026-01-12 12:00", 3 * time.Hour},
		{"backwards pause is ignored", []Interval{{at(t, "2026-01-12 11:00"), at(t, "2026-01-12 10:00")}}, "2026-01-12 12:00", 3 * time.Hour},
		{"now before start", []Interval{waited}, "2026-01-09 12:00", 0},
	}
	for _, tt := range tests {
		c := Clock{Hours: h, Pauses: tt.pauses}
		if got := c.Elapsed(start, at(t, tt.now)); got != tt.want {
			t.Errorf("%s: Elapsed(%s) = %v; want %v", tt.name, tt.now, got, tt.want)
		}
	}
}

func TestClockDue(t *testing.T) {
	h := DefaultHours(paris, France)
	start := at(t, "2026-01-12 09:00")
	waited := Interval{at(t, "2026-01-12 11:00"), at(t, "2026-01-13 10:00")}
	open := Interval{From: at(t, "2026-01-13 14:00")} // 2h before the pause + 4h after it = 6h
	tests := []struct {
		name   string
		pauses []Interval
		target time.Duration
		want   string // "" when not known
	}{
		{"no pause", nil, 4 * time.Hour, "2026-01-12 13:00"},
		{"reached before the pause", []Interval{waited}, time.Hour, "2026-01-12 10:00"},
		{"reached as the pause begins", []Interval{waited}, 2 * time.Hour, "2026-01-12 11:00"},
		{"pushed back by the pause", []Interval{waited}, 4 * time.Hour, "2026-01-13 12:00"},
		{"3 business days", []Interval{waited}, 3 * h.Workday(), "2026-01-15 17:00"},
		{"paused now", []Interval{waited, open}, 8 * time.Hour, ""},
		{"breached before the open pause", []Interval{waited, open}, 5 * time.Hour, "2026-01-13 13:00"},
		{"pauses in any order", []Interval{open, waited}, 8 * time.Hour, ""},
	}
	for _, tt := range tests {
		c := Clock{Hours: h, Pauses: tt.pauses}
		got, ok := c.Due(start, tt.target)
		if tt.want == "" {
			if ok || !got.IsZero() {
				t.Errorf("%s: Due(%v) = %s, %v; want the zero time, false", tt.name, tt.target, got, ok)
			}
			continue
		}
		if want := at(t, tt.want); !ok || !got.Equal(want) {
			t.Errorf("%s: Due(%v) = %s, %v; want %s, true", tt.name, tt.target, got, ok, want)
		}
		// What Due promises, Elapsed must measure when the time comes.
		if e := c.Elapsed(start, got); e != tt.target {
			t.Errorf("%s: Elapsed(start, Due) = %v; want %v", tt.name, e, tt.target)
		}
	}
	if _, ok := (Clock{}).Due(start, time.Hour); ok {
		t.Error("a clock whose hours never open must have no due time")
	}
}
