// Package checklist owns the checklists of the bible: templates of tasks due at offsets from an
// anchor date (onboarding: J-10 commander l'ordinateur, J0 petit-déjeuner d'accueil…), their
// runs for a person, an event or a date, whose tasks land in their owners' task lists with due
// dates and reminders, and the recurring checklists of the employer's calendar, generated ahead
// by the job queue, once per period.
//
// # Due dates
//
// A task's offset counts from the run's anchor date in one of three units: calendar days,
// working days, or calendar months ("within 3 months" is +3 months). Working days are those of
// the person's site (its working week and the French public holidays of its region,
// Alsace-Moselle included, Whit Monday where the site works it); a run without a person, or
// whose person has no site, counts the usual week, Monday to Friday, on the national holidays.
// J-n is the n-th working day before the anchor and J+n the n-th after it. J0 on an anchor that
// is not a working day moves to the next working day, except on an end date (person_end), where
// it moves to the previous one: people arrive on the next working day and leave on the last one.
// A range (J-8 à J-1: Offset -8, OffsetEnd -1) is visible from its start and due at its end.
//
// # Owners
//
// A task's owner is a rule resolved when the run starts: "role:person" (the person's account),
// "role:manager" (their manager's account), "role:office_manager", "team:NAME" (every member of
// the team sees it, any one completes it) or "person:EMAIL". The Office Manager is the account
// that starts the run when it is an admin or an agent, and otherwise (an API token, the
// recurring job, a manager) the oldest active admin, the account made at first start. A rule
// that resolves to nobody (no manager, a person without an account, an unknown team) gives the
// task to the Office Manager, and the task keeps its rule so the page says whose it was meant
// to be.
package checklist

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"time"

	"majordome/internal/audit"
	"majordome/internal/calendar"
	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/people"
)

//go:embed queries*.sql
var queriesFS embed.FS

// Errors of the package.
var (
	ErrNotFound = errors.New("checklist: not found")
)

// The anchors a template's offsets count from.
const (
	AnchorPersonStart = "person_start"
	AnchorPersonEnd   = "person_end"
	AnchorEvent       = "event"
	AnchorDate        = "date"
)

// Anchors lists every anchor.
var Anchors = []string{AnchorPersonStart, AnchorPersonEnd, AnchorEvent, AnchorDate}

// The recurrences of the employer's calendar ("" for a checklist started by hand).
const (
	Monthly   = "monthly"
	Quarterly = "quarterly"
	Yearly    = "yearly"
)

// Recurrences lists every recurrence, "" (none) first.
var Recurrences = []string{"", Monthly, Quarterly, Yearly}

// The units of an offset.
const (
	Calendar = "calendar" // calendar days
	Working  = "working"  // working days of the site
	Months   = "months"   // calendar months, the day clamped to the month's end
)

// Units lists every unit.
var Units = []string{Calendar, Working, Months}

// The owner rules that are not a team or a person.
const (
	OwnerManager       = "role:manager"
	OwnerPerson        = "role:person"
	OwnerOfficeManager = "role:office_manager"
)

// Template is a checklist as the Office Manager writes it once and reuses it.
type Template struct {
	ID          int64
	Slug        string
	Title       string
	Description string // Markdown
	Anchor      string // AnchorPersonStart, AnchorPersonEnd, AnchorEvent, AnchorDate
	// Recurrence is "", Monthly, Quarterly or Yearly; a recurring template is anchored on a date.
	Recurrence string
	// RecurrenceDay is when in the period the run's anchor falls: "15" (the day of the month)
	// for Monthly, "MM-DD" for Yearly, and for Quarterly the "MM-DD" of the first quarter's
	// occurrence, repeated every three months ("02-01": 1 February, 1 May, 1 August,
	// 1 November). A day past a month's end is its last day. "" is the first day of the period.
	RecurrenceDay string
	Tasks         []Task
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Task is one line of a template.
type Task struct {
	Title string
	// Offset counts from the anchor in Unit, signed: -10 is J-10, 0 the anchor's day.
	Offset int
	// OffsetEnd is 0, or the end of a range that begins at Offset (J-8 à J-1: -8, -1); the task
	// is visible from its start and due at its end. A range cannot end on J0 itself, since 0
	// means no range.
	OffsetEnd   int
	Unit        string // Calendar, Working or Months
	Owner       string // OwnerManager, OwnerPerson, OwnerOfficeManager, "team:NAME", "person:EMAIL"
	Details     string
	ArticleSlug string // the bible article that explains it, "" for none
}

// Deps are what the service works with. Notify may be nil (no reminders are sent); Hours may
// be nil (every run counts the default office week).
type Deps struct {
	DB     *db.DB
	Audit  *audit.Log
	People *people.Directory
	Jobs   *jobs.Queue
	Notify *notify.Service
	// Hours returns the working hours of a site, for working-day offsets.
	Hours func(ctx context.Context, siteID int64) (calendar.Hours, error)
}

// Service keeps the templates, runs and tasks.
type Service struct {
	db     *db.DB
	q      *db.Queries
	audit  *audit.Log
	people *people.Directory
	jobs   *jobs.Queue
	notify *notify.Service
	hours  func(ctx context.Context, siteID int64) (calendar.Hours, error)
	now    func() time.Time
	paris  *time.Location
}

// New returns the checklist service.
func New(d Deps) *Service {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.UTC
	}
	return &Service{db: d.DB, q: db.MustLoadQueries("checklist", queriesFS, d.DB.Dialect), audit: d.Audit,
		people: d.People, jobs: d.Jobs, notify: d.Notify, hours: d.Hours, paris: paris,
		now: func() time.Time { return time.Now().UTC() }}
}

// Queries exposes the package's statements to the start-up check.
func (s *Service) Queries() *db.Queries { return s.q }

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// today is the current day in Paris, the day reminders and task lists are read in.
func (s *Service) today() civil.Date { return civil.Of(s.now().In(s.paris)) }

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func parseDate(s string) civil.Date {
	d, _ := civil.Parse(s)
	return d
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
