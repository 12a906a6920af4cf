package article_test

import (
	"testing"
	"time"

	"majordome/internal/article"
	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/testutil"
)

func TestStaleArticlesTellTheirOwnerOncePerDate(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		b.s.WithNotify(notify.New(d, jobs.New(d, testutil.Quiet, jobs.Options{}), cat, testutil.Quiet))
		now := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
		b.s.SetClock(func() time.Time { return now })
		stale := b.create(t, article.Article{Title: "Badges Lyon", Body: "x", OwnerEmail: "Camille.Martin@exemple.fr",
			VerifiedUntil: civil.Date{Year: 2026, Month: 5, Day: 3}})
		b.create(t, article.Article{Title: "À jour", Body: "x", OwnerEmail: "camille.martin@exemple.fr",
			VerifiedUntil: civil.Date{Year: 2026, Month: 5, Day: 4}}) // verified until today: not stale yet
		b.create(t, article.Article{Title: "Sans propriétaire", Body: "x", VerifiedUntil: civil.Date{Year: 2025, Month: 1, Day: 1}})
		told := func() int {
			var n int
			if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE kind = 'article.stale' AND link = '/bible/badges-lyon'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n, err := b.s.RunStaleCheck(ctx); err != nil || n != 1 || told() != 1 {
			t.Fatalf("first run: %d flagged, %d told, %v", n, told(), err)
		}
		if n, err := b.s.RunStaleCheck(ctx); err != nil || n != 0 || told() != 1 {
			t.Fatalf("the next day's run tells nobody again: %d flagged, %d told, %v", n, told(), err)
		}
		list, _ := b.s.List(ctx, b.admin, article.Filter{Stale: true})
		if len(list) != 2 {
			t.Errorf("« À vérifier »: %d articles", len(list))
		}
		// Verified again, until a date that passes in turn: the owner is told again.
		stale.VerifiedUntil = civil.Date{Year: 2026, Month: 5, Day: 10}
		if _, err := b.s.Update(ctx, b.admin, stale.ID, stale); err != nil {
			t.Fatal(err)
		}
		if n, _ := b.s.RunStaleCheck(ctx); n != 0 {
			t.Errorf("verified until a later date: %d flagged", n)
		}
		now = now.AddDate(0, 0, 7)
		if n, err := b.s.RunStaleCheck(ctx); err != nil || n != 2 || told() != 2 { // and « À jour », now past too
			t.Errorf("past the new date: %d flagged, %d told, %v", n, told(), err)
		}
	})
}
