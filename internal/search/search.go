// Package search owns the full-text index shared by the request desk and the bible: ranked,
// accent-, case- and plural-insensitive search as you type, on SQLite FTS5 and on PostgreSQL,
// restricted to what the reader may see.
//
// The package knows nothing of requests or articles. Their owners index a Document inside the
// transaction that changes it, with an audience: tokens naming who may see it ("all",
// "agents", "user:12"…, chosen by the caller). A search passes the tokens the reader holds and
// finds only documents sharing at least one of them.
package search

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"majordome/internal/db"
)

//go:embed queries*.sql
var queriesFS embed.FS

// ErrInvalid reports a document or a query the index cannot take: no kind, a malformed audience
// token. These are mistakes of the calling code, not of the person searching, whose text is
// never invalid.
var ErrInvalid = errors.New("search: invalid")

// Document is what the index holds of a request, an article…
type Document struct {
	Kind  string // "request", "article": the namespace of ID
	ID    int64  // the document's id in its owner's table
	Title string
	Body  string // the rest of the searchable text, e.g. a request's description and replies
	// Audience lists who may see the document, as tokens of the caller's choosing, such as
	// "all" (everyone), "agents" or "user:12". A reader holding any one of them finds it, so
	// "only user 12, user 40 and admins" is {"user:12", "user:40", "admins"}. A token is at
	// most 100 bytes, without white space. A document with no token is found by nobody.
	Audience []string
}

// Query is a search by a reader.
type Query struct {
	Kind string // the kind of documents searched
	// Text is what the person typed, taken as is: every word must be found, the last one
	// also as the beginning of a longer word unless a space or punctuation follows it.
	Text string
	// Audience lists the tokens the reader holds, e.g. {"all", "agents", "user:12"}.
	Audience []string
	Limit    int // at most this many hits: 20 when 0, never more than 100
}

// Hit is a document found.
type Hit struct {
	ID    int64 // Document.ID
	Title string
	// Snippet is a short excerpt of the body on one line, around the words found, which are
	// wrapped in MarkStart and MarkEnd; it is plain text, to be escaped (see Segments).
	Snippet string
	// Rank orders the hits, higher first. Its scale differs between SQLite (BM25) and
	// PostgreSQL (cover density): compare ranks of one search only.
	Rank float64
}

const (
	defaultLimit = 20
	maxLimit     = 100
	// maxRanked bounds the matches ranked per search: the newest ones the reader may see. A
	// search as vague as "bureau" among 200 000 requests would otherwise rank them all, tens of
	// milliseconds on SQLite; beyond this many, recency is as good a guide as relevance, and
	// one more word typed narrows the search below it. Ranking costs about 6 µs a match on
	// SQLite (bm25 reads each document's size): 500 keep a vague search near 5 ms.
	maxRanked = 500
)

// Index is the full-text index of one database.
type Index struct {
	db *db.DB
	q  *db.Queries
}

// New returns the index stored in d.
func New(d *db.DB) *Index {
	return &Index{db: d, q: db.MustLoadQueries("search", queriesFS, d.Dialect)}
}

// Queries exposes the package's statements to the start-up check.
func (x *Index) Queries() *db.Queries { return x.q }

// Search returns the best matches for q.Text among the documents of q.Kind that share a token
// with q.Audience, best first, each with a snippet. Any text is a valid search: punctuation and
// operators are separators, and a text without words (or a reader without tokens) finds nothing.
// When more than 2000 documents match, only the 2000 newest (first indexed last) are ranked.
func (x *Index) Search(ctx context.Context, q Query) ([]Hit, error) {
	if q.Kind == "" {
		return nil, fmt.Errorf("%w query: no kind", ErrInvalid)
	}
	audience, problem := tokens(q.Audience)
	if problem != "" {
		return nil, fmt.Errorf("%w query: %s", ErrInvalid, problem)
	}
	pq := parseQuery(q.Text)
	if len(pq.words) == 0 || len(audience) == 0 {
		return nil, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	reader, err := json.Marshal(audience)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	expr := pq.fts5()
	if x.db.Dialect == db.Postgres {
		expr = pq.tsquery()
	}
	rows, err := x.db.R.QueryContext(ctx, x.q.Get("search"), expr, q.Kind, string(reader), limit, maxRanked)
	if err != nil {
		return nil, fmt.Errorf("search: %s %q: %w", q.Kind, q.Text, err)
	}
	defer rows.Close()
	var hits []Hit
	for rows.Next() {
		var h Hit
		var body string
		if err := rows.Scan(&h.ID, &h.Title, &body, &h.Rank); err != nil {
			return nil, fmt.Errorf("search: %s %q: %w", q.Kind, q.Text, err)
		}
		h.Snippet = snippet(body, pq)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %s %q: %w", q.Kind, q.Text, err)
	}
	return hits, nil
}

// tokens checks audience tokens and returns them sorted without duplicates, or what is wrong
// with them. They are stored space-separated, hence no white space; nor control characters,
// nor more than 100 bytes.
func tokens(in []string) (out []string, problem string) {
	out = make([]string, 0, len(in))
	for _, t := range in {
		if t == "" || len(t) > 100 || !utf8.ValidString(t) ||
			strings.ContainsFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			return nil, fmt.Sprintf("audience token %q", t)
		}
		out = append(out, t)
	}
	slices.Sort(out)
	return slices.Compact(out), ""
}
