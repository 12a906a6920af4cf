package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"majordome/internal/checklist"
	"majordome/internal/civil"
	"majordome/internal/httpx"
)

// The template helpers of the checklist pages.

// Offset writes a task's offset as the Office Manager reads it: "J-10", "J-8 à J-1", "3 mois".
func (p *Page) Offset(k checklist.Task) string {
	if k.Unit == checklist.Months {
		return p.T("checklists.offset.months", "n", signed(k.Offset))
	}
	if k.OffsetEnd != 0 {
		return p.T("checklists.offset.range", "from", signed(k.Offset), "to", signed(k.OffsetEnd))
	}
	return p.T("checklists.offset.single", "n", signed(k.Offset))
}

// signed writes n with its sign, "+30", "-10", "" for 0 (J0).
func signed(n int) string {
	switch {
	case n > 0:
		return "+" + strconv.Itoa(n)
	case n < 0:
		return strconv.Itoa(n)
	}
	return "0"
}

// Owner writes an owner rule: "Manager de la personne", "Équipe Produit", "camille@…".
func (p *Page) Owner(rule string) string {
	kind, val, _ := strings.Cut(rule, ":")
	switch kind {
	case "team":
		return p.T("checklists.owner.team_named", "name", val)
	case "person":
		return val
	}
	return p.T("checklists.owner." + rule)
}

// TaskOwner writes who a run's task went to, and whose it was meant to be when it fell back
// to the Office Manager.
func (p *Page) TaskOwner(k checklist.RunTask) string {
	switch {
	case k.OwnerTeam != "":
		return p.T("checklists.owner.team_named", "name", k.OwnerTeam)
	case k.OwnerName != "":
		return k.OwnerName
	}
	return p.T("checklists.owner.nobody")
}

// Overdue reports whether an open task is past its due date (today in the company's zone).
func (p *Page) Overdue(k checklist.RunTask) bool {
	if k.Done() {
		return false
	}
	return k.Due.Before(todayIn(p))
}

// checklistErr maps the checklist package's errors to pages.
func checklistErr(err error) error {
	switch {
	case errors.Is(err, checklist.ErrNotFound):
		return fmt.Errorf("%w: %w", errNotFound, err)
	case errors.Is(err, checklist.ErrForbidden):
		return fmt.Errorf("%w: %w", errForbidden, err)
	}
	return err
}

// account is the caller as the checklist package knows it.
func account(id httpx.Identity) checklist.Account {
	return checklist.Account{ID: id.UserID, Role: string(id.Role)}
}

// todayIn is today's date in the company's timezone.
func todayIn(p *Page) civil.Date {
	loc := p.loc
	if loc == nil {
		loc = time.UTC
	}
	return civil.Of(time.Now().In(loc))
}
