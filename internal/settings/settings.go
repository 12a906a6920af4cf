// Package settings owns the company settings that admins change at run time (name, default
// language, timezone), stored in the database so every instance sees the same values.
package settings

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/valid"
)

//go:embed queries.sql
var queriesFS embed.FS

// Company is the company-wide configuration.
type Company struct {
	Name     string `json:"name"`
	Language string `json:"language"` // default language for people without their own
	Timezone string `json:"timezone"` // for dates shown when a site has none
}

// DefaultCompany is what a fresh install starts with: French, in Paris.
func DefaultCompany() Company {
	return Company{Name: "Mon entreprise", Language: "fr", Timezone: "Europe/Paris"}
}

// Location returns the company's timezone, Paris when it cannot be loaded.
func (c Company) Location() *time.Location {
	if loc, err := time.LoadLocation(c.Timezone); err == nil {
		return loc
	}
	loc, _ := time.LoadLocation("Europe/Paris")
	return loc
}

// Store reads and writes settings.
type Store struct {
	db    *db.DB
	q     *db.Queries
	audit *audit.Log
}

// New returns the settings stored in d.
func New(d *db.DB, log *audit.Log) *Store {
	return &Store{db: d, q: db.MustLoadQueries("settings", queriesFS, d.Dialect), audit: log}
}

// Queries exposes the package's statements to the start-up check.
func (s *Store) Queries() *db.Queries { return s.q }

const companyKey = "company"

// Company returns the company settings, with defaults for what was never set.
func (s *Store) Company(ctx context.Context) (Company, error) {
	c := DefaultCompany()
	var raw string
	err := s.db.R.QueryRowContext(ctx, s.q.Get("get"), companyKey).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("settings: company: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return DefaultCompany(), fmt.Errorf("settings: company: %w", err)
	}
	return c, nil
}

// SetCompany validates and saves the company settings.
func (s *Store) SetCompany(ctx context.Context, c Company) (Company, error) {
	var errs valid.Errors
	c.Name = strings.TrimSpace(c.Name)
	if errs.Required("name", c.Name) {
		errs.MaxLen("name", c.Name, 100)
	}
	if c.Language != "fr" && c.Language != "en" {
		errs.Add("language", "language_invalid")
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil || !strings.Contains(c.Timezone, "/") {
		errs.Add("timezone", "timezone_invalid")
	}
	if err := errs.Err(); err != nil {
		return c, err
	}
	before, err := s.Company(ctx)
	if err != nil {
		return c, err
	}
	b, _ := json.Marshal(c)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("put"), companyKey, string(b), time.Now().UTC()); err != nil {
			return fmt.Errorf("settings: save company: %w", err)
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "settings.company", EntityType: "setting",
			EntityName: companyKey, Before: before, After: c})
	})
	return c, err
}
