package article

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"majordome/internal/audit"
)

// maxDeflectionText bounds the question kept with a deflection.
const maxDeflectionText = 2000

// The channels a deflection comes from: the portal's "Ça m'a aidé" (nothing was filed), and
// the buttons and links that withdraw a request just filed in Slack or by email.
const (
	ChannelPortal = "portal"
	ChannelSlack  = "slack"
	ChannelEmail  = "email"
)

// DeflectionChannels lists the channels, in the order the reports show them.
var DeflectionChannels = []string{ChannelPortal, ChannelSlack, ChannelEmail}

// Deflect records that the article id answered v's question text before it became a request
// ("Ça m'a aidé" in the portal): the reports count them. v must be able to read the article.
func (s *Service) Deflect(ctx context.Context, v Viewer, id int64, text string) error {
	a, err := s.ReadID(ctx, v, id)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error { return s.DeflectTx(ctx, tx, v, a, text, ChannelPortal, 0) })
}

// DeflectTx records inside tx that a answered v's question text on channel. requestID is the
// request v filed and then withdrew thanks to a (Slack, email), 0 for none: a request is
// counted once (a second deflection of it is refused by the database). The caller read a as v.
func (s *Service) DeflectTx(ctx context.Context, tx *sql.Tx, v Viewer, a Article, text, channel string, requestID int64) error {
	if !v.CanSee(a) {
		return ErrNotFound
	}
	if !slices.Contains(DeflectionChannels, channel) {
		return fmt.Errorf("article: deflect %s: unknown channel %q", a.Slug, channel)
	}
	text = strings.TrimSpace(text)
	if r := []rune(text); len(r) > maxDeflectionText {
		text = string(r[:maxDeflectionText])
	}
	var did int64
	if err := tx.QueryRowContext(ctx, s.q.Get("deflection-insert"), a.ID, nullID(v.UserID), nullID(v.PersonID),
		text, s.now(), channel, nullID(requestID)).Scan(&did); err != nil {
		return fmt.Errorf("article: deflect %s: %w", a.Slug, err)
	}
	after := map[string]any{"text": text, "channel": channel}
	if requestID != 0 {
		after["request_id"] = requestID
	}
	return s.audit.Record(ctx, tx, audit.Change{Action: "article.deflect", EntityType: "article", EntityID: a.ID,
		EntityName: a.Title, After: after})
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

// DeflectionsByChannel is Deflections per channel (ChannelPortal, ChannelSlack, ChannelEmail);
// a channel without any is absent.
func (s *Service) DeflectionsByChannel(ctx context.Context, from, to time.Time) (map[string]int, error) {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("deflections-by-channel"), from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("article: deflections by channel: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var ch string
		var n int
		if err := rows.Scan(&ch, &n); err != nil {
			return nil, fmt.Errorf("article: deflections by channel: %w", err)
		}
		out[ch] = n
	}
	return out, rows.Err()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
