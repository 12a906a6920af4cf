package request

import (
	"context"
	"fmt"

	"majordome/internal/fold"
	"majordome/internal/valid"
)

// Category is a kind of request (IT & Wi-Fi, Locaux & maintenance…). A confidential-by-default
// category (RH & paie) makes its requests confidential unless said otherwise.
//
// Categories form a tree one level deep: a top-level category may have sub-categories, which
// have none. An archived category is no longer offered nor accepted for new requests, but the
// requests filed under it keep it and still show its name.
type Category struct {
	ID                  int64  `json:"id"`
	Name                string `json:"name"`
	ParentID            int64  `json:"-"` // 0 for a top-level category
	ParentName          string `json:"-"`
	ConfidentialDefault bool   `json:"confidential_default"`
	// ConfidentialInherited: a sub-category of a confidential-by-default category is one too
	// (filled by the listings).
	ConfidentialInherited bool `json:"-"`
	Position              int  `json:"-"` // the order among its siblings
	Archived              bool `json:"-"`
}

// categorySep joins a sub-category's name to its parent's in flat lists.
const categorySep = " › "

// Label is the category's name as a flat list shows it: "Parent › Enfant" for a sub-category.
func (c Category) Label() string {
	if c.ParentName == "" {
		return c.Name
	}
	return c.ParentName + categorySep + c.Name
}

// Confidential reports whether requests filed under the category are confidential by default:
// it says so, or its parent does.
func (c Category) Confidential() bool { return c.ConfidentialDefault || c.ConfidentialInherited }

// IsChild reports whether the category is a sub-category.
func (c Category) IsChild() bool { return c.ParentID != 0 }

// defaultCategories are the French categories a new desk starts with.
var defaultCategories = []Category{
	{Name: "IT & Wi-Fi"},
	{Name: "Locaux & maintenance"},
	{Name: "Fournitures"},
	{Name: "RH & paie", ConfidentialDefault: true},
	{Name: "Comptabilité & notes de frais"},
	{Name: "Événements"},
	{Name: "Courrier & colis"},
	{Name: "Autre"},
}

// EnsureDefaultCategories creates the French default categories on an empty desk. Instances
// starting together may both try: the unique name makes the second a no-op.
func (k *Desk) EnsureDefaultCategories(ctx context.Context) error {
	var n int
	if err := k.db.R.QueryRowContext(ctx, k.q.Get("category-count")).Scan(&n); err != nil {
		return fmt.Errorf("request: categories: %w", err)
	}
	if n > 0 {
		return nil
	}
	now := k.now()
	for i, c := range defaultCategories {
		if _, err := k.db.W.ExecContext(ctx, k.q.Get("category-insert-default"), c.Name, fold.Key(c.Name),
			c.ConfidentialDefault, i, now); err != nil {
			return fmt.Errorf("request: default category %q: %w", c.Name, err)
		}
	}
	return nil
}

// Categories lists the active categories in their display order: each top-level category
// followed by its sub-categories. This is what forms offer and new requests accept.
func (k *Desk) Categories(ctx context.Context) ([]Category, error) {
	all, err := k.loadCategories(ctx, k.db.R)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		if !c.Archived {
			out = append(out, c)
		}
	}
	return out, nil
}

// AllCategories lists every category, archived ones included (Archived says which), in the
// order of Categories: for the settings page, and for filters and reports over past requests.
func (k *Desk) AllCategories(ctx context.Context) ([]Category, error) {
	return k.loadCategories(ctx, k.db.R)
}

// loadCategories reads every category and puts them in tree order: top-level categories by
// position, each followed by its children by position. A child whose parent is missing (it
// cannot happen through the desk) is shown as a top-level one rather than lost.
func (k *Desk) loadCategories(ctx context.Context, q queryer) ([]Category, error) {
	rows, err := q.QueryContext(ctx, k.q.Get("categories"))
	if err != nil {
		return nil, fmt.Errorf("request: categories: %w", err)
	}
	defer rows.Close()
	var flat []Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, fmt.Errorf("request: categories: %w", err)
		}
		flat = append(flat, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("request: categories: %w", err)
	}
	names := map[int64]string{}
	confidential := map[int64]bool{}
	children := map[int64][]Category{}
	for _, c := range flat {
		if c.ParentID == 0 {
			names[c.ID] = c.Name
			confidential[c.ID] = c.ConfidentialDefault
		}
	}
	var top []Category
	for _, c := range flat {
		if name, ok := names[c.ParentID]; ok {
			c.ParentName = name
			c.ConfidentialInherited = confidential[c.ParentID]
			children[c.ParentID] = append(children[c.ParentID], c)
			continue
		}
		top = append(top, c)
	}
	out := make([]Category, 0, len(flat))
	for _, c := range top {
		out = append(out, c)
		out = append(out, children[c.ID]...)
	}
	return out, nil
}

func scanCategory(sc interface{ Scan(...any) error }) (Category, error) {
	var c Category
	var parent *int64
	if err := sc.Scan(&c.ID, &c.Name, &parent, &c.ConfidentialDefault, &c.Position, &c.Archived); err != nil {
		return c, err
	}
	if parent != nil {
		c.ParentID = *parent
	}
	return c, nil
}

// findCategory finds a category by its name, whatever its case and accents, archived or not.
func (k *Desk) findCategory(ctx context.Context, q queryer, name string) (Category, bool, error) {
	c, err := scanCategory(q.QueryRowContext(ctx, k.q.Get("category-by-key"), fold.Key(name)))
	if err != nil {
		if isNoRows(err) {
			return c, false, nil
		}
		return c, false, fmt.Errorf("request: category: %w", err)
	}
	if c.ParentID != 0 {
		p, err := scanCategory(q.QueryRowContext(ctx, k.q.Get("category-get"), c.ParentID))
		if err != nil && !isNoRows(err) {
			return c, false, fmt.Errorf("request: category: %w", err)
		}
		c.ParentName, c.ConfidentialInherited = p.Name, p.ConfidentialDefault
	}
	return c, true, nil
}

// categoryByName finds an active category by its name, whatever its case and accents.
func (k *Desk) categoryByName(ctx context.Context, q queryer, name string) (Category, bool, error) {
	c, ok, err := k.findCategory(ctx, q, name)
	if err != nil || !ok || c.Archived {
		return Category{}, false, err
	}
	return c, true, nil
}

// categoryFor resolves the category name a request is given, adding a failure on field
// "category" when no category has it or it is archived. keepID is the request's current
// category: it stays acceptable even if archived since, so editing an old request does not
// force a new category on it.
func (k *Desk) categoryFor(ctx context.Context, q queryer, name string, keepID int64, errs *valid.Errors) (Category, error) {
	c, ok, err := k.findCategory(ctx, q, name)
	switch {
	case err != nil:
		return Category{}, err
	case !ok:
		errs.Add("category", "category_unknown", "value", name)
	case c.Archived && c.ID != keepID:
		errs.Add("category", "category_archived", "value", c.Name)
	}
	return c, nil
}
