package article

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/fold"
	"majordome/internal/search"
)

// searchKind names articles in the shared search index.
const searchKind = "article"

// audience says who may find an article in search, as tokens: the same rule as CanSee. Admins
// always; agents unless it is kept for admins; everyone once published for everyone.
func audience(a Article) []string {
	t := []string{"admins"}
	if a.Audience != AudienceAdmins {
		t = append(t, "agents")
	}
	if a.Audience == AudienceEveryone && a.Status == StatusPublished {
		t = append(t, "all")
	}
	return t
}

// tokens are the audience tokens v holds.
func (v Viewer) tokens() []string {
	switch {
	case v.Role == auth.Admin:
		return []string{"admins", "agents", "all"}
	case v.IsAgent():
		return []string{"agents", "all"}
	default:
		return []string{"all"}
	}
}

// index puts a in the search index inside tx: the title and tags weigh most, then the body and
// the category.
func (s *Service) index(ctx context.Context, tx *sql.Tx, a Article) error {
	if s.search == nil {
		return nil
	}
	doc := search.Document{Kind: searchKind, ID: a.ID, Title: a.Title + " " + strings.Join(a.Tags, " "),
		Body: a.Category + "\n" + a.Body, Audience: audience(a)}
	if err := s.search.Put(ctx, tx, doc); err != nil {
		return fmt.Errorf("article: index %s: %w", a.Slug, err)
	}
	return nil
}

// IndexMissing indexes the articles the search index does not hold yet (those a migration
// wrote, such as the desk's former macros), at start-up. It returns how many it indexed.
func (s *Service) IndexMissing(ctx context.Context) (int, error) {
	if s.search == nil {
		return 0, nil
	}
	ids, err := db.Column[int64](ctx, s.db.R, s.q.Get("unindexed"))
	if err != nil {
		return 0, fmt.Errorf("article: index missing: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			a, err := s.get(ctx, tx, "by-id", id)
			if err != nil {
				return err
			}
			if err := s.index(ctx, tx, a); err != nil {
				return err
			}
		}
		return nil
	})
	return len(ids), err
}

// Hit is an article found by a search, with the excerpt that matched.
type Hit struct {
	Article Article
	Snippet string // plain text with search.MarkStart/MarkEnd around the matched words
}

// Search finds the articles v may read whose title, tags, category or body match text (every
// word, accents and case aside), best first. Each hit is checked again against CanSee, so a
// stale index entry never shows a draft to an employee.
func (s *Service) Search(ctx context.Context, v Viewer, text string, limit int) ([]Hit, error) {
	if s.search == nil {
		return nil, nil
	}
	hits, err := s.search.Search(ctx, search.Query{Kind: searchKind, Text: text, Audience: v.tokens(), Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("article: search: %w", err)
	}
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	found, err := s.list(ctx, s.db.R, s.q.Get("by-ids"), idList(ids))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Article, len(found))
	for _, a := range found {
		byID[a.ID] = a
	}
	out := make([]Hit, 0, len(hits))
	for _, h := range hits {
		if a, ok := byID[h.ID]; ok && v.CanSee(a) {
			out = append(out, Hit{Article: a, Snippet: h.Snippet})
		}
	}
	return out, nil
}

// Limits of suggestions.
const (
	minSuggestText  = 3  // characters typed before anything is suggested
	maxSuggestWords = 12 // words of a long description tried one by one
)

// Suggest returns the published articles (not reply templates) that best answer text, a
// question v is about to ask, best first, at most limit (5 when 0). It is the one suggestion
// function of every channel: the portal as the employee types, the API, Slack and email.
//
// Text is a question, not a search: "Bonjour, le wifi invité ne marche plus depuis ce matin"
// holds words no article has. So the articles matching every word come first, then those
// matching the most words of it taken one by one.
func (s *Service) Suggest(ctx context.Context, v Viewer, text string, limit int) ([]Article, error) {
	if limit <= 0 {
		limit = 5
	}
	text = strings.TrimSpace(text)
	if len([]rune(text)) < minSuggestText || s.search == nil {
		return nil, nil
	}
	useful := func(a Article) bool { return a.Kind == KindArticle && a.Status == StatusPublished }
	var out []Article
	seen := map[int64]bool{}
	hits, err := s.Search(ctx, v, text, limit*3)
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		if useful(h.Article) && !seen[h.Article.ID] && len(out) < limit {
			seen[h.Article.ID] = true
			out = append(out, h.Article)
		}
	}
	words := suggestWords(text)
	if len(out) >= limit || len(words) < 2 {
		return out, nil
	}
	// Word by word: an article scores one per word it holds, ties broken by its best rank.
	type scored struct {
		a     Article
		score int
		best  int
	}
	scores := map[int64]*scored{}
	for _, w := range words {
		hits, err := s.Search(ctx, v, w+" ", limit*3) // a space after it: the whole word, not a prefix
		if err != nil {
			return nil, err
		}
		for i, h := range hits {
			if !useful(h.Article) || seen[h.Article.ID] {
				continue
			}
			sc := scores[h.Article.ID]
			if sc == nil {
				sc = &scored{a: h.Article, best: i}
				scores[h.Article.ID] = sc
			}
			sc.score++
			sc.best = min(sc.best, i)
		}
	}
	rest := make([]*scored, 0, len(scores))
	for _, sc := range scores {
		rest = append(rest, sc)
	}
	slices.SortFunc(rest, func(a, b *scored) int {
		if a.score != b.score {
			return b.score - a.score
		}
		if a.best != b.best {
			return a.best - b.best
		}
		return int(a.a.ID - b.a.ID)
	})
	for _, sc := range rest {
		if len(out) >= limit {
			break
		}
		out = append(out, sc.a)
	}
	return out, nil
}

// chatter are the words of a question that say nothing of its subject. (The index drops the
// shortest common words itself.)
var chatter = map[string]bool{"bonjour": true, "hello": true, "merci": true, "vous": true, "nous": true,
	"est": true, "sont": true, "mon": true, "mes": true, "une": true, "pour": true, "avec": true, "dans": true,
	"plus": true, "pas": true, "depuis": true, "svp": true, "besoin": true, "comment": true, "faire": true,
	"peux": true, "peut": true, "veux": true, "voudrais": true, "aimerais": true, "quand": true, "tout": true}

// suggestWords are the words of text worth searching alone: at least 3 letters, once each, at
// most maxSuggestWords. The index drops the common French words itself.
func suggestWords(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '-' }) {
		w = strings.Trim(w, "-")
		if len([]rune(w)) < 3 || slices.Contains(out, strings.ToLower(w)) || chatter[fold.Key(w)] {
			continue
		}
		out = append(out, strings.ToLower(w))
		if len(out) == maxSuggestWords {
			break
		}
	}
	return out
}
