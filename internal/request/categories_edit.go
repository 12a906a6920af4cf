package request

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/fold"
	"majordome/internal/valid"
)

// CategoryInput is a category as an admin writes it.
type CategoryInput struct {
	Name                string
	ParentID            int64 // 0: a top-level category
	ConfidentialDefault bool
}

// CategoryUse says how much a category is used: the admin sees it before archiving one.
type CategoryUse struct {
	Open  int // requests not yet resolved or closed
	Total int // every request filed under it
	Rules int // routing rules that test or set it
}

// ErrCategoryNotFound is a category that does not exist.
var ErrCategoryNotFound = errors.New("request: category not found")

// maxCategoryName is the longest name a category may have.
const maxCategoryName = 80

func wrapCategory(op string, err error) error { return fmt.Errorf("request: category %s: %w", op, err) }

// Category returns the category id, archived or not.
func (k *Desk) Category(ctx context.Context, id int64) (Category, error) {
	return k.category(ctx, k.db.R, id)
}

// category reads category id with its parent's name.
func (k *Desk) category(ctx context.Context, q queryer, id int64) (Category, error) {
	if id <= 0 {
		return Category{}, ErrCategoryNotFound
	}
	c, err := scanCategory(q.QueryRowContext(ctx, k.q.Get("category-get"), id))
	if isNoRows(err) {
		return Category{}, ErrCategoryNotFound
	}
	if err != nil {
		return Category{}, wrapCategory("get", err)
	}
	if c.ParentID != 0 {
		p, err := scanCategory(q.QueryRowContext(ctx, k.q.Get("category-get"), c.ParentID))
		if err != nil && !isNoRows(err) {
			return Category{}, wrapCategory("get", err)
		}
		c.ParentName = p.Name
	}
	return c, nil
}

// auditView is c as the audit log keeps it: the parent by its name, so it reads on its own.
func (c Category) auditView() map[string]any {
	return map[string]any{"name": c.Name, "parent": c.ParentName, "confidential_default": c.ConfidentialDefault,
		"archived": c.Archived}
}

// CategoryUsage counts, for each category id, its requests (open and in all) and the routing
// rules that name it. Categories nothing uses are absent. It counts confidential requests too:
// only admins, who see them all, manage categories.
func (k *Desk) CategoryUsage(ctx context.Context) (map[int64]CategoryUse, error) {
	out := map[int64]CategoryUse{}
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("category-usage"))
	if err != nil {
		return nil, wrapCategory("usage", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var u CategoryUse
		if err := rows.Scan(&id, &u.Total, &u.Open); err != nil {
			return nil, wrapCategory("usage", err)
		}
		out[id] = u
	}
	if err := rows.Err(); err != nil {
		return nil, wrapCategory("usage", err)
	}
	rules, err := k.db.R.QueryContext(ctx, k.q.Get("category-rule-usage"))
	if err != nil {
		return nil, wrapCategory("usage", err)
	}
	defer rules.Close()
	for rules.Next() {
		var id int64
		var n int
		if err := rules.Scan(&id, &n); err != nil {
			return nil, wrapCategory("usage", err)
		}
		u := out[id]
		u.Rules = n
		out[id] = u
	}
	if err := rules.Err(); err != nil {
		return nil, wrapCategory("usage", err)
	}
	return out, nil
}

// SaveCategory creates a category (id 0), placed last among its siblings, or renames and moves
// category id (placed last among its new siblings when its parent changes). The name must be
// unique whatever its case and accents, archived categories included; the parent must be an
// active top-level category, and a category with sub-categories cannot become one: the tree is
// one level deep. A failure names each wrong field and writes nothing.
func (k *Desk) SaveCategory(ctx context.Context, id int64, in CategoryInput) (Category, error) {
	var saved Category
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		var before Category
		if id != 0 {
			var err error
			if before, err = k.category(ctx, tx, id); err != nil {
				return err
			}
		}
		in, err := k.checkCategory(ctx, tx, id, in)
		if err != nil {
			return err
		}
		position := before.Position
		if id == 0 || in.ParentID != before.ParentID {
			if err := tx.QueryRowContext(ctx, k.q.Get("category-next-position"), in.ParentID).Scan(&position); err != nil {
				return wrapCategory("save", err)
			}
		}
		now := k.now()
		action := "category.update"
		if id == 0 {
			action = "category.create"
			err = tx.QueryRowContext(ctx, k.q.Get("category-insert"), in.Name, fold.Key(in.Name), nullID(in.ParentID),
				in.ConfidentialDefault, position, now).Scan(&id)
		} else {
			_, err = tx.ExecContext(ctx, k.q.Get("category-update"), id, in.Name, fold.Key(in.Name), nullID(in.ParentID),
				in.ConfidentialDefault, position, now)
		}
		if db.IsUniqueViolation(err) { // another admin took the name a moment ago
			return valid.Errors{{Field: "name", Code: "category_name_taken", Params: map[string]string{"value": in.Name}}}
		}
		if err != nil {
			return wrapCategory("save", err)
		}
		if saved, err = k.category(ctx, tx, id); err != nil {
			return err
		}
		c := audit.Change{Action: action, EntityType: "category", EntityID: id, EntityName: saved.Label(), After: saved.auditView()}
		if action == "category.update" {
			c.Before = before.auditView()
		}
		return k.audit.Record(ctx, tx, c)
	})
	return saved, err
}

// checkCategory validates and tidies in for category id (0 for a new one).
func (k *Desk) checkCategory(ctx context.Context, q queryer, id int64, in CategoryInput) (CategoryInput, error) {
	var errs valid.Errors
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	if errs.Required("name", in.Name) && errs.MaxLen("name", in.Name, maxCategoryName) {
		other, found, err := k.findCategory(ctx, q, in.Name)
		if err != nil {
			return in, err
		}
		switch {
		case !found || other.ID == id:
		case other.Archived:
			errs.Add("name", "category_name_archived", "value", other.Name)
		default:
			errs.Add("name", "category_name_taken", "value", other.Name)
		}
	}
	if in.ParentID != 0 {
		parent, err := k.category(ctx, q, in.ParentID)
		switch {
		case errors.Is(err, ErrCategoryNotFound):
			errs.Add("parent", "category_parent_unknown")
		case err != nil:
			return in, err
		case parent.ID == id:
			errs.Add("parent", "category_parent_self")
		case parent.Archived:
			errs.Add("parent", "category_parent_archived", "name", parent.Name)
		case parent.IsChild():
			errs.Add("parent", "category_parent_nested", "name", parent.Name, "parent", parent.ParentName)
		case id != 0:
			var children int
			if err := q.QueryRowContext(ctx, k.q.Get("category-children-count"), id).Scan(&children); err != nil {
				return in, wrapCategory("check", err)
			}
			if children > 0 {
				errs.Add("parent", "category_has_children", "count", fmt.Sprint(children))
			}
		}
	}
	return in, errs.Err()
}

// ArchiveCategory archives category id and, for a top-level one, its active sub-categories
// too, and returns how many of those followed it. Archived categories are no longer offered
// nor accepted for new requests; requests already filed keep them. Nothing is ever deleted:
// RestoreCategory brings a category back.
func (k *Desk) ArchiveCategory(ctx context.Context, id int64) (int, error) {
	var followed int
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := k.category(ctx, tx, id)
		if err != nil || c.Archived {
			return err
		}
		all, err := k.loadCategories(ctx, tx)
		if err != nil {
			return err
		}
		for _, child := range all {
			if child.ParentID == id && !child.Archived {
				if err := k.setArchived(ctx, tx, child, true, child.Position); err != nil {
					return err
				}
				followed++
			}
		}
		return k.setArchived(ctx, tx, c, true, c.Position)
	})
	return followed, err
}

// RestoreCategory makes archived category id active again, last among its siblings. A
// sub-category whose parent is archived waits for its parent: restore the parent first.
func (k *Desk) RestoreCategory(ctx context.Context, id int64) error {
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := k.category(ctx, tx, id)
		if err != nil || !c.Archived {
			return err
		}
		if c.ParentID != 0 {
			parent, err := k.category(ctx, tx, c.ParentID)
			if err != nil {
				return err
			}
			if parent.Archived {
				return valid.Errors{{Field: "parent", Code: "category_parent_archived", Params: map[string]string{"name": parent.Name}}}
			}
		}
		var position int
		if err := tx.QueryRowContext(ctx, k.q.Get("category-next-position"), c.ParentID).Scan(&position); err != nil {
			return wrapCategory("restore", err)
		}
		return k.setArchived(ctx, tx, c, false, position)
	})
}

// setArchived archives or restores c at position, with its audit entry.
func (k *Desk) setArchived(ctx context.Context, tx *sql.Tx, c Category, archived bool, position int) error {
	if _, err := tx.ExecContext(ctx, k.q.Get("category-archive"), c.ID, archived, position, k.now()); err != nil {
		return wrapCategory("archive", err)
	}
	action := "category.archive"
	if !archived {
		action = "category.restore"
	}
	return k.audit.Record(ctx, tx, audit.Change{Action: action, EntityType: "category", EntityID: c.ID,
		EntityName: c.Label(), Before: map[string]bool{"archived": c.Archived}, After: map[string]bool{"archived": archived}})
}

// MoveCategory moves active category id by delta places among its active siblings (-1: one
// earlier, 1: one later); a top-level category moves with its sub-categories. Moving past either
// end leaves it there.
func (k *Desk) MoveCategory(ctx context.Context, id int64, delta int) error {
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := k.category(ctx, tx, id)
		if err != nil {
			return err
		}
		all, err := k.loadCategories(ctx, tx)
		if err != nil {
			return err
		}
		siblings := slices.DeleteFunc(all, func(s Category) bool { return s.Archived || s.ParentID != c.ParentID })
		from := slices.IndexFunc(siblings, func(s Category) bool { return s.ID == id })
		if from < 0 { // archived: it has no place in the order
			return valid.Errors{{Field: "category", Code: "category_archived", Params: map[string]string{"value": c.Name}}}
		}
		to := min(max(from+delta, 0), len(siblings)-1)
		if to == from {
			return nil
		}
		siblings = slices.Insert(slices.Delete(siblings, from, from+1), to, c)
		for i, s := range siblings {
			if s.Position != i+1 {
				if _, err := tx.ExecContext(ctx, k.q.Get("category-position"), s.ID, i+1); err != nil {
					return wrapCategory("move", err)
				}
			}
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "category.move", EntityType: "category", EntityID: id,
			EntityName: c.Label(), Before: map[string]int{"category_rank": from + 1}, After: map[string]int{"category_rank": to + 1}})
	})
}
