package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"majordome/internal/audit"
	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/fold"
	"majordome/internal/valid"
)

// Field limits, generous for real names but bounded so a bad import cannot fill the database.
const (
	maxName  = 100
	maxEmail = 254
	maxOrg   = 100
)

// checked is an Input that passed validation, in storage form.
type checked struct {
	FirstName, LastName, Email string
	Team, Site                 string
	ManagerID                  int64
	Start, End                 civil.Date
	Language                   string
	Active                     bool
	Review                     string
	External                   bool
}

// managerLookup finds a manager's id by email; the import also knows the people of its file.
type managerLookup func(ctx context.Context, email string) (int64, bool, error)

// check validates in for the person selfID (0 for a new one) and resolves its manager.
func (d *Directory) check(ctx context.Context, q queryer, in Input, selfID int64, manager managerLookup) (checked, valid.Errors, error) {
	var errs valid.Errors
	c := checked{
		FirstName: strings.TrimSpace(in.FirstName), LastName: strings.TrimSpace(in.LastName),
		Email: strings.TrimSpace(in.Email), Team: strings.Join(strings.Fields(in.Team), " "),
		Site: strings.Join(strings.Fields(in.Site), " "), Language: strings.ToLower(strings.TrimSpace(in.Language)),
		Active: in.Active == nil || *in.Active,
		Review: strings.TrimSpace(in.Review), External: in.External,
	}
	errs.MaxLen("review", c.Review, 500)
	if errs.Required("first_name", c.FirstName) {
		errs.MaxLen("first_name", c.FirstName, maxName)
	}
	if errs.Required("last_name", c.LastName) {
		errs.MaxLen("last_name", c.LastName, maxName)
	}
	if errs.Required("email", c.Email) && errs.MaxLen("email", c.Email, maxEmail) && errs.Email("email", c.Email) {
		other, err := d.getByEmail(ctx, q, c.Email)
		switch {
		case err == nil && other.ID != selfID:
			errs.Add("email", "email_taken")
		case err != nil && !errors.Is(err, ErrNotFound):
			return c, nil, err
		}
	}
	errs.MaxLen("team", c.Team, maxOrg)
	errs.MaxLen("site", c.Site, maxOrg)
	if c.Language == "" {
		c.Language = "fr"
	} else if !slices.Contains(Languages, c.Language) {
		errs.Add("language", "language_invalid")
	}
	var err error
	if s := strings.TrimSpace(in.StartDate); s != "" {
		if c.Start, err = civil.Parse(s); err != nil {
			errs.Add("start_date", "date_invalid", "value", s)
		}
	}
	if s := strings.TrimSpace(in.EndDate); s != "" {
		if c.End, err = civil.Parse(s); err != nil {
			errs.Add("end_date", "date_invalid", "value", s)
		}
	}
	if !c.Start.IsZero() && !c.End.IsZero() && c.End.Before(c.Start) {
		errs.Add("end_date", "end_before_start")
	}
	if m := strings.TrimSpace(in.ManagerEmail); m != "" {
		switch {
		case strings.EqualFold(m, c.Email):
			errs.Add("manager_email", "manager_self")
		case !valid.IsEmail(m):
			errs.Add("manager_email", "email_invalid")
		default:
			id, ok, err := manager(ctx, m)
			if err != nil {
				return c, nil, err
			}
			if !ok {
				errs.Add("manager_email", "manager_unknown", "value", m)
			} else if selfID != 0 {
				cycle, err := d.managesUpTo(ctx, q, id, selfID)
				if err != nil {
					return c, nil, err
				}
				if cycle {
					errs.Add("manager_email", "manager_cycle")
				}
			}
			c.ManagerID = id
		}
	}
	return c, errs, nil
}

// managesUpTo reports whether walking up the management chain from id reaches target, which
// would make target its own (indirect) manager.
func (d *Directory) managesUpTo(ctx context.Context, q queryer, id, target int64) (bool, error) {
	seen := map[int64]bool{}
	for id != 0 && !seen[id] {
		if id == target {
			return true, nil
		}
		seen[id] = true
		var next sql.NullInt64
		if err := q.QueryRowContext(ctx, d.q.Get("manager-of"), id).Scan(&next); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("people: manager chain: %w", err)
		}
		id = next.Int64
	}
	return false, nil
}

func (d *Directory) dbManager(q queryer) managerLookup {
	return func(ctx context.Context, email string) (int64, bool, error) {
		p, err := d.getByEmail(ctx, q, email)
		if errors.Is(err, ErrNotFound) {
			return 0, false, nil
		}
		return p.ID, err == nil, err
	}
}

// Create adds a person. A validation failure is a valid.Errors naming every wrong field.
func (d *Directory) Create(ctx context.Context, in Input) (Person, error) {
	var p Person
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		c, errs, err := d.check(ctx, tx, in, 0, d.dbManager(tx))
		if err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		id, err := d.insert(ctx, tx, c)
		if err != nil {
			return err
		}
		if p, err = d.get(ctx, tx, id); err != nil {
			return err
		}
		return d.audit.Record(ctx, tx, auditCreate(p, "person.create"))
	})
	return p, err
}

// Update applies patch to the person id.
func (d *Directory) Update(ctx context.Context, id int64, patch Patch) (Person, error) {
	var p Person
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := d.get(ctx, tx, id)
		if err != nil {
			return err
		}
		c, errs, err := d.check(ctx, tx, patch.Apply(InputOf(before)), id, d.dbManager(tx))
		if err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if p, err = d.update(ctx, tx, id, before, c); err != nil {
			return err
		}
		return nil
	})
	return p, err
}

// Deactivate marks the person as gone: they stay in the history but leave lists and channels.
func (d *Directory) Deactivate(ctx context.Context, id int64) (Person, error) {
	f := false
	return d.Update(ctx, id, Patch{Active: &f})
}

// update writes c over before and audits the difference; an unchanged person is not touched.
func (d *Directory) update(ctx context.Context, tx *sql.Tx, id int64, before Person, c checked) (Person, error) {
	teamID, err := d.ensureTeam(ctx, tx, c.Team)
	if err != nil {
		return before, err
	}
	siteID, err := d.ensureSite(ctx, tx, c.Site)
	if err != nil {
		return before, err
	}
	if sameAs(before, c, teamID, siteID) {
		return before, nil
	}
	_, err = tx.ExecContext(ctx, d.q.Get("update"), id, c.FirstName, c.LastName, c.Email, emailKey(c.Email),
		nullID(teamID), nullID(siteID), nullID(c.ManagerID), c.Start.Ptr(), c.End.Ptr(), c.Language, c.Active,
		sortKey(c), searchText(c), d.now(), c.Review, c.External)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return before, valid.Errors{{Field: "email", Code: "email_taken"}}
		}
		return before, fmt.Errorf("people: update %d: %w", id, err)
	}
	after, err := d.get(ctx, tx, id)
	if err != nil {
		return before, err
	}
	action := "person.update"
	if before.Active && !after.Active {
		action = "person.deactivate"
	} else if !before.Active && after.Active {
		action = "person.reactivate"
	}
	return after, d.audit.Record(ctx, tx, audit.Change{Action: action, EntityType: "person", EntityID: id,
		EntityName: after.FullName(), Before: snapshotOf(before), After: snapshotOf(after)})
}

func (d *Directory) insert(ctx context.Context, tx *sql.Tx, c checked) (int64, error) {
	teamID, err := d.ensureTeam(ctx, tx, c.Team)
	if err != nil {
		return 0, err
	}
	siteID, err := d.ensureSite(ctx, tx, c.Site)
	if err != nil {
		return 0, err
	}
	now := d.now()
	var id int64
	err = tx.QueryRowContext(ctx, d.q.Get("insert"), c.FirstName, c.LastName, c.Email, emailKey(c.Email),
		nullID(teamID), nullID(siteID), nullID(c.ManagerID), c.Start.Ptr(), c.End.Ptr(), c.Language, c.Active,
		sortKey(c), searchText(c), now, c.Review, c.External).Scan(&id)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return 0, valid.Errors{{Field: "email", Code: "email_taken"}}
		}
		return 0, fmt.Errorf("people: insert: %w", err)
	}
	return id, nil
}

func sameAs(p Person, c checked, teamID, siteID int64) bool {
	return p.FirstName == c.FirstName && p.LastName == c.LastName && p.Email == c.Email &&
		p.TeamID == teamID && p.SiteID == siteID && p.ManagerID == c.ManagerID &&
		p.StartDate == c.Start && p.EndDate == c.End && p.Language == c.Language && p.Active == c.Active &&
		p.Review == c.Review && p.External == c.External
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func sortKey(c checked) string { return fold.Key(c.LastName + " " + c.FirstName) }

func searchText(c checked) string {
	return fold.Key(strings.Join([]string{c.FirstName, c.LastName, c.Email, c.Team, c.Site}, " "))
}

// snapshot is the audited form of a person: readable, with names rather than ids.
type snapshot struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Team      string `json:"team,omitempty"`
	Site      string `json:"site,omitempty"`
	Manager   string `json:"manager_email,omitempty"`
	StartDate string `json:"start_date,omitempty"`
	EndDate   string `json:"end_date,omitempty"`
	Language  string `json:"language"`
	Active    bool   `json:"active"`
	Review    string `json:"review,omitempty"`
	External  bool   `json:"external,omitempty"`
}

func snapshotOf(p Person) snapshot {
	return snapshot{p.FirstName, p.LastName, p.Email, p.Team, p.Site, p.ManagerEmail,
		p.StartDate.String(), p.EndDate.String(), p.Language, p.Active, p.Review, p.External}
}

func auditCreate(p Person, action string) audit.Change {
	return audit.Change{Action: action, EntityType: "person", EntityID: p.ID, EntityName: p.FullName(), After: snapshotOf(p)}
}
