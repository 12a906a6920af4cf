package request

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // due times depend on the site's zone: never on the server's zoneinfo

	"majordome/internal/calendar"
)

// The service levels. Each priority has two targets in business time of the requester's site
// (sla_settings.go): the first response and the resolution. When a request is filed, its due
// times are its creation plus the targets, counted in the site's working hours, which skip
// weekends and French public holidays (with the Alsace-Moselle extras where the site follows
// them). A requester without a site counts in Paris, on the national holidays.
//
// The clock stops while the request waits on its requester, and while it is resolved: each such
// span is a pause (request_sla_pauses). Whenever the status, the priority or the first response
// changes, the due times are computed again from the creation minus the pauses
// (calendar.Clock), so a priority change counts from the creation too, and a target already
// missed before a pause stays missed. While the clock is paused, the stored due times are those
// the request would have if its requester answered then; pages say "paused" instead.
//
// A target is at risk once less than a fifth of it is left in business time: 12 minutes of an
// urgent first response, 5 h 24 of a normal resolution. A fifth scales with the target, where a
// fixed hour would warn at once on an urgent request and too late on a low one. The instant a
// target becomes at risk is stored beside its due time, so that the queue filters at-risk and
// breached requests in SQL on any number of requests, and so that the checks (sla_check.go) find
// the requests whose state changes through one index.

// slaRiskShare is the share of a target left when it becomes at risk: 1/slaRiskShare.
const slaRiskShare = 5

// SLAState is where a request, or one of its two targets, stands against its service level.
type SLAState string

// The SLA states. A request as a whole is SLANone, SLAOK, SLAAtRisk, SLABreached or SLAPaused;
// a target may also be met or missed once reached.
const (
	SLANone     SLAState = ""         // no running clock: done, or filed before SLAs existed
	SLAOK       SLAState = "ok"       // more than a fifth of each target left
	SLAAtRisk   SLAState = "at_risk"  // less than a fifth of a target left
	SLABreached SLAState = "breached" // a target passed
	SLAPaused   SLAState = "paused"   // waiting on the requester
	SLAMet      SLAState = "met"      // reached in time
	SLAMissed   SLAState = "missed"   // reached late
)

// SLAFilters are the states the queue and the API filter on.
var SLAFilters = []SLAState{SLAAtRisk, SLABreached}

// level orders the states the checks notify: nothing, at risk, breached.
func (s SLAState) level() int {
	switch s {
	case SLAAtRisk:
		return 1
	case SLABreached:
		return 2
	}
	return 0
}

func levelState(l int) SLAState {
	switch l {
	case 1:
		return SLAAtRisk
	case 2:
		return SLABreached
	}
	return SLANone
}

// weight orders a request's states from the least to the most pressing, to show the worst.
func (s SLAState) weight() int {
	switch s {
	case SLAOK:
		return 1
	case SLAPaused:
		return 2
	case SLAAtRisk:
		return 3
	case SLABreached:
		return 4
	}
	return 0
}

// SLAGoal is one target of a request: its first response or its resolution.
type SLAGoal struct {
	Due  *time.Time // nil: the request has no SLA (filed before SLAs existed)
	Risk *time.Time // from then on, less than a fifth of the target is left
	Met  *time.Time // when it was reached: the first public reply, the resolution
}

// state is g's state at now, for a request whose clock is paused since pausedAt (nil: running).
func (g SLAGoal) state(now time.Time, pausedAt *time.Time) SLAState {
	switch {
	case g.Due == nil:
		return SLANone
	case g.Met != nil:
		if g.Met.After(*g.Due) {
			return SLAMissed
		}
		return SLAMet
	case pausedAt != nil:
		if !g.Due.After(*pausedAt) {
			return SLABreached // missed before the pause: waiting does not undo it
		}
		return SLAPaused
	case !now.Before(*g.Due):
		return SLABreached
	case g.Risk != nil && !now.Before(*g.Risk):
		return SLAAtRisk
	}
	return SLAOK
}

// SLA is where a request stands against its service levels, with the timezone of its
// requester's site in which its due times are shown.
type SLA struct {
	RequestID     int64
	Done          bool
	PausedAt      *time.Time // waiting on the requester since then
	FirstResponse SLAGoal
	Resolution    SLAGoal
	Location      *time.Location
}

// FirstResponseState is the first response's state at now: SLANone on a request done without
// any public reply, whose first response no longer runs.
func (s SLA) FirstResponseState(now time.Time) SLAState {
	if s.Done && s.FirstResponse.Met == nil {
		return SLANone
	}
	return s.FirstResponse.state(now, s.PausedAt)
}

// ResolutionState is the resolution's state at now.
func (s SLA) ResolutionState(now time.Time) SLAState {
	if s.Done && s.Resolution.Met == nil {
		return SLANone
	}
	return s.Resolution.state(now, s.PausedAt)
}

// State is the request's state at now: the most pressing of its running targets, SLANone when
// none runs (the request is done, or has no SLA).
func (s SLA) State(now time.Time) SLAState {
	if s.Done {
		return SLANone
	}
	worst := SLANone
	for _, st := range []SLAState{s.FirstResponseState(now), s.ResolutionState(now)} {
		if st.weight() > worst.weight() {
			worst = st
		}
	}
	return worst
}

// Pressing returns the running target that gives the request its state at now, with its name
// ("first_response" or "resolution"): the more pressing of the two, the first response on a
// tie. ok is false when none runs (done, or no SLA).
func (s SLA) Pressing(now time.Time) (name string, g SLAGoal, ok bool) {
	if s.Done {
		return "", SLAGoal{}, false
	}
	first, res := s.FirstResponseState(now), s.ResolutionState(now)
	switch {
	case first.weight() > 0 && first.weight() >= res.weight():
		return "first_response", s.FirstResponse, true
	case res.weight() > 0:
		return "resolution", s.Resolution, true
	}
	return "", SLAGoal{}, false
}

// nextCheck is when the checks must next look at the request, having notified up to level
// notified: the first risk or due instant still to notify; nil when nothing is left to notify.
// While paused, only a due time passed before the pause can still change the state.
func (s SLA) nextCheck(notified int) *time.Time {
	if s.Done {
		return nil
	}
	var next *time.Time
	consider := func(t *time.Time) {
		if t == nil || (s.PausedAt != nil && t.After(*s.PausedAt)) {
			return
		}
		if next == nil || t.Before(*next) {
			next = t
		}
	}
	for _, g := range []SLAGoal{s.FirstResponse, s.Resolution} {
		if g.Met != nil {
			continue
		}
		if notified < 1 && s.PausedAt == nil {
			consider(g.Risk)
		}
		if notified < 2 {
			consider(g.Due)
		}
	}
	return next
}

// thresholds are the earliest instants at which a running target is at risk and breached, as
// the queue's SLA filters find them by index: no risk while paused, and no breach while paused
// but one that happened before the pause. They are never later than the truth; a first response
// given since they were stored only makes them early, and the filters test each target too.
func (s SLA) thresholds() (risk, breach *time.Time) {
	if s.Done {
		return nil, nil
	}
	earliest := func(cur, t *time.Time) *time.Time {
		if t == nil || (cur != nil && !t.Before(*cur)) {
			return cur
		}
		return t
	}
	for _, g := range []SLAGoal{s.FirstResponse, s.Resolution} {
		if g.Met != nil {
			continue
		}
		if s.PausedAt == nil {
			risk = earliest(risk, g.Risk)
			breach = earliest(breach, g.Due)
		} else if g.Due != nil && !g.Due.After(*s.PausedAt) {
			breach = earliest(breach, g.Due)
		}
	}
	return risk, breach
}

// SLAOf returns where r stands against its service levels.
func (k *Desk) SLAOf(ctx context.Context, r Request) (SLA, error) {
	s, _, err := k.slaOf(ctx, k.db.R, r.ID)
	return s, err
}

// SLAs returns where each of items stands, by request id, with one query.
func (k *Desk) SLAs(ctx context.Context, items []Request) (map[int64]SLA, error) {
	out := make(map[int64]SLA, len(items))
	if len(items) == 0 {
		return out, nil
	}
	ids := make([]int64, len(items))
	for i, r := range items {
		ids[i] = r.ID
	}
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("sla-by-ids"), idList(ids))
	if err != nil {
		return nil, fmt.Errorf("request: slas: %w", err)
	}
	defer rows.Close()
	zones := map[string]*time.Location{}
	for rows.Next() {
		s, _, err := scanSLA(rows, zones)
		if err != nil {
			return nil, fmt.Errorf("request: slas: %w", err)
		}
		out[s.RequestID] = s
	}
	return out, rows.Err()
}

// Now is the desk's clock, so that pages judge SLAs at the instant the desk does (and tests can
// move it with SetClock).
func (k *Desk) Now() time.Time { return k.now() }

func (k *Desk) slaOf(ctx context.Context, q queryer, id int64) (SLA, SLAState, error) {
	s, notified, err := scanSLA(q.QueryRowContext(ctx, k.q.Get("sla-get"), id), nil)
	if isNoRows(err) {
		return s, notified, ErrNotFound
	}
	if err != nil {
		return s, notified, fmt.Errorf("request: sla %d: %w", id, err)
	}
	return s, notified, nil
}

// scanSLA reads a row of sla-get or sla-by-ids; zones caches the locations of a page.
func scanSLA(sc interface{ Scan(...any) error }, zones map[string]*time.Location) (SLA, SLAState, error) {
	var s SLA
	var status Status
	var notified SLAState
	var first, resolved, firstDue, firstRisk, resDue, resRisk, paused sql.NullTime
	var tz sql.NullString
	if err := sc.Scan(&s.RequestID, &status, &first, &resolved, &firstDue, &firstRisk, &resDue, &resRisk,
		&paused, &notified, &tz); err != nil {
		return s, notified, err
	}
	s.Done = status.IsDone()
	s.FirstResponse = SLAGoal{Due: ptr(firstDue), Risk: ptr(firstRisk), Met: ptr(first)}
	s.Resolution = SLAGoal{Due: ptr(resDue), Risk: ptr(resRisk), Met: ptr(resolved)}
	s.PausedAt = ptr(paused)
	if loc, ok := zones[tz.String]; ok {
		s.Location = loc
	} else {
		s.Location = location(tz.String)
		if zones != nil {
			zones[tz.String] = s.Location
		}
	}
	return s, notified, nil
}

// defaultZone is where a requester without a site works.
const defaultZone = "Europe/Paris"

// location loads a site's timezone; an unknown or empty one is Paris, where the company is.
func location(tz string) *time.Location {
	if tz == "" {
		tz = defaultZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		if loc, err = time.LoadLocation(defaultZone); err != nil {
			return time.UTC
		}
	}
	return loc
}

// slaCreated gives a new request its due times.
func (k *Desk) slaCreated(ctx context.Context, tx *sql.Tx, r Request) error {
	return k.slaRecompute(ctx, tx, r)
}

// stopsClock reports whether the SLA clock stands still in status: waiting on the requester,
// or done (a reopened request does not count the time it spent resolved).
func stopsClock(s Status) bool { return s == StatusWaitingRequester || s.IsDone() }

// slaChanged pauses or resumes the clock when the status crosses the line, and computes the due
// times again when what they depend on changed.
func (k *Desk) slaChanged(ctx context.Context, tx *sql.Tx, before, after Request) error {
	now := k.now()
	if stopsClock(before.Status) != stopsClock(after.Status) {
		name := "sla-resume"
		if stopsClock(after.Status) {
			name = "sla-pause"
		}
		if _, err := tx.ExecContext(ctx, k.q.Get(name), after.ID, now); err != nil {
			return fmt.Errorf("request: %s %s: %w", name, after.Ref(), err)
		}
	}
	if before.Status == after.Status && before.Priority == after.Priority &&
		(before.FirstResponseAt == nil) == (after.FirstResponseAt == nil) && after.FirstResponseDue != nil {
		return nil
	}
	return k.slaRecompute(ctx, tx, after)
}

// slaRecompute derives r's due and risk instants from its site's hours, its priority's targets
// and its pauses, and stores them with when the checks must next look at it. What was already
// notified is lowered to the state the request is now in, so that a request that got better (a
// first response, a lower priority) is notified again if it gets worse.
func (k *Desk) slaRecompute(ctx context.Context, tx *sql.Tx, r Request) error {
	now := k.now()
	h, err := k.requesterHours(ctx, tx, r.RequesterID)
	if err != nil {
		return err
	}
	t, err := k.slaTarget(ctx, tx, r.Priority)
	if err != nil {
		return err
	}
	pauses, pausedAt, err := k.slaPauses(ctx, tx, r.ID, now)
	if err != nil {
		return err
	}
	s, notified, err := k.slaOf(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	clock := calendar.Clock{Hours: h, Pauses: pauses}
	due := func(d time.Duration) *time.Time {
		v, ok := clock.Due(r.CreatedAt, d)
		if !ok {
			return nil
		}
		v = v.UTC()
		return &v
	}
	s.FirstResponse.Due, s.FirstResponse.Risk = due(t.FirstResponse), due(t.FirstResponse-t.FirstResponse/slaRiskShare)
	s.Resolution.Due, s.Resolution.Risk = due(t.Resolution), due(t.Resolution-t.Resolution/slaRiskShare)
	s.PausedAt = nil
	if r.Status == StatusWaitingRequester {
		s.PausedAt = pausedAt
	}
	lvl := min(notified.level(), s.State(now).level())
	risk, breach := s.thresholds()
	if _, err := tx.ExecContext(ctx, k.q.Get("sla-update"), r.ID, s.FirstResponse.Due, s.FirstResponse.Risk,
		s.Resolution.Due, s.Resolution.Risk, s.PausedAt, levelState(lvl), s.nextCheck(lvl), risk, breach); err != nil {
		return fmt.Errorf("request: sla %s: %w", r.Ref(), err)
	}
	return nil
}

// slaPauses returns r's pauses for a calendar.Clock, the open one (if any) ending at now, and
// when the open one began.
func (k *Desk) slaPauses(ctx context.Context, tx *sql.Tx, id int64, now time.Time) ([]calendar.Interval, *time.Time, error) {
	rows, err := tx.QueryContext(ctx, k.q.Get("sla-pauses"), id)
	if err != nil {
		return nil, nil, fmt.Errorf("request: sla pauses: %w", err)
	}
	defer rows.Close()
	var out []calendar.Interval
	var open *time.Time
	for rows.Next() {
		var from time.Time
		var to sql.NullTime
		if err := rows.Scan(&from, &to); err != nil {
			return nil, nil, fmt.Errorf("request: sla pauses: %w", err)
		}
		p := calendar.Interval{From: from, To: to.Time}
		if !to.Valid {
			p.To, open = now, &from
		}
		out = append(out, p)
	}
	return out, open, rows.Err()
}

// slaFilter applies f.SLA to search hits, as the list query does in SQL: it reads the SLAs of
// every hit with one query, and only when the filter is set.
func (k *Desk) slaFilter(ctx context.Context, f Filter, hits []Hit) (func(Request) bool, error) {
	if f.SLA == "" {
		return func(Request) bool { return true }, nil
	}
	items := make([]Request, len(hits))
	for i, h := range hits {
		items[i] = h.Request
	}
	slas, err := k.SLAs(ctx, items)
	if err != nil {
		return nil, err
	}
	now := k.now()
	return func(r Request) bool { return slas[r.ID].State(now) == f.SLA }, nil
}

// slaConditions are the listing's conditions for the requests in an SLA state now, each "?"
// being the instant. The partial indexes on sla_risk_at and sla_breach_at choose the few
// candidates (those instants are never later than the truth), then each target is tested as
// SLA.State does: breached once a running target's due time passed (before the pause, for a
// paused request); at risk once less than a fifth of one is left, unpaused and not breached.
var slaConditions = map[SLAState]string{
	SLABreached: `r.id IN (SELECT id FROM requests WHERE sla_breach_at <= ?)
  AND r.status NOT IN ('resolved', 'closed')
  AND ((r.first_response_at IS NULL AND r.first_response_due_at <= ?
        AND (r.sla_paused_at IS NULL OR r.first_response_due_at <= r.sla_paused_at))
      OR (r.resolution_due_at <= ? AND (r.sla_paused_at IS NULL OR r.resolution_due_at <= r.sla_paused_at)))`,
	SLAAtRisk: `r.id IN (SELECT id FROM requests WHERE sla_risk_at <= ?)
  AND r.status NOT IN ('resolved', 'closed')
  AND r.sla_paused_at IS NULL
  AND (r.first_response_at IS NOT NULL OR r.first_response_due_at IS NULL OR r.first_response_due_at > ?)
  AND (r.resolution_due_at IS NULL OR r.resolution_due_at > ?)
  AND ((r.first_response_at IS NULL AND r.first_response_risk_at <= ?) OR r.resolution_risk_at <= ?)`,
}

// addSLA adds the conditions of SLA state st at now to w; an unknown state matches nothing.
func (w *conds) addSLA(st SLAState, now time.Time) {
	cond, ok := slaConditions[st]
	if !ok {
		w.add("FALSE")
		return
	}
	args := make([]any, strings.Count(cond, "?"))
	for i := range args {
		args[i] = now
	}
	w.add(cond, args...)
}
