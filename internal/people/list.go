package people

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"majordome/internal/fold"
)

// ListParams filters and pages the directory. The zero value lists everyone, 50 at a time.
type ListParams struct {
	Q      string // words matched, accent-insensitively, against names, email, team and site
	TeamID int64
	SiteID int64
	Active *bool
	Review bool   // only the people flagged for review
	Cursor string // from the previous page's next cursor
	Limit  int
}

// Page is one page of people, in name order.
type Page struct {
	Items      []Person
	NextCursor string // "" on the last page
}

// ErrBadCursor is returned for a cursor this package did not make.
var ErrBadCursor = fmt.Errorf("people: bad cursor")

// List returns a page of people matching p, ordered by last then first name.
func (d *Directory) List(ctx context.Context, p ListParams) (Page, error) {
	if p.Limit <= 0 || p.Limit > 500 {
		p.Limit = 50
	}
	afterKey, afterID, err := decodeCursor(p.Cursor)
	if err != nil {
		return Page{}, err
	}
	w := searchWords(p.Q)
	rows, err := d.db.R.QueryContext(ctx, d.q.Get("list"), w[0], w[1], w[2], p.TeamID, p.SiteID,
		activeFilter(p.Active), afterKey, afterID, p.Limit+1, boolInt(p.Review))
	if err != nil {
		return Page{}, fmt.Errorf("people: list: %w", err)
	}
	defer rows.Close()
	var page Page
	for rows.Next() {
		person, err := scanPerson(rows)
		if err != nil {
			return Page{}, fmt.Errorf("people: list: %w", err)
		}
		page.Items = append(page.Items, person)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("people: list: %w", err)
	}
	if len(page.Items) > p.Limit {
		page.Items = page.Items[:p.Limit]
		last := page.Items[len(page.Items)-1]
		page.NextCursor = encodeCursor(fold.Key(last.LastName+" "+last.FirstName), last.ID)
	}
	return page, nil
}

// Count returns how many people match p (its cursor and limit are ignored).
func (d *Directory) Count(ctx context.Context, p ListParams) (int, error) {
	w := searchWords(p.Q)
	var n int
	err := d.db.R.QueryRowContext(ctx, d.q.Get("count"), w[0], w[1], w[2], p.TeamID, p.SiteID,
		activeFilter(p.Active), boolInt(p.Review)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("people: count: %w", err)
	}
	return n, nil
}

// likeWildcards removes what LIKE would read as a wildcard or an escape.
var likeWildcards = strings.NewReplacer(`\`, ``, `%`, ``, `_`, ``)

// searchWords turns a search into up to three LIKE patterns, all of which must match.
func searchWords(q string) [3]string {
	var w [3]string
	for i, word := range strings.Fields(fold.Key(q)) {
		if i == len(w) {
			break
		}
		word = likeWildcards.Replace(word)
		w[i] = "%" + word + "%"
	}
	return w
}

func activeFilter(a *bool) int {
	switch {
	case a == nil:
		return -1
	case *a:
		return 1
	default:
		return 0
	}
}

func encodeCursor(key string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10) + ":" + key))
}

func decodeCursor(c string) (string, int64, error) {
	if c == "" {
		return "", 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", 0, ErrBadCursor
	}
	idText, key, ok := strings.Cut(string(b), ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return "", 0, ErrBadCursor
	}
	return key, id, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
