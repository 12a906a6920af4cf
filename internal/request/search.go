package request

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"majordome/internal/db"
	"majordome/internal/search"
)

// searchKind names requests in the shared search index.
const searchKind = "request"

// audience says who may find a request in search: the same rule as CanSee, written as tokens.
// A confidential request is found only by its requester, the admins and its assignee.
func audience(r Request) []string {
	tokens := []string{"admins", fmt.Sprintf("person:%d", r.RequesterID)}
	if r.Confidential {
		if r.AssigneeID != 0 {
			tokens = append(tokens, fmt.Sprintf("user:%d", r.AssigneeID))
		}
		return tokens
	}
	return append(tokens, "agents")
}

// tokens are the audience tokens a viewer holds.
func (v Viewer) tokens() []string {
	var t []string
	if v.Role == "admin" {
		t = append(t, "admins")
	}
	if v.IsAgent() {
		t = append(t, "agents")
	}
	if v.UserID != 0 {
		t = append(t, fmt.Sprintf("user:%d", v.UserID))
	}
	if v.PersonID != 0 {
		t = append(t, fmt.Sprintf("person:%d", v.PersonID))
	}
	return t
}

// index re-indexes request number inside tx: title, description and the public replies (internal
// notes stay out, since requesters search too).
func (k *Desk) index(ctx context.Context, tx *sql.Tx, number int64) error {
	if k.search == nil {
		return nil
	}
	r, err := k.get(ctx, tx, number)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, k.q.Get("messages"), r.ID, false)
	if err != nil {
		return fmt.Errorf("request: index #%d: %w", number, err)
	}
	var body strings.Builder
	body.WriteString(r.Description)
	for rows.Next() {
		var m Message
		var person, user sql.NullInt64
		if err := rows.Scan(&m.ID, &person, &user, &m.AuthorName, &m.Body, &m.Internal, &m.Channel, &m.CreatedAt); err != nil {
			rows.Close()
			return err
		}
		body.WriteString("\n")
		body.WriteString(m.Body)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	doc := search.Document{Kind: searchKind, ID: r.ID, Title: r.Ref() + " " + r.Title + " " + strings.Join(r.Tags, " "),
		Body: body.String(), Audience: audience(r)}
	if err := k.search.Put(ctx, tx, doc); err != nil {
		return fmt.Errorf("request: index #%d: %w", number, err)
	}
	return nil
}

// Hit is a request found by a search, with the excerpt that matched.
type Hit struct {
	Request Request
	Snippet string // plain text with search.MarkStart/MarkEnd around the matched words
}

// Search finds the requests v may see whose title, description, tags or public replies match
// text, best first. The index applies the visibility rule, and each hit is checked again
// against CanSee, so a stale index entry can never leak a confidential request.
func (k *Desk) Search(ctx context.Context, v Viewer, text string, limit int) ([]Hit, error) {
	if k.search == nil {
		return nil, nil
	}
	hits, err := k.search.Search(ctx, search.Query{Kind: searchKind, Text: text, Audience: v.tokens(), Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("request: search: %w", err)
	}
	if len(hits) == 0 {
		return nil, nil
	}
	// Read every hit in one query (and their tags in another), rather than a few per hit.
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("get-by-ids"), idList(ids))
	if err != nil {
		return nil, fmt.Errorf("request: search: %w", err)
	}
	var found []Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("request: search: %w", err)
		}
		found = append(found, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("request: search: %w", err)
	}
	if err := k.loadTags(ctx, found); err != nil {
		return nil, err
	}
	byID := make(map[int64]Request, len(found))
	for _, r := range found {
		byID[r.ID] = r
	}
	out := make([]Hit, 0, len(hits))
	for _, h := range hits {
		if r, ok := byID[h.ID]; ok && v.CanSee(r) {
			out = append(out, Hit{Request: r, Snippet: h.Snippet})
		}
	}
	return out, nil
}

// Reindex rebuilds the search entries of every request, for a database whose requests predate
// the index.
func (k *Desk) Reindex(ctx context.Context) (int, error) {
	if k.search == nil {
		return 0, nil
	}
	numbers, err := db.Column[int64](ctx, k.db.R, k.q.Get("all-numbers"))
	if err != nil {
		return 0, err
	}
	for start := 0; start < len(numbers); start += 500 {
		batch := numbers[start:min(start+500, len(numbers))]
		if err := k.db.Tx(ctx, func(tx *sql.Tx) error {
			for _, n := range batch {
				if err := k.index(ctx, tx, n); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return 0, err
		}
	}
	return len(numbers), nil
}
