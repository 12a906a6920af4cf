package report

import (
	"math"
	"slices"
	"time"
)

// Durations sums up how long something took over a set of requests.
type Durations struct {
	Count  int           // how many requests were measured
	Median time.Duration // the middle value; the mean of the two middle ones for an even count
	P90    time.Duration // 90 % of the requests took at most this long (nearest rank)
}

// measure sorts ds and reads its median and 90th percentile.
func measure(ds []time.Duration) Durations {
	n := len(ds)
	if n == 0 {
		return Durations{}
	}
	slices.Sort(ds)
	d := Durations{Count: n, Median: ds[n/2]}
	if n%2 == 0 {
		d.Median = (ds[n/2-1] + ds[n/2]) / 2
	}
	rank := int(math.Ceil(0.9 * float64(n)))
	d.P90 = ds[rank-1]
	return d
}

// Attainment is how many SLA targets were met among those that can be judged: the request was
// answered (or resolved), or its due time has passed without it. Targets still running are
// left out, so a request received an hour ago does not count as late.
type Attainment struct {
	Met, Total int
}

// Rate is the share of targets met, from 0 to 1; ok is false when nothing could be judged.
func (a Attainment) Rate() (rate float64, ok bool) {
	if a.Total == 0 {
		return 0, false
	}
	return float64(a.Met) / float64(a.Total), true
}

// Percent is Rate as a whole percentage, rounded down so that 99.6 % is not shown as 100 %
// while one target was missed; -1 when nothing could be judged.
func (a Attainment) Percent() int {
	r, ok := a.Rate()
	if !ok {
		return -1
	}
	return int(math.Floor(r*100 + 1e-9))
}

func (a Attainment) plus(b Attainment) Attainment {
	return Attainment{a.Met + b.Met, a.Total + b.Total}
}

// judge adds one target to a: done is when it was met (nil: not yet), due when it was due.
func (a *Attainment) judge(done, due *time.Time, now time.Time) {
	switch {
	case due == nil:
	case done != nil:
		a.Total++
		if !done.After(*due) {
			a.Met++
		}
	case now.After(*due):
		a.Total++
	}
}

// Satisfaction counts the requesters' 👍 and 👎.
type Satisfaction struct {
	Up, Down int
}

// Rated is how many requests were rated.
func (s Satisfaction) Rated() int { return s.Up + s.Down }

// Percent is the share of 👍 as a whole percentage (rounded), -1 when nothing was rated.
func (s Satisfaction) Percent() int {
	if s.Rated() == 0 {
		return -1
	}
	return int(math.Round(float64(s.Up) * 100 / float64(s.Rated())))
}

// Figures are the measures of a set of requests: the whole period, a week, a week's category.
// Time measures and SLA attainment are those of the requests received in the set's span;
// Resolved counts the requests the team resolved in that span, whenever they came in. The
// requests the bible solved are counted in Received and apart in SolvedByBible, and nowhere else;
// so are the duplicates merged into another request, apart in Merged.
type Figures struct {
	Received         int
	SolvedByBible    int // of Received, withdrawn by their requester because the bible answered them
	Merged           int // of Received, merged as duplicates into the request they repeat
	Resolved         int
	FirstResponse    Durations // from receipt to the team's first public reply (wall clock)
	Resolution       Durations // from receipt to resolution (wall clock)
	SLAFirstResponse Attainment
	SLAResolution    Attainment
}

// SLA is both targets together: every first response and resolution target judged.
func (f Figures) SLA() Attainment { return f.SLAFirstResponse.plus(f.SLAResolution) }

// BiblePercent is the share of the requests received that the bible solved, as a whole
// percentage (rounded), -1 when nothing was received.
func (f Figures) BiblePercent() int { return SharePercent(f.SolvedByBible, f.Received) }

// MergedPercent is the share of the requests received that were merged as duplicates, as a
// whole percentage (rounded), -1 when nothing was received.
func (f Figures) MergedPercent() int { return SharePercent(f.Merged, f.Received) }

// SharePercent is n out of total as a whole percentage (rounded), -1 when total is 0.
func SharePercent(n, total int) int {
	if total == 0 {
		return -1
	}
	return int(math.Round(float64(n) * 100 / float64(total)))
}

// tally gathers the raw values of one set before they become Figures.
type tally struct {
	received, resolved int
	bible              int // received, then solved by the bible
	merged             int // received, then merged as a duplicate
	apart              int // solved by the bible or merged in the span: no longer open, not resolved by the team
	firstResponse      []time.Duration
	resolution         []time.Duration
	slaFirst, slaRes   Attainment
	satisfaction       Satisfaction
}

// receive counts a request received in the set's span.
func (t *tally) receive(r row, now time.Time) {
	t.received++
	if r.bible { // nobody answered it: its minutes would flatter the team
		t.bible++
		return
	}
	if r.merged { // the survivor carries the work: the duplicate's minutes would flatter the team
		t.merged++
		return
	}
	if r.firstResponse != nil {
		t.firstResponse = append(t.firstResponse, max(r.firstResponse.Sub(r.created), 0))
	}
	if r.resolved != nil {
		t.resolution = append(t.resolution, max(r.resolved.Sub(r.created), 0))
	}
	t.slaFirst.judge(r.firstResponse, r.firstResponseDue, now)
	t.slaRes.judge(r.resolved, r.resolutionDue, now)
	switch r.satisfaction {
	case 1:
		t.satisfaction.Up++
	case -1:
		t.satisfaction.Down++
	}
}

func (t *tally) figures() Figures {
	if t == nil {
		return Figures{}
	}
	return Figures{Received: t.received, SolvedByBible: t.bible, Merged: t.merged, Resolved: t.resolved, FirstResponse: measure(t.firstResponse),
		Resolution: measure(t.resolution), SLAFirstResponse: t.slaFirst, SLAResolution: t.slaRes}
}
