// Package people owns the company directory: people, the teams they belong to and the sites
// (offices) they work from, with their rules (unique emails, existing managers, possible dates)
// and their queries. Nothing outside this package writes these tables.
package people

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/civil"
	"majordome/internal/db"
)

//go:embed queries*.sql
var queriesFS embed.FS

// ErrNotFound is returned when a person, team or site does not exist.
var ErrNotFound = errors.New("people: not found")

// Languages a person can be addressed in.
var Languages = []string{"fr", "en"}

// Person is someone of the company, with or without a Majordome account.
type Person struct {
	ID           int64      `json:"id"`
	FirstName    string     `json:"first_name"`
	LastName     string     `json:"last_name"`
	Email        string     `json:"email"`
	TeamID       int64      `json:"-"`
	Team         string     `json:"team"`
	SiteID       int64      `json:"-"`
	Site         string     `json:"site"`
	ManagerID    int64      `json:"-"`
	ManagerEmail string     `json:"manager_email"`
	ManagerName  string     `json:"-"`
	StartDate    civil.Date `json:"-"`
	EndDate      civil.Date `json:"-"`
	Language     string     `json:"language"`
	Active       bool       `json:"active"`
	Review       string     `json:"-"` // why the person awaits the Office Manager's review ("" for none)
	External     bool       `json:"-"` // an external contact (a provider): a requester, not staff
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// FullName is "First Last".
func (p Person) FullName() string { return strings.TrimSpace(p.FirstName + " " + p.LastName) }

// Initials is the two letters shown in avatars.
func (p Person) Initials() string {
	var b strings.Builder
	for _, s := range []string{p.FirstName, p.LastName} {
		for _, r := range s {
			b.WriteRune(r)
			break
		}
	}
	return strings.ToUpper(b.String())
}

// Input is what a person is created or replaced from, as people type it: names of team and
// site (created when new), the manager's email, dates as YYYY-MM-DD or dd/mm/yyyy.
type Input struct {
	FirstName    string
	LastName     string
	Email        string
	Team         string
	Site         string
	ManagerEmail string
	StartDate    string
	EndDate      string
	Language     string
	Active       *bool // nil: true for a new person
	// Review flags a person created by a channel (an unknown Slack user, an unknown email
	// sender) for the Office Manager to review, with the reason; "" for none.
	Review string
	// External marks an external contact (a provider writing to the desk).
	External bool
}

// Patch changes some fields of a person; nil fields are left as they are.
type Patch struct {
	FirstName, LastName, Email, Team, Site, ManagerEmail, StartDate, EndDate, Language *string
	Active                                                                             *bool
	Review                                                                             *string // "" clears the flag
	External                                                                           *bool
}

// Apply returns in with the patch's fields written over it.
func (p Patch) Apply(in Input) Input {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.FirstName, p.FirstName)
	set(&in.LastName, p.LastName)
	set(&in.Email, p.Email)
	set(&in.Team, p.Team)
	set(&in.Site, p.Site)
	set(&in.ManagerEmail, p.ManagerEmail)
	set(&in.StartDate, p.StartDate)
	set(&in.EndDate, p.EndDate)
	set(&in.Language, p.Language)
	if p.Active != nil {
		in.Active = p.Active
	}
	set(&in.Review, p.Review)
	if p.External != nil {
		in.External = *p.External
	}
	return in
}

// InputOf returns the input that would recreate p, the base a Patch applies to.
func InputOf(p Person) Input {
	active := p.Active
	return Input{FirstName: p.FirstName, LastName: p.LastName, Email: p.Email, Team: p.Team,
		Site: p.Site, ManagerEmail: p.ManagerEmail, StartDate: p.StartDate.String(),
		EndDate: p.EndDate.String(), Language: p.Language, Active: &active, Review: p.Review, External: p.External}
}

// Directory is the people service.
type Directory struct {
	db    *db.DB
	q     *db.Queries
	audit *audit.Log
	now   func() time.Time
}

// New returns the directory stored in d, auditing its changes in log.
func New(d *db.DB, log *audit.Log) *Directory {
	return &Directory{db: d, q: db.MustLoadQueries("people", queriesFS, d.Dialect), audit: log,
		now: func() time.Time { return time.Now().UTC() }}
}

// Queries exposes the package's statements to the start-up check.
func (d *Directory) Queries() *db.Queries { return d.q }

// queryer is what both *sql.DB and *sql.Tx offer, so reads can run inside or outside a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func scanPerson(sc interface{ Scan(...any) error }) (Person, error) {
	var p Person
	var team, site, mEmail, mFirst, mLast, start, end sql.NullString
	var teamID, siteID, managerID sql.NullInt64
	err := sc.Scan(&p.ID, &p.FirstName, &p.LastName, &p.Email, &teamID, &team, &siteID, &site,
		&managerID, &mEmail, &mFirst, &mLast, &start, &end, &p.Language, &p.Active, &p.CreatedAt, &p.UpdatedAt,
		&p.Review, &p.External)
	if err != nil {
		return p, err
	}
	p.TeamID, p.Team = teamID.Int64, team.String
	p.SiteID, p.Site = siteID.Int64, site.String
	p.ManagerID, p.ManagerEmail = managerID.Int64, mEmail.String
	p.ManagerName = strings.TrimSpace(mFirst.String + " " + mLast.String)
	if start.Valid {
		p.StartDate, _ = civil.Parse(start.String)
	}
	if end.Valid {
		p.EndDate, _ = civil.Parse(end.String)
	}
	return p, nil
}

// Get returns the person with id.
func (d *Directory) Get(ctx context.Context, id int64) (Person, error) {
	return d.get(ctx, d.db.R, id)
}

func (d *Directory) get(ctx context.Context, q queryer, id int64) (Person, error) {
	p, err := scanPerson(q.QueryRowContext(ctx, d.q.Get("get"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("people: get %d: %w", id, err)
	}
	return p, nil
}

// GetByEmail returns the person with that email, whatever its case.
func (d *Directory) GetByEmail(ctx context.Context, email string) (Person, error) {
	return d.getByEmail(ctx, d.db.R, email)
}

func (d *Directory) getByEmail(ctx context.Context, q queryer, email string) (Person, error) {
	p, err := scanPerson(q.QueryRowContext(ctx, d.q.Get("get-by-email"), emailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("people: get by email: %w", err)
	}
	return p, nil
}

func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Stats are the directory's headline numbers.
type Stats struct {
	Active, Inactive, Teams, Sites int
}

// Stats counts people, teams and sites.
func (d *Directory) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := d.db.R.QueryRowContext(ctx, d.q.Get("stats")).Scan(&s.Active, &s.Inactive, &s.Teams, &s.Sites)
	if err != nil {
		return s, fmt.Errorf("people: stats: %w", err)
	}
	return s, nil
}
