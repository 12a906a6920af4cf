package article

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"majordome/internal/audit"
)

// maxDeflectionText bounds the question kept with a deflection.
const maxDeflectionText = 2000

// Deflect records that the article id answered v's question text before it became a request
// ("Ça m'a aidé"): the reports count them. v must be able to read the article.
func (s *Service) Deflect(ctx context.Context, v Viewer, id int64, text string) error {
	a, err := s.ReadID(ctx, v, id)
	if err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	if r := []rune(text); len(r) > maxDeflectionText {
		text = string(r[:maxDeflectionText])
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var did int64
		if err := tx.QueryRowContext(ctx, s.q.Get("deflection-insert"), a.ID, nullID(v.UserID), nullID(v.PersonID),
			text, s.now()).Scan(&did); err != nil {
			return fmt.Errorf("article: deflect %s: %w", a.Slug, err)
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "article.deflect", EntityType: "article", EntityID: a.ID,
			EntityName: a.Title, After: map[string]any{"text": text}})
	})
}

// Deflections counts the questions the bible answered between from (included) and to
// (excluded), for the reports.
func (s *Service) Deflections(ctx context.Context, from, to time.Time) (int, error) {
	var n int
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("deflections-between"), from.UTC(), to.UTC()).Scan(&n); err != nil {
		return 0, fmt.Errorf("article: deflections: %w", err)
	}
	return n, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
