package checklist

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/calendar"
	"majordome/internal/civil"
)

// The recurring checklists. A template with a recurrence (the employer's calendar:
// vérification des extincteurs yearly, affichages obligatoires…) gets one run per period,
// anchored on the period's occurrence (see Template.RecurrenceDay). The job makes it
// RecurringLead days before the occurrence, or earlier when a task is visible earlier (a task
// at J-60 makes the run 60 days ahead). An occurrence already past when the template is
// written is not made late: the next one is. Each period's run is made once, however many
// instances run the job: its insert is guarded by the unique (template_id, period).

// RecurringLead is how many days before its occurrence a recurring run is made.
const RecurringLead = 30

// horizon is how far ahead the job looks for occurrences: a year and a bit covers a yearly
// template whose tasks start up to a month before.
const horizon = 400

// Occurrence is one period of a recurring template: its key ("2026-03", "2026-Q2", "2026")
// and the date its run is anchored on.
type Occurrence struct {
	Period string
	Date   civil.Date
}

// Occurrences returns the occurrences of a recurring template whose dates fall in [from, to],
// in order; none for a template without recurrence or with an invalid day.
func Occurrences(t Template, from, to civil.Date) []Occurrence {
	month, dom, ok := parseRecurrenceDay(t.Recurrence, t.RecurrenceDay)
	if !ok || t.Recurrence == "" {
		return nil
	}
	var out []Occurrence
	for y := from.Year; y <= to.Year; y++ {
		var occ []Occurrence
		switch t.Recurrence {
		case Monthly:
			for m := time.January; m <= time.December; m++ {
				occ = append(occ, Occurrence{fmt.Sprintf("%04d-%02d", y, m), clampDate(y, m, dom)})
			}
		case Quarterly:
			for q := range 4 {
				m := month + time.Month(3*q)
				occ = append(occ, Occurrence{fmt.Sprintf("%04d-Q%d", y, q+1), clampDate(y, m, dom)})
			}
		case Yearly:
			occ = append(occ, Occurrence{strconv.Itoa(y), clampDate(y, month, dom)})
		}
		for _, o := range occ {
			if !o.Date.Before(from) && !to.Before(o.Date) {
				out = append(out, o)
			}
		}
	}
	return out
}

func clampDate(y int, m time.Month, d int) civil.Date {
	return civil.Date{Year: y, Month: m, Day: min(d, daysIn(m, y))}
}

// periodLabel is a period as a person reads it in a run's title: "03/2026", "T2 2026", "2026".
func periodLabel(p string) string {
	if y, q, ok := strings.Cut(p, "-Q"); ok {
		return "T" + q + " " + y
	}
	if y, m, ok := strings.Cut(p, "-"); ok {
		return m + "/" + y
	}
	return p
}

// GenerateRecurring makes the runs of the recurring templates that are due to be made by today
// (in Paris) and returns how many it made. A period's run that exists already (made by this
// instance earlier or by another one at the same moment) is left alone.
func (s *Service) GenerateRecurring(ctx context.Context) (int, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Kind: "system", Name: "Majordome"})
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("recurring-templates"))
	if err != nil {
		return 0, fmt.Errorf("checklist: recurring: %w", err)
	}
	var ts []Template
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("checklist: recurring: %w", err)
		}
		ts = append(ts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("checklist: recurring: %w", err)
	}
	today := s.today()
	h := DefaultHours()
	made := 0
	for _, t := range ts {
		if t.Tasks, err = s.templateTasks(ctx, s.db.R, t.ID); err != nil {
			return made, err
		}
		for _, o := range Occurrences(t, today, addDays(today, horizon)) {
			if today.Before(makeFrom(t, o.Date, h)) {
				continue
			}
			var id int64
			err := s.db.Tx(ctx, func(tx *sql.Tx) error {
				var err error
				id, err = s.startTx(ctx, tx, Start{TemplateID: t.ID, AnchorDate: o.Date, period: o.Period})
				return err
			})
			if err != nil {
				return made, fmt.Errorf("checklist: recurring %s %s: %w", t.Slug, o.Period, err)
			}
			if id != 0 {
				made++
			}
		}
	}
	return made, nil
}

// makeFrom is the day the run of an occurrence on date is made: RecurringLead days before, or
// the day its earliest task becomes visible if that is sooner.
func makeFrom(t Template, date civil.Date, h calendar.Hours) civil.Date {
	from := addDays(date, -RecurringLead)
	for _, k := range t.Tasks {
		visible, _ := Dates(k, date, h, false)
		if visible.Before(from) {
			from = visible
		}
	}
	return from
}
