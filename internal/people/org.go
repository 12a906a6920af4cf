package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/fold"
	"majordome/internal/valid"
)

// Team is a group of people (Produit, Ventes, Finance…).
type Team struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Members int    `json:"members"`
}

// Site is an office people work from, with the timezone and public-holiday calendar that its
// business hours follow.
type Site struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Timezone      string `json:"timezone"`
	HolidayRegion string `json:"holiday_region"`
	Members       int    `json:"members"`
}

// HolidayRegions are the public-holiday calendars a site can follow: metropolitan France, and
// Alsace-Moselle with its two extra days (Good Friday, 26 December).
var HolidayRegions = []string{"FR", "FR-ALSACE-MOSELLE"}

// ensureTeam returns the id of the team named name, creating it; "" gives 0 (no team).
func (d *Directory) ensureTeam(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	return d.ensureNamed(ctx, tx, "team", name)
}

// ensureSite returns the id of the site named name, creating it with the defaults.
func (d *Directory) ensureSite(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	return d.ensureNamed(ctx, tx, "site", name)
}

func (d *Directory) ensureNamed(ctx context.Context, tx *sql.Tx, kind, name string) (int64, error) {
	if name == "" {
		return 0, nil
	}
	key := fold.Key(name)
	var id int64
	err := tx.QueryRowContext(ctx, d.q.Get(kind+"-id"), key).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("people: find %s: %w", kind, err)
	}
	now := d.now()
	if err := tx.QueryRowContext(ctx, d.q.Get(kind+"-insert"), name, key, now).Scan(&id); err != nil {
		return 0, fmt.Errorf("people: create %s %q: %w", kind, name, err)
	}
	return id, d.audit.Record(ctx, tx, audit.Change{Action: kind + ".create", EntityType: kind,
		EntityID: id, EntityName: name, After: map[string]string{"name": name}})
}

// Teams lists the teams with their number of active members, by name.
func (d *Directory) Teams(ctx context.Context) ([]Team, error) {
	rows, err := d.db.R.QueryContext(ctx, d.q.Get("teams"))
	if err != nil {
		return nil, fmt.Errorf("people: teams: %w", err)
	}
	defer rows.Close()
	var out []Team
	for rows.Next() {
		var t Team
		if err := rows.Scan(&t.ID, &t.Name, &t.Members); err != nil {
			return nil, fmt.Errorf("people: teams: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Sites lists the sites with their number of active members, by name.
func (d *Directory) Sites(ctx context.Context) ([]Site, error) {
	rows, err := d.db.R.QueryContext(ctx, d.q.Get("sites"))
	if err != nil {
		return nil, fmt.Errorf("people: sites: %w", err)
	}
	defer rows.Close()
	var out []Site
	for rows.Next() {
		var s Site
		if err := rows.Scan(&s.ID, &s.Name, &s.Timezone, &s.HolidayRegion, &s.Members); err != nil {
			return nil, fmt.Errorf("people: sites: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Site returns the site with id.
func (d *Directory) Site(ctx context.Context, id int64) (Site, error) {
	var s Site
	err := d.db.R.QueryRowContext(ctx, d.q.Get("site"), id).Scan(&s.ID, &s.Name, &s.Timezone, &s.HolidayRegion, &s.Members)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("people: site %d: %w", id, err)
	}
	return s, nil
}

// SiteInput is what a site is created or edited from.
type SiteInput struct {
	Name          string `json:"name"`
	Timezone      string `json:"timezone"`
	HolidayRegion string `json:"holiday_region"`
}

func (d *Directory) checkSite(in *SiteInput) valid.Errors {
	var errs valid.Errors
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	if errs.Required("name", in.Name) {
		errs.MaxLen("name", in.Name, maxOrg)
	}
	if in.Timezone == "" {
		in.Timezone = "Europe/Paris"
	}
	if _, err := time.LoadLocation(in.Timezone); err != nil || !strings.Contains(in.Timezone, "/") {
		errs.Add("timezone", "timezone_invalid")
	}
	if in.HolidayRegion == "" {
		in.HolidayRegion = "FR"
	}
	if !slices.Contains(HolidayRegions, in.HolidayRegion) {
		errs.Add("holiday_region", "holiday_region_invalid")
	}
	return errs
}

// SaveSite creates a site (id 0) or edits one.
func (d *Directory) SaveSite(ctx context.Context, id int64, in SiteInput) (Site, error) {
	if err := d.checkSite(&in).Err(); err != nil {
		return Site{}, err
	}
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		var before *Site
		if id != 0 {
			s, err := d.Site(ctx, id)
			if err != nil {
				return err
			}
			before = &s
			_, err = tx.ExecContext(ctx, d.q.Get("site-update"), id, in.Name, fold.Key(in.Name), in.Timezone, in.HolidayRegion, d.now())
			if err != nil {
				return err
			}
		} else if err := tx.QueryRowContext(ctx, d.q.Get("site-insert-full"), in.Name, fold.Key(in.Name),
			in.Timezone, in.HolidayRegion, d.now()).Scan(&id); err != nil {
			return err
		}
		var b any
		if before != nil {
			b = SiteInput{before.Name, before.Timezone, before.HolidayRegion}
		}
		action := "site.update"
		if before == nil {
			action = "site.create"
		}
		return d.audit.Record(ctx, tx, audit.Change{Action: action, EntityType: "site", EntityID: id,
			EntityName: in.Name, Before: b, After: in})
	})
	if err != nil {
		if db.IsUniqueViolation(err) {
			return Site{}, valid.Errors{{Field: "name", Code: "name_taken"}}
		}
		var ve valid.Errors
		if errors.As(err, &ve) || errors.Is(err, ErrNotFound) {
			return Site{}, err
		}
		return Site{}, fmt.Errorf("people: save site: %w", err)
	}
	return d.Site(ctx, id)
}
