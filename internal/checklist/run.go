package checklist

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/calendar"
	"majordome/internal/civil"
	"majordome/internal/fold"
	"majordome/internal/people"
	"majordome/internal/valid"
)

// Run is a template instantiated for a person, an event or a date.
type Run struct {
	ID            int64
	TemplateID    int64 // 0 when the template was deleted since
	TemplateSlug  string
	Title         string
	Anchor        string
	AnchorDate    civil.Date
	PersonID      int64
	PersonName    string
	Event         string
	Period        string // recurring runs: "2026-03", "2026-Q2", "2026"
	RequestID     int64  // the linked request, 0 for none
	RequestNumber int64
	CreatedAt     time.Time
	CompletedAt   *time.Time
	Tasks         []RunTask // filled by Run, not by Runs
	Total, Done   int
}

// Progress is the share of done tasks, 0 to 100.
func (r Run) Progress() int {
	if r.Total == 0 {
		return 0
	}
	return r.Done * 100 / r.Total
}

// RunTask is one task of a run, with its resolved owner and dates.
type RunTask struct {
	ID            int64
	RunID         int64
	RunTitle      string // filled in task lists
	Position      int
	Title         string
	Details       string
	ArticleSlug   string
	Owner         string // the template's rule
	OwnerUserID   int64
	OwnerName     string
	OwnerTeamID   int64
	OwnerTeam     string
	VisibleFrom   civil.Date
	Due           civil.Date
	DoneAt        *time.Time
	DoneBy        string
	RequestID     int64
	RequestNumber int64
}

// Done reports whether the task is done.
func (k RunTask) Done() bool { return k.DoneAt != nil }

// Start is what a run is started from.
type Start struct {
	TemplateID int64
	// AnchorDate is the date the offsets count from; zero takes the person's start or end date
	// for a template anchored on one.
	AnchorDate civil.Date
	// PersonEmail names the person the run is for: required for a template anchored on a
	// person, optional otherwise (its owners "role:person" and "role:manager" then resolve).
	PersonEmail string
	Event       string // the event's name, for a template anchored on an event
	RequestID   int64  // a request to link the run to, 0 for none
	period      string // set by the recurring job
}

// StartRun instantiates a template: a run whose tasks have their owners resolved and their
// dates computed (see the package documentation). Failures of the input are valid.Errors on
// anchor_date, person_email and event.
func (s *Service) StartRun(ctx context.Context, in Start) (Run, error) {
	var id int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.startTx(ctx, tx, in)
		return err
	})
	if err != nil {
		return Run{}, err
	}
	return s.Run(ctx, id)
}

// startTx is StartRun inside tx; it returns 0 without error when the run of a recurring
// period already exists.
func (s *Service) startTx(ctx context.Context, tx *sql.Tx, in Start) (int64, error) {
	t, err := s.template(ctx, tx, "template-by-id", in.TemplateID)
	if err != nil {
		return 0, err
	}
	var errs valid.Errors
	var p people.Person
	hasPerson := false
	if email := strings.TrimSpace(in.PersonEmail); email != "" {
		p, err = s.people.GetByEmail(ctx, email)
		switch {
		case errors.Is(err, people.ErrNotFound):
			errs.Add("person_email", "checklist_person_unknown", "value", email)
		case err != nil:
			return 0, err
		default:
			hasPerson = true
		}
	} else if t.Anchor == AnchorPersonStart || t.Anchor == AnchorPersonEnd {
		errs.Add("person_email", "checklist_person_required")
	}
	anchor := in.AnchorDate
	if anchor.IsZero() && hasPerson {
		switch t.Anchor {
		case AnchorPersonStart:
			anchor = p.StartDate
		case AnchorPersonEnd:
			anchor = p.EndDate
		}
	}
	if anchor.IsZero() && !errs.Has("person_email") {
		code := "checklist_anchor_date_required"
		if hasPerson && t.Anchor == AnchorPersonStart {
			code = "checklist_anchor_no_start"
		} else if hasPerson && t.Anchor == AnchorPersonEnd {
			code = "checklist_anchor_no_end"
		}
		errs.Add("anchor_date", code)
	}
	in.Event = strings.Join(strings.Fields(in.Event), " ")
	errs.MaxLen("event", in.Event, maxTitle)
	if err := errs.Err(); err != nil {
		return 0, err
	}

	h := DefaultHours()
	if hasPerson && p.SiteID != 0 && s.hours != nil {
		sh, err := s.hours(ctx, p.SiteID)
		if err != nil {
			return 0, err
		}
		if sh.Workday() > 0 {
			h = sh
		}
	}
	title := t.Title
	switch {
	case hasPerson:
		title += " — " + p.FullName()
	case in.Event != "":
		title += " — " + in.Event
	case in.period != "":
		title += " — " + periodLabel(in.period)
	}
	actor := audit.ActorFrom(ctx)
	var startedBy int64
	if actor.Kind == "user" {
		startedBy = actor.ID
	}
	var personID any
	if hasPerson {
		personID = p.ID
	}
	var period any
	if in.period != "" {
		period = in.period
	}
	query := "run-insert"
	if in.period != "" {
		query = "run-insert-period"
	}
	var runID int64
	err = tx.QueryRowContext(ctx, s.q.Get(query), t.ID, title, t.Anchor, anchor.String(), personID, in.Event, period,
		nullID(in.RequestID), nullID(startedBy), s.now()).Scan(&runID)
	if isNoRows(err) && in.period != "" {
		return 0, nil // another instance made this period's run
	}
	if err != nil {
		return 0, fmt.Errorf("checklist: start %s: %w", t.Slug, err)
	}
	o := owners{s: s, tx: tx, actor: actor, person: p, hasPerson: hasPerson}
	for i, k := range t.Tasks {
		visible, due := Dates(k, anchor, h, t.Anchor == AnchorPersonEnd)
		user, team, err := o.resolve(ctx, k.Owner)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("task-insert"), runID, i, k.Title, k.Details, k.ArticleSlug, k.Owner,
			nullID(user), nullID(team), visible.String(), due.String()); err != nil {
			return 0, fmt.Errorf("checklist: task %d of run %d: %w", i+1, runID, err)
		}
	}
	return runID, s.audit.Record(ctx, tx, audit.Change{Action: "checklist.run_start", EntityType: "checklist_run",
		EntityID: runID, EntityName: title, After: map[string]any{"template": t.Slug, "anchor_date": anchor.String(),
			"person": p.Email, "event": in.Event, "period": in.period, "tasks": len(t.Tasks)}})
}

// owners resolves the owner rules of one run.
type owners struct {
	s         *Service
	tx        *sql.Tx
	actor     audit.Actor
	person    people.Person
	hasPerson bool
	om        int64
	omDone    bool
}

// resolve returns the account or the team that owns a task with rule owner, the Office
// Manager when the rule finds nobody.
func (o *owners) resolve(ctx context.Context, owner string) (user, team int64, err error) {
	kind, val, _ := strings.Cut(owner, ":")
	switch {
	case owner == OwnerPerson && o.hasPerson:
		user, err = o.account(ctx, o.person.Email)
	case owner == OwnerManager && o.hasPerson && o.person.ManagerEmail != "":
		user, err = o.account(ctx, o.person.ManagerEmail)
	case kind == "person":
		user, err = o.account(ctx, val)
	case kind == "team":
		err = o.tx.QueryRowContext(ctx, o.s.q.Get("team-by-key"), fold.Key(val)).Scan(&team)
		if isNoRows(err) {
			err = nil
		}
	}
	if err != nil {
		return 0, 0, fmt.Errorf("checklist: owner %s: %w", owner, err)
	}
	if user == 0 && team == 0 {
		user, err = o.officeManager(ctx)
	}
	return user, team, err
}

func (o *owners) account(ctx context.Context, email string) (int64, error) {
	var id int64
	err := o.tx.QueryRowContext(ctx, o.s.q.Get("account-by-email"), strings.ToLower(strings.TrimSpace(email))).Scan(&id)
	if isNoRows(err) {
		return 0, nil
	}
	return id, err
}

// officeManager is the account that starts the run when it is an admin or an agent, else the
// oldest active admin; 0 when there is none.
func (o *owners) officeManager(ctx context.Context) (int64, error) {
	if o.omDone {
		return o.om, nil
	}
	o.omDone = true
	if o.actor.Kind == "user" && o.actor.ID != 0 {
		var role string
		err := o.tx.QueryRowContext(ctx, o.s.q.Get("account-role"), o.actor.ID).Scan(&role)
		if err != nil && !isNoRows(err) {
			return 0, err
		}
		if role == "admin" || role == "agent" {
			o.om = o.actor.ID
			return o.om, nil
		}
	}
	err := o.tx.QueryRowContext(ctx, o.s.q.Get("first-admin")).Scan(&o.om)
	if isNoRows(err) {
		err = nil
	}
	return o.om, err
}

// HoursOf adapts a site-hours lookup (the request desk's) to Deps.Hours.
func HoursOf[H interface{ Hours() calendar.Hours }](f func(ctx context.Context, siteID int64) (H, error)) func(context.Context, int64) (calendar.Hours, error) {
	return func(ctx context.Context, siteID int64) (calendar.Hours, error) {
		h, err := f(ctx, siteID)
		if err != nil {
			return calendar.Hours{}, err
		}
		return h.Hours(), nil
	}
}
