// Package demo fills an empty Majordome with a fictional French company, so a newcomer sees a
// living product.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"majordome/internal/audit"
	"majordome/internal/civil"
	"majordome/internal/people"
	"majordome/internal/valid"
)

// actor signs the demo company's entries in the audit trail, so an admin who looks there sees
// where these people came from.
var actor = audit.Actor{Kind: "system", Name: "Majordome (démo)"}

// Fill creates the demo company when the directory is empty and returns how many people it
// created (0 when there were people already).
//
// It goes through the services' public API only: the sites first, so that Strasbourg gets its
// Alsace-Moselle holidays, then everyone in one import, which is one transaction (all or
// nothing, and fast: well under a second on SQLite). Then the desk's last weeks (history.go),
// step by step: a failure there leaves the company and the part of the history written.
func Fill(ctx context.Context, s Services) (int, error) {
	return fill(ctx, s, time.Now())
}

func fill(ctx context.Context, s Services, now time.Time) (int, error) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	n, err := fillPeople(ctx, s.People, civil.Of(now.In(loc)))
	if err != nil || n == 0 {
		return n, err
	}
	if err := writeHistory(ctx, s, now, loc); err != nil {
		return n, err
	}
	return n, nil
}

// fillPeople imports the company when the directory is empty and returns how many people it
// created (0 when there were people already).
func fillPeople(ctx context.Context, dir *people.Directory, today civil.Date) (int, error) {
	if empty, err := isEmpty(ctx, dir); err != nil || !empty {
		return 0, err
	}
	ctx = audit.WithActor(ctx, actor)
	if err := ensureSites(ctx, dir); err != nil {
		return 0, raced(ctx, dir, err)
	}
	res, err := dir.Import(ctx, rows(today), true, nil)
	if err != nil {
		return 0, raced(ctx, dir, fmt.Errorf("demo: import: %w", err))
	}
	if !res.OK() {
		e := res.Errors[0]
		return 0, raced(ctx, dir, fmt.Errorf("demo: line %d refused: %s %s", e.Line, e.Field, e.Code))
	}
	return res.Created, nil
}

func isEmpty(ctx context.Context, dir *people.Directory) (bool, error) {
	st, err := dir.Stats(ctx)
	if err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	return st.Active+st.Inactive == 0, nil
}

// raced forgives err when the directory is no longer empty: two instances started with --demo
// on one PostgreSQL both saw it empty, and the other one filled it first.
func raced(ctx context.Context, dir *people.Directory, err error) error {
	if empty, cerr := isEmpty(ctx, dir); cerr == nil && !empty {
		return nil
	}
	return err
}

// ensureSites creates the demo's sites that do not exist yet. A site of the same name that an
// admin made already is kept as it is: the demo never overwrites real settings.
func ensureSites(ctx context.Context, dir *people.Directory) error {
	have, err := dir.Sites(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	exists := map[string]bool{}
	for _, s := range have {
		exists[s.Name] = true
	}
	for _, s := range sites {
		if exists[s.Name] {
			continue
		}
		_, err := dir.SaveSite(ctx, 0, s)
		var ve valid.Errors
		if errors.As(err, &ve) && ve.Has("name") {
			continue // created meanwhile by another instance
		}
		if err != nil {
			return fmt.Errorf("demo: site %s: %w", s.Name, err)
		}
	}
	return nil
}
