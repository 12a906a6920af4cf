package checklist

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"majordome/internal/audit"
	"majordome/internal/valid"
)

func scanTemplate(sc interface{ Scan(...any) error }) (Template, error) {
	var t Template
	err := sc.Scan(&t.ID, &t.Slug, &t.Title, &t.Description, &t.Anchor, &t.Recurrence, &t.RecurrenceDay,
		&t.CreatedAt, &t.UpdatedAt)
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return t, err
}

func scanTask(sc interface{ Scan(...any) error }) (int64, Task, error) {
	var id int64
	var k Task
	err := sc.Scan(&id, &k.Title, &k.Offset, &k.OffsetEnd, &k.Unit, &k.Owner, &k.Details, &k.ArticleSlug)
	return id, k, err
}

// Templates returns every template with its tasks, by slug.
func (s *Service) Templates(ctx context.Context) ([]Template, error) {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("templates"))
	if err != nil {
		return nil, fmt.Errorf("checklist: templates: %w", err)
	}
	var out []Template
	byID := map[int64]int{}
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("checklist: templates: %w", err)
		}
		byID[t.ID] = len(out)
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("checklist: templates: %w", err)
	}
	rows, err = s.db.R.QueryContext(ctx, s.q.Get("all-template-tasks"))
	if err != nil {
		return nil, fmt.Errorf("checklist: template tasks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		id, k, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("checklist: template tasks: %w", err)
		}
		if i, ok := byID[id]; ok {
			out[i].Tasks = append(out[i].Tasks, k)
		}
	}
	return out, rows.Err()
}

// TemplateBySlug returns the template with slug and its tasks, or ErrNotFound.
func (s *Service) TemplateBySlug(ctx context.Context, slug string) (Template, error) {
	return s.template(ctx, s.db.R, "template-by-slug", slug)
}

// TemplateByID returns the template with id and its tasks, or ErrNotFound.
func (s *Service) TemplateByID(ctx context.Context, id int64) (Template, error) {
	return s.template(ctx, s.db.R, "template-by-id", id)
}

func (s *Service) template(ctx context.Context, q queryer, query string, key any) (Template, error) {
	t, err := scanTemplate(q.QueryRowContext(ctx, s.q.Get(query), key))
	if isNoRows(err) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("checklist: template %v: %w", key, err)
	}
	t.Tasks, err = s.templateTasks(ctx, q, t.ID)
	return t, err
}

func (s *Service) templateTasks(ctx context.Context, q queryer, id int64) ([]Task, error) {
	rows, err := q.QueryContext(ctx, s.q.Get("template-tasks"), id)
	if err != nil {
		return nil, fmt.Errorf("checklist: tasks of template %d: %w", id, err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		_, k, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("checklist: tasks of template %d: %w", id, err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// UpsertTemplateTx validates t (returning valid.Errors) and writes it inside tx, by slug: a new
// slug creates the template, a known one replaces its fields and tasks. It reports whether
// anything changed: writing a template identical to the stored one (same fields, same tasks in
// the same order) touches nothing, so that importing a pack twice changes nothing. The change
// is audited.
func (s *Service) UpsertTemplateTx(ctx context.Context, tx *sql.Tx, t Template) (changed bool, err error) {
	if err := Validate(&t); err != nil {
		return false, err
	}
	before, err := s.template(ctx, tx, "template-by-slug", t.Slug)
	switch {
	case err == ErrNotFound:
		now := s.now()
		if err := tx.QueryRowContext(ctx, s.q.Get("template-insert"), t.Slug, t.Title, t.Description, t.Anchor,
			t.Recurrence, t.RecurrenceDay, now).Scan(&t.ID); err != nil {
			return false, fmt.Errorf("checklist: create template %s: %w", t.Slug, err)
		}
		if err := s.writeTasks(ctx, tx, t.ID, t.Tasks); err != nil {
			return false, err
		}
		return true, s.audit.Record(ctx, tx, audit.Change{Action: "checklist.create", EntityType: "checklist",
			EntityID: t.ID, EntityName: t.Title, After: snapshot(t)})
	case err != nil:
		return false, err
	}
	if same(before, t) {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("template-update"), before.ID, t.Title, t.Description, t.Anchor,
		t.Recurrence, t.RecurrenceDay, s.now()); err != nil {
		return false, fmt.Errorf("checklist: update template %s: %w", t.Slug, err)
	}
	if !slices.Equal(before.Tasks, t.Tasks) {
		if _, err := tx.ExecContext(ctx, s.q.Get("template-tasks-delete"), before.ID); err != nil {
			return false, fmt.Errorf("checklist: update template %s: %w", t.Slug, err)
		}
		if err := s.writeTasks(ctx, tx, before.ID, t.Tasks); err != nil {
			return false, err
		}
	}
	return true, s.audit.Record(ctx, tx, audit.Change{Action: "checklist.update", EntityType: "checklist",
		EntityID: before.ID, EntityName: t.Title, Before: snapshot(before), After: snapshot(t)})
}

// SaveTemplate is UpsertTemplateTx in a transaction of its own, returning the stored template.
// With replaceSlug set, the template stored under replaceSlug is the one edited (the form's
// slug may rename it); otherwise t.Slug picks or creates it.
func (s *Service) SaveTemplate(ctx context.Context, replaceSlug string, t Template) (Template, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if replaceSlug != "" && replaceSlug != t.Slug {
			if err := Validate(&t); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRowContext(ctx, s.q.Get("slug-taken"), t.Slug).Scan(&n); err != nil {
				return fmt.Errorf("checklist: slug: %w", err)
			}
			if n > 0 {
				return slugTaken(t.Slug)
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("template-rename"), t.Slug, replaceSlug); err != nil {
				return fmt.Errorf("checklist: rename %s: %w", replaceSlug, err)
			}
		}
		_, err := s.UpsertTemplateTx(ctx, tx, t)
		return err
	})
	if err != nil {
		return t, err
	}
	return s.TemplateBySlug(ctx, t.Slug)
}

// CreateTemplate stores a new template, its slug made from its title when empty (with a
// numbered suffix when taken), and returns it.
func (s *Service) CreateTemplate(ctx context.Context, t Template) (Template, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if t.Slug == "" {
			base := Slugify(t.Title)
			t.Slug = base
			for i := 2; ; i++ {
				var n int
				if err := tx.QueryRowContext(ctx, s.q.Get("slug-taken"), t.Slug).Scan(&n); err != nil {
					return fmt.Errorf("checklist: slug: %w", err)
				}
				if n == 0 {
					break
				}
				t.Slug = base + "-" + strconv.Itoa(i)
			}
		} else {
			var n int
			if err := tx.QueryRowContext(ctx, s.q.Get("slug-taken"), t.Slug).Scan(&n); err != nil {
				return fmt.Errorf("checklist: slug: %w", err)
			}
			if n > 0 {
				return slugTaken(t.Slug)
			}
		}
		_, err := s.UpsertTemplateTx(ctx, tx, t)
		return err
	})
	if err != nil {
		return t, err
	}
	return s.TemplateBySlug(ctx, t.Slug)
}

// DeleteTemplate removes a template; its runs stay, detached, with their tasks.
func (s *Service) DeleteTemplate(ctx context.Context, slug string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.template(ctx, tx, "template-by-slug", slug)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("template-delete"), t.ID); err != nil {
			return fmt.Errorf("checklist: delete %s: %w", slug, err)
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "checklist.delete", EntityType: "checklist",
			EntityID: t.ID, EntityName: t.Title, Before: snapshot(t)})
	})
}

func (s *Service) writeTasks(ctx context.Context, tx *sql.Tx, id int64, tasks []Task) error {
	for i, k := range tasks {
		if _, err := tx.ExecContext(ctx, s.q.Get("template-task-insert"), id, i, k.Title, k.Offset, k.OffsetEnd,
			k.Unit, k.Owner, k.Details, k.ArticleSlug); err != nil {
			return fmt.Errorf("checklist: task %d of template %d: %w", i+1, id, err)
		}
	}
	return nil
}

func slugTaken(slug string) error {
	var errs valid.Errors
	errs.Add("slug", "checklist_slug_taken", "value", slug)
	return errs
}

// same reports whether stored a and b hold the same content (not ids nor times).
func same(a, b Template) bool {
	return a.Slug == b.Slug && a.Title == b.Title && a.Description == b.Description && a.Anchor == b.Anchor &&
		a.Recurrence == b.Recurrence && a.RecurrenceDay == b.RecurrenceDay && slices.Equal(a.Tasks, b.Tasks)
}

// snapshot is what the audit trail keeps of a template.
func snapshot(t Template) map[string]any {
	tasks := make([]map[string]any, len(t.Tasks))
	for i, k := range t.Tasks {
		tasks[i] = map[string]any{"title": k.Title, "offset": k.Offset, "offset_end": k.OffsetEnd, "unit": k.Unit,
			"owner": k.Owner}
	}
	return map[string]any{"slug": t.Slug, "title": t.Title, "anchor": t.Anchor, "recurrence": t.Recurrence,
		"recurrence_day": t.RecurrenceDay, "tasks": tasks}
}
