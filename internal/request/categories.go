package request

import (
	"context"
	"fmt"

	"majordome/internal/fold"
)

// Category is a kind of request (IT & Wi-Fi, Locaux & maintenance…). A confidential-by-default
// category (RH & paie) makes its requests confidential unless said otherwise.
type Category struct {
	ID                  int64  `json:"id"`
	Name                string `json:"name"`
	ParentID            int64  `json:"-"`
	ConfidentialDefault bool   `json:"confidential_default"`
}

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

// Categories lists the active categories in their display order.
func (k *Desk) Categories(ctx context.Context) ([]Category, error) {
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("categories"))
	if err != nil {
		return nil, fmt.Errorf("request: categories: %w", err)
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		var c Category
		var parent *int64
		if err := rows.Scan(&c.ID, &c.Name, &parent, &c.ConfidentialDefault); err != nil {
			return nil, fmt.Errorf("request: categories: %w", err)
		}
		if parent != nil {
			c.ParentID = *parent
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// categoryByName finds an active category by its name, whatever its case and accents.
func (k *Desk) categoryByName(ctx context.Context, q queryer, name string) (Category, bool, error) {
	var c Category
	var parent *int64
	err := q.QueryRowContext(ctx, k.q.Get("category-by-key"), fold.Key(name)).Scan(&c.ID, &c.Name, &parent, &c.ConfidentialDefault)
	if err != nil {
		if isNoRows(err) {
			return c, false, nil
		}
		return c, false, fmt.Errorf("request: category: %w", err)
	}
	return c, true, nil
}
