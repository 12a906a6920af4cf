package audit_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/testutil"
)

// TestTimeFiltersIgnoreTheCallersTimezone guards a real bug: SQLite keeps times as text, so a
// bound given in Paris time compared wrongly with entries stored in UTC around midnight, until
// the database layer wrote every time in UTC.
func TestTimeFiltersIgnoreTheCallersTimezone(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		log := audit.New(d)
		ctx := context.Background()
		if err := d.Tx(ctx, func(tx *sql.Tx) error {
			return log.Record(ctx, tx, audit.Change{Action: "x.test", EntityType: "x"})
		}); err != nil {
			t.Fatal(err)
		}
		paris, _ := time.LoadLocation("Europe/Paris")
		soon := time.Now().Add(time.Minute).In(paris)
		past := time.Now().Add(-time.Minute).In(paris)
		if got, _, _ := log.List(ctx, audit.Filter{To: past}); len(got) != 0 {
			t.Fatalf("an entry written after To was listed: %+v", got)
		}
		if got, _, _ := log.List(ctx, audit.Filter{From: soon}); len(got) != 0 {
			t.Fatalf("an entry written before From was listed: %+v", got)
		}
		if got, _, _ := log.List(ctx, audit.Filter{From: past, To: soon, Action: "x."}); len(got) != 1 {
			t.Fatalf("the entry within the bounds: %d", len(got))
		}
	})
}
