package db_test

import (
	"context"
	"slices"
	"testing"

	"majordome/internal/db"
	"majordome/internal/testutil"
)

func TestColumn(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		got, err := db.Column[string](ctx, d.R, "SELECT name FROM teams ORDER BY name")
		if err != nil || len(got) != 0 {
			t.Fatalf("no teams: %v %v", got, err)
		}
		if _, err := d.W.ExecContext(ctx, "INSERT INTO teams (name, name_key, created_at, updated_at) VALUES "+
			"('Ventes', 'ventes', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), ('Produit', 'produit', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"); err != nil {
			t.Fatal(err)
		}
		if got, err = db.Column[string](ctx, d.R, "SELECT name FROM teams ORDER BY name"); err != nil || !slices.Equal(got, []string{"Produit", "Ventes"}) {
			t.Fatalf("teams: %v %v", got, err)
		}
		if _, err := db.Column[int64](ctx, d.R, "SELECT name FROM teams"); err == nil {
			t.Fatal("a text read as a number must fail")
		}
	})
}
