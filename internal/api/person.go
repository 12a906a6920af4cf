package api

import (
	"time"

	"majordome/internal/people"
)

// person is a person as the API shows it. Optional values with nothing in them (team, site,
// manager_email, start_date, end_date) are null, never "", so a client tests one thing.
type person struct {
	ID           int64   `json:"id"`
	FirstName    string  `json:"first_name"`
	LastName     string  `json:"last_name"`
	Email        string  `json:"email"`
	Team         *string `json:"team"`
	Site         *string `json:"site"`
	ManagerEmail *string `json:"manager_email"`
	StartDate    *string `json:"start_date"` // YYYY-MM-DD
	EndDate      *string `json:"end_date"`
	Language     string  `json:"language"`
	Active       bool    `json:"active"`
	CreatedAt    string  `json:"created_at"` // RFC 3339, UTC
	UpdatedAt    string  `json:"updated_at"`
}

// personFields are the members a person is written from, in POST and PATCH alike.
var personFields = []string{"first_name", "last_name", "email", "team", "site", "manager_email",
	"start_date", "end_date", "language", "active"}

// personOut is p as the API shows it.
func personOut(p people.Person) person {
	return person{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName, Email: p.Email,
		Team: orNull(p.Team), Site: orNull(p.Site), ManagerEmail: orNull(p.ManagerEmail),
		StartDate: orNull(p.StartDate.String()), EndDate: orNull(p.EndDate.String()),
		Language: p.Language, Active: p.Active,
		CreatedAt: p.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: p.UpdatedAt.UTC().Format(time.RFC3339)}
}

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// decodePerson decodes the members of obj into a patch: absent members stay nil (unchanged),
// null ones become "" (cleared). Dates are passed as sent: the domain reads YYYY-MM-DD and the
// French dd/mm/yyyy and refuses impossible days.
func decodePerson(obj object) (people.Patch, error) {
	f := fields{obj: obj}
	p := people.Patch{
		FirstName: f.str("first_name"), LastName: f.str("last_name"), Email: f.str("email"),
		Team: f.str("team"), Site: f.str("site"), ManagerEmail: f.str("manager_email"),
		StartDate: f.str("start_date"), EndDate: f.str("end_date"), Language: f.str("language"),
		Active: f.boolean("active"),
	}
	return p, f.err()
}
