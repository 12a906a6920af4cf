package checklist

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"majordome/internal/fold"
	"majordome/internal/valid"
)

// Limits of a template.
const (
	maxTitle       = 200
	maxDescription = 20000
	maxDetails     = 5000
	maxTasks       = 100
	maxSlug        = 80
	// maxOffsetDays bounds an offset in days (ten years), maxOffsetMonths in months, so that a
	// typo cannot send the working-day count on a walk of centuries.
	maxOffsetDays   = 3660
	maxOffsetMonths = 120
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// reservedSlugs are paths of the web pages beside the templates' (/checklists/runs…).
var reservedSlugs = []string{"runs", "tasks", "new", "edit"}

// CheckSlug returns an error unless slug is a valid template identifier: lower-case letters,
// digits and single hyphens, 80 characters at most ("onboarding", "verification-extincteurs"),
// and not one of the few words the web pages use themselves (runs, tasks, new, edit).
func CheckSlug(slug string) error {
	if len(slug) > maxSlug || !slugRE.MatchString(slug) || slices.Contains(reservedSlugs, slug) {
		return fmt.Errorf("checklist: invalid slug %q", slug)
	}
	return nil
}

// Slugify makes a slug from a title: "Arrivée d'un stagiaire" → "arrivee-d-un-stagiaire".
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range fold.Key(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
		if b.Len() >= maxSlug-8 { // room for a "-2" suffix
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	switch {
	case s == "":
		s = "checklist"
	case slices.Contains(reservedSlugs, s):
		s = "checklist-" + s
	}
	return s
}

// normalize trims t's text fields in place, so that what is compared and stored is what a
// person meant.
func normalize(t *Template) {
	t.Slug = strings.TrimSpace(t.Slug)
	t.Title = strings.Join(strings.Fields(t.Title), " ")
	t.Description = strings.TrimSpace(t.Description)
	t.Anchor = strings.TrimSpace(t.Anchor)
	t.Recurrence = strings.TrimSpace(t.Recurrence)
	t.RecurrenceDay = strings.TrimSpace(t.RecurrenceDay)
	for i := range t.Tasks {
		k := &t.Tasks[i]
		k.Title = strings.Join(strings.Fields(k.Title), " ")
		k.Unit = strings.TrimSpace(k.Unit)
		k.Owner = normalizeOwner(k.Owner)
		k.Details = strings.TrimSpace(k.Details)
		k.ArticleSlug = strings.TrimSpace(k.ArticleSlug)
	}
}

// normalizeOwner trims an owner rule and lower-cases its kind and an email.
func normalizeOwner(o string) string {
	o = strings.TrimSpace(o)
	kind, val, ok := strings.Cut(o, ":")
	if !ok {
		return o
	}
	kind, val = strings.ToLower(strings.TrimSpace(kind)), strings.TrimSpace(val)
	switch kind {
	case "person":
		val = strings.ToLower(val)
	case "role":
		val = strings.ToLower(val)
	}
	return kind + ":" + val
}

// ValidOwner reports whether o is an owner rule: role:manager, role:person,
// role:office_manager, team:NAME or person:EMAIL.
func ValidOwner(o string) bool {
	kind, val, ok := strings.Cut(o, ":")
	if !ok {
		return false
	}
	switch kind {
	case "role":
		return val == "manager" || val == "person" || val == "office_manager"
	case "team":
		return val != "" && len(val) <= maxTitle
	case "person":
		return valid.IsEmail(val)
	}
	return false
}

// Validate checks t as given (after normalizing it): every wrong field, as valid.Errors. Task
// failures carry the task's number (from 1) in "row", and fields named tasks[i].field.
func Validate(t *Template) error {
	normalize(t)
	var errs valid.Errors
	if CheckSlug(t.Slug) != nil {
		errs.Add("slug", "checklist_slug_invalid", "value", t.Slug)
	}
	if errs.Required("title", t.Title) {
		errs.MaxLen("title", t.Title, maxTitle)
	}
	errs.MaxLen("description", t.Description, maxDescription)
	if !slices.Contains(Anchors, t.Anchor) {
		errs.Add("anchor", "checklist_anchor_invalid", "value", t.Anchor)
	}
	if !slices.Contains(Recurrences, t.Recurrence) {
		errs.Add("recurrence", "checklist_recurrence_invalid", "value", t.Recurrence)
	} else if t.Recurrence != "" {
		if t.Anchor != AnchorDate && !errs.Has("anchor") {
			errs.Add("recurrence", "checklist_recurrence_anchor")
		}
		if _, _, ok := parseRecurrenceDay(t.Recurrence, t.RecurrenceDay); !ok {
			errs.Add("recurrence_day", "checklist_recurrence_day_invalid", "value", t.RecurrenceDay)
		}
	} else if t.RecurrenceDay != "" {
		errs.Add("recurrence_day", "checklist_recurrence_day_unused")
	}
	switch {
	case len(t.Tasks) == 0:
		errs.Add("tasks", "checklist_tasks_required")
	case len(t.Tasks) > maxTasks:
		errs.Add("tasks", "checklist_tasks_too_many", "max", strconv.Itoa(maxTasks))
	}
	for i, k := range t.Tasks {
		checkTask(&errs, i, k)
	}
	return errs.Err()
}

func checkTask(errs *valid.Errors, i int, k Task) {
	row := strconv.Itoa(i + 1)
	field := func(f string) string { return fmt.Sprintf("tasks[%d].%s", i, f) }
	switch {
	case k.Title == "":
		errs.Add(field("title"), "checklist_task_title_required", "row", row)
	case len([]rune(k.Title)) > maxTitle:
		errs.Add(field("title"), "checklist_task_title_too_long", "row", row, "max", strconv.Itoa(maxTitle))
	}
	if !slices.Contains(Units, k.Unit) {
		errs.Add(field("unit"), "checklist_task_unit_invalid", "row", row, "value", k.Unit)
	} else {
		limit := maxOffsetDays
		if k.Unit == Months {
			limit = maxOffsetMonths
		}
		if k.Offset < -limit || k.Offset > limit {
			errs.Add(field("offset"), "checklist_task_offset_range", "row", row, "max", strconv.Itoa(limit))
		}
		if k.OffsetEnd < -limit || k.OffsetEnd > limit {
			errs.Add(field("offset_end"), "checklist_task_offset_range", "row", row, "max", strconv.Itoa(limit))
		} else if k.OffsetEnd != 0 && k.OffsetEnd <= k.Offset {
			errs.Add(field("offset_end"), "checklist_task_range_invalid", "row", row)
		}
	}
	if !ValidOwner(k.Owner) {
		errs.Add(field("owner"), "checklist_task_owner_invalid", "row", row, "value", k.Owner)
	}
	if len([]rune(k.Details)) > maxDetails {
		errs.Add(field("details"), "checklist_task_details_too_long", "row", row, "max", strconv.Itoa(maxDetails))
	}
	if k.ArticleSlug != "" && (len(k.ArticleSlug) > maxSlug || !slugRE.MatchString(k.ArticleSlug)) {
		errs.Add(field("article_slug"), "checklist_task_article_invalid", "row", row, "value", k.ArticleSlug)
	}
}

// parseRecurrenceDay reads a template's RecurrenceDay for its recurrence: the month (1–12; 0
// for monthly) and the day (1–31) of the first occurrence in a period. "" is the first day.
func parseRecurrenceDay(recurrence, day string) (month time.Month, dom int, ok bool) {
	if recurrence == Monthly {
		if day == "" {
			return 0, 1, true
		}
		d, err := strconv.Atoi(day)
		if err != nil || d < 1 || d > 31 || len(day) > 2 {
			return 0, 0, false
		}
		return 0, d, true
	}
	if day == "" {
		return time.January, 1, true
	}
	ms, ds, found := strings.Cut(day, "-")
	if !found || len(ms) != 2 || len(ds) != 2 {
		return 0, 0, false
	}
	m, err1 := strconv.Atoi(ms)
	d, err2 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, 0, false
	}
	if recurrence == Quarterly && m > 3 {
		// The first quarter's occurrence names the pattern; 05-01 is 02-01's.
		m = (m-1)%3 + 1
	}
	// Reject days no month of that number has (02-30, 04-31).
	if d > daysIn(time.Month(m), 2024) {
		return 0, 0, false
	}
	return time.Month(m), d, true
}

// daysIn is the number of days of month m in year y.
func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
}
