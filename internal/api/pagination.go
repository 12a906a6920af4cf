package api

import (
	"fmt"
	"net/http"
	"strconv"
)

// Page sizes of every list: small enough to answer fast, large enough for a sync script.
const (
	defaultLimit = 50
	maxLimit     = 200
)

// page is the body of every list: one page of items and the cursor of the next, null on the
// last page. Cursors rather than offsets, so a page never repeats or skips an item when people
// are added or removed between two requests.
type page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// newPage converts a domain page's items with conv. next is "" on the last page.
func newPage[T, D any](items []D, next string, conv func(D) T) page[T] {
	p := page[T]{Items: make([]T, 0, len(items))} // [] rather than null when empty
	for _, it := range items {
		p.Items = append(p.Items, conv(it))
	}
	if next != "" {
		p.NextCursor = &next
	}
	return p
}

// pageParams reads the cursor and limit query parameters shared by every list.
func pageParams(r *http.Request) (cursor string, limit int, err error) {
	q := r.URL.Query()
	limit = defaultLimit
	if s := q.Get("limit"); s != "" {
		limit, err = strconv.Atoi(s)
		if err != nil || limit < 1 || limit > maxLimit {
			return "", 0, invalidParameter("limit", fmt.Sprintf("limit must be a whole number from 1 to %d (default %d).", maxLimit, defaultLimit))
		}
	}
	return q.Get("cursor"), limit, nil
}
