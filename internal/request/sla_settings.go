package request

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/calendar"
	"majordome/internal/valid"
)

// SLATarget is how soon a request of one priority gets its first response and its resolution,
// in business time of its requester's site.
type SLATarget struct {
	Priority      Priority
	FirstResponse time.Duration
	Resolution    time.Duration
}

// DefaultSLATargets are the targets of a new installation, most pressing first, counted in the
// default 9-hour working day: urgent 1 h / 4 h, high 4 h / 2 days, normal 1 day / 3 days, low
// 2 days / 5 days. A priority whose row is missing falls back to them.
var DefaultSLATargets = []SLATarget{
	{Urgent, time.Hour, 4 * time.Hour},
	{High, 4 * time.Hour, 2 * 9 * time.Hour},
	{Normal, 9 * time.Hour, 3 * 9 * time.Hour},
	{Low, 2 * 9 * time.Hour, 5 * 9 * time.Hour},
}

// maxSLATarget bounds a target: 60 days of 24 hours, far beyond any office promise, keeps the
// clock's walk over the calendar short.
const maxSLATarget = 60 * 24 * time.Hour

func defaultTarget(p Priority) SLATarget {
	for _, t := range DefaultSLATargets {
		if t.Priority == p {
			return t
		}
	}
	return DefaultSLATargets[2]
}

// SLATargets returns the target of every priority, most pressing first.
func (k *Desk) SLATargets(ctx context.Context) ([]SLATarget, error) {
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("sla-targets"))
	if err != nil {
		return nil, fmt.Errorf("request: sla targets: %w", err)
	}
	defer rows.Close()
	stored := map[Priority]SLATarget{}
	for rows.Next() {
		var t SLATarget
		var first, res int64
		if err := rows.Scan(&t.Priority, &first, &res); err != nil {
			return nil, fmt.Errorf("request: sla targets: %w", err)
		}
		t.FirstResponse, t.Resolution = time.Duration(first)*time.Minute, time.Duration(res)*time.Minute
		stored[t.Priority] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("request: sla targets: %w", err)
	}
	out := make([]SLATarget, 0, len(Priorities))
	for _, p := range Priorities {
		t, ok := stored[p]
		if !ok {
			t = defaultTarget(p)
		}
		out = append(out, t)
	}
	return out, nil
}

func (k *Desk) slaTarget(ctx context.Context, tx *sql.Tx, p Priority) (SLATarget, error) {
	t := SLATarget{Priority: p}
	var first, res int64
	err := tx.QueryRowContext(ctx, k.q.Get("sla-target"), p).Scan(&first, &res)
	if isNoRows(err) {
		return defaultTarget(p), nil
	}
	if err != nil {
		return t, fmt.Errorf("request: sla target %s: %w", p, err)
	}
	t.FirstResponse, t.Resolution = time.Duration(first)*time.Minute, time.Duration(res)*time.Minute
	return t, nil
}

// SLATargetField names the form field of a priority's target ("first_response" or
// "resolution"), as validation errors report it: "sla_first_response_urgent".
func SLATargetField(which string, p Priority) string { return "sla_" + which + "_" + string(p) }

// SaveSLATargets replaces the targets of the priorities given. Each target is a whole number
// of minutes, more than 0 and at most 60 days, and a resolution is not due before its first
// response. New targets apply to requests filed or re-prioritised from then on: the due times
// already promised do not move.
func (k *Desk) SaveSLATargets(ctx context.Context, targets []SLATarget) error {
	var errs valid.Errors
	for _, t := range targets {
		if !validPriority(t.Priority) {
			errs.Add("priority", "priority_invalid")
			continue
		}
		for _, f := range []struct {
			which string
			d     time.Duration
		}{{"first_response", t.FirstResponse}, {"resolution", t.Resolution}} {
			if f.d < time.Minute || f.d > maxSLATarget || f.d%time.Minute != 0 {
				errs.Add(SLATargetField(f.which, t.Priority), "sla_target_range", "max", "1440")
			}
		}
		if t.Resolution < t.FirstResponse && !errs.Has(SLATargetField("resolution", t.Priority)) {
			errs.Add(SLATargetField("resolution", t.Priority), "sla_resolution_before_response")
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	before, err := k.SLATargets(ctx)
	if err != nil {
		return err
	}
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		was, now := map[string]string{}, map[string]string{}
		for _, t := range targets {
			if _, err := tx.ExecContext(ctx, k.q.Get("sla-target-save"), t.Priority,
				int64(t.FirstResponse/time.Minute), int64(t.Resolution/time.Minute)); err != nil {
				return fmt.Errorf("request: save sla target %s: %w", t.Priority, err)
			}
			for _, b := range before {
				if b.Priority == t.Priority && b != t {
					was[string(t.Priority)] = b.FirstResponse.String() + " / " + b.Resolution.String()
					now[string(t.Priority)] = t.FirstResponse.String() + " / " + t.Resolution.String()
				}
			}
		}
		if len(now) == 0 {
			return nil
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "sla.targets", EntityType: "sla", EntityName: "SLA",
			Before: was, After: now})
	})
}

func validPriority(p Priority) bool {
	for _, x := range Priorities {
		if x == p {
			return true
		}
	}
	return false
}

// SiteHours are the working hours of a site, as its SLAs count them.
type SiteHours struct {
	SiteID   int64
	Site     string
	Timezone string
	Region   calendar.Region
	Start    time.Duration // since local midnight
	End      time.Duration
	Days     [7]bool // indexed by time.Weekday
	Custom   bool    // false: the default week, Monday to Friday, 9:00 to 18:00
	// WorkWhitMonday: the site works Lundi de Pentecôte as its journée de solidarité, so its
	// SLAs count it as a working day; false (the default) keeps it a public holiday.
	WorkWhitMonday bool
}

// Hours are h as the calendar counts them.
func (h SiteHours) Hours() calendar.Hours {
	c := calendar.DefaultHours(location(h.Timezone), h.Region)
	c.Start, c.End, c.Days, c.WorkWhitMonday = h.Start, h.End, h.Days, h.WorkWhitMonday
	return c
}

// Workday is the length of one working day of the site.
func (h SiteHours) Workday() time.Duration { return h.End - h.Start }

// SitesHours lists every site with its working hours, by name.
func (k *Desk) SitesHours(ctx context.Context) ([]SiteHours, error) {
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("sla-sites"))
	if err != nil {
		return nil, fmt.Errorf("request: site hours: %w", err)
	}
	defer rows.Close()
	var out []SiteHours
	for rows.Next() {
		h, err := scanSiteHours(rows)
		if err != nil {
			return nil, fmt.Errorf("request: site hours: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// SiteHoursOf returns the working hours of one site.
func (k *Desk) SiteHoursOf(ctx context.Context, siteID int64) (SiteHours, error) {
	h, err := scanSiteHours(k.db.R.QueryRowContext(ctx, k.q.Get("sla-site"), siteID))
	if isNoRows(err) {
		return h, ErrNotFound
	}
	if err != nil {
		return h, fmt.Errorf("request: site hours %d: %w", siteID, err)
	}
	return h, nil
}

func scanSiteHours(sc interface{ Scan(...any) error }) (SiteHours, error) {
	var h SiteHours
	var start, end, days sql.NullInt64
	var whit sql.NullBool
	if err := sc.Scan(&h.SiteID, &h.Site, &h.Timezone, &h.Region, &start, &end, &days, &whit); err != nil {
		return h, err
	}
	applyHours(&h, start, end, days, whit)
	return h, nil
}

// applyHours sets the stored window, days and Whit Monday choice on h, or the default week
// (Whit Monday a holiday) when none is stored. A stored row may hold the default window, for a
// site that only works Whit Monday: Custom says whether the window or the days differ.
func applyHours(h *SiteHours, start, end, days sql.NullInt64, whit sql.NullBool) {
	d := calendar.DefaultHours(nil, "")
	h.Start, h.End, h.Days, h.Custom = d.Start, d.End, d.Days, false
	if start.Valid && end.Valid && days.Valid {
		h.Start, h.End = time.Duration(start.Int64)*time.Minute, time.Duration(end.Int64)*time.Minute
		for wd := range h.Days {
			h.Days[wd] = days.Int64&(1<<wd) != 0
		}
		h.Custom = h.Start != d.Start || h.End != d.End || h.Days != d.Days
	}
	h.WorkWhitMonday = whit.Valid && whit.Bool
}

// requesterHours are the working hours of a requester's site; a person without a site works
// in Paris, on the national holidays, Monday to Friday 9:00 to 18:00.
func (k *Desk) requesterHours(ctx context.Context, tx *sql.Tx, personID int64) (calendar.Hours, error) {
	var tz, region sql.NullString
	var start, end, days sql.NullInt64
	var whit sql.NullBool
	err := tx.QueryRowContext(ctx, k.q.Get("sla-requester-hours"), personID).Scan(&tz, &region, &start, &end, &days, &whit)
	if err != nil && !isNoRows(err) {
		return calendar.Hours{}, fmt.Errorf("request: requester hours: %w", err)
	}
	h := SiteHours{Timezone: tz.String, Region: calendar.Region(region.String)}
	if h.Region == "" {
		h.Region = calendar.France
	}
	applyHours(&h, start, end, days, whit)
	return h.Hours(), nil
}

// SiteHoursInput is a site's working hours as a form gives them: "HH:MM", working days, and
// whether Lundi de Pentecôte is worked (the journée de solidarité).
type SiteHoursInput struct {
	Start, End     string
	Days           []time.Weekday
	WorkWhitMonday bool
}

// parseClock reads "9:00", "09:00" or "9h" as a time since midnight; "24:00" is the end of the day.
func parseClock(s string) (time.Duration, bool) {
	s = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "h", ":")
	h, m, found := strings.Cut(s, ":")
	if !found {
		return 0, false
	}
	if m == "" {
		m = "00"
	}
	var hh, mm int
	if _, err := fmt.Sscanf(h+" "+m, "%d %d", &hh, &mm); err != nil || len(m) != 2 || hh < 0 || mm < 0 || mm > 59 {
		return 0, false
	}
	d := time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute
	if d > 24*time.Hour {
		return 0, false
	}
	return d, true
}

// SaveSiteHours sets the working hours of a site and whether it works Whit Monday. The default
// week with Whit Monday a holiday is stored as no hours at all, so that the site follows the
// default. Like targets, new hours apply to
// requests filed or changed from then on.
func (k *Desk) SaveSiteHours(ctx context.Context, siteID int64, in SiteHoursInput) (SiteHours, error) {
	cur, err := k.SiteHoursOf(ctx, siteID)
	if err != nil {
		return cur, err
	}
	var errs valid.Errors
	start, okStart := parseClock(in.Start)
	if !okStart || start >= 24*time.Hour {
		errs.Add("work_start", "sla_clock_invalid", "value", in.Start)
	}
	end, okEnd := parseClock(in.End)
	if !okEnd {
		errs.Add("work_end", "sla_clock_invalid", "value", in.End)
	}
	if okStart && okEnd && end <= start {
		errs.Add("work_end", "sla_end_before_start")
	}
	var days [7]bool
	var bits int64
	for _, d := range in.Days {
		if d >= time.Sunday && d <= time.Saturday {
			days[d] = true
		}
	}
	for wd, on := range days {
		if on {
			bits |= 1 << wd
		}
	}
	if bits == 0 {
		errs.Add("work_days", "sla_days_required")
	}
	if err := errs.Err(); err != nil {
		return cur, err
	}
	next := cur
	next.Start, next.End, next.Days, next.WorkWhitMonday = start, end, days, in.WorkWhitMonday
	def := calendar.DefaultHours(nil, "")
	next.Custom = start != def.Start || end != def.End || days != def.Days
	err = k.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if next.Custom || next.WorkWhitMonday {
			_, err = tx.ExecContext(ctx, k.q.Get("sla-site-hours-save"), siteID, int64(start/time.Minute), int64(end/time.Minute), bits,
				next.WorkWhitMonday)
		} else {
			_, err = tx.ExecContext(ctx, k.q.Get("sla-site-hours-reset"), siteID)
		}
		if err != nil {
			return fmt.Errorf("request: save site hours %d: %w", siteID, err)
		}
		if cur.Start == next.Start && cur.End == next.End && cur.Days == next.Days && cur.WorkWhitMonday == next.WorkWhitMonday {
			return nil
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "sla.site_hours", EntityType: "site", EntityID: siteID,
			EntityName: cur.Site, Before: describeHours(cur), After: describeHours(next)})
	})
	return next, err
}

// describeHours writes hours for the audit log: "09:00–18:00", the days "1,2,3,4,5", and
// whether Whit Monday is worked.
func describeHours(h SiteHours) map[string]any {
	var days []string
	for wd, on := range h.Days {
		if on {
			days = append(days, fmt.Sprint(wd))
		}
	}
	return map[string]any{"hours": clockText(h.Start) + "–" + clockText(h.End), "days": strings.Join(days, ","),
		"work_whit_monday": h.WorkWhitMonday}
}

// clockText writes a time since midnight as HH:MM.
func clockText(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
