package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"majordome/internal/fold"
)

// The text is cut into words here, in Go, for both engines: the FTS5 tokenizer and the
// PostgreSQL parser only ever see folded words separated by spaces, so they cannot disagree
// about accents, hyphens, apostrophes or plurals, and PostgreSQL needs no unaccent extension.

const (
	// maxIndexed bounds the text kept and indexed per field: PostgreSQL refuses a tsvector over
	// 1 MB, and a pasted log file must not make saving a request fail. Ordinary requests and
	// articles are far below it.
	maxIndexed = 256 << 10
	// maxWordBytes drops longer "words" (base64, hashes): nobody types them, and PostgreSQL
	// drops a lexeme over 2 KB anyway.
	maxWordBytes = 64
	// maxQueryWords bounds the words of a query; the rest are ignored.
	maxQueryWords = 16
)

// span is a byte range [start, end) of a text.
type span struct{ start, end int }

// compound is a word of a text, or words joined by hyphens ("Wi-Fi", "porte-à-faux"): its span
// and its parts' spans.
type compound struct {
	span
	parts []span
}

// isWordRune reports whether r belongs to a word. Non-spacing marks are kept inside the word so
// that a decomposed "é" (e + U+0301) does not split it; folding removes them afterwards.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)
}

func isHyphen(r rune) bool { return r == '-' || r == '\u2010' || r == '\u2011' }

// compounds cuts s into words, keeping a hyphen between two words as a link rather than a
// separator.
func compounds(s string) []compound {
	var out []compound
	var cur *compound
	inWord := false
	for i, r := range s {
		switch {
		case isWordRune(r):
			if !inWord {
				if cur == nil {
					out = append(out, compound{span: span{i, i}})
					cur = &out[len(out)-1]
				}
				cur.parts = append(cur.parts, span{i, i})
				inWord = true
			}
			n := i + utf8.RuneLen(r)
			cur.parts[len(cur.parts)-1].end = n
			cur.end = n
		case isHyphen(r) && inWord && cur != nil:
			// A link only if a word follows at once; otherwise the next word starts anew.
			rest := s[i+utf8.RuneLen(r):]
			next, _ := utf8.DecodeRuneInString(rest)
			inWord = false
			if rest == "" || !isWordRune(next) {
				cur = nil
			}
		default:
			inWord = false
			cur = nil
		}
	}
	return out
}

// latin holds fold.Key of every rune below U+0250 (ASCII, Latin-1, Latin Extended-A and -B),
// which make up nearly all French text. Folding a word rune by rune through it gives the same
// result as fold.Key (a test checks it) a hundred times faster, which matters for snippets.
var latin = func() (t [0x250]string) {
	for r := range t {
		t[r] = fold.Key(string(rune(r)))
	}
	return t
}()

// foldWord folds one word as fold.Key does.
func foldWord(w string) string {
	plain := true
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			plain = false
			break
		}
	}
	if plain {
		return w
	}
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range w {
		if r >= rune(len(latin)) {
			return fold.Key(w) // combining marks, other scripts: the slow, general way
		}
		b.WriteString(latin[r])
	}
	return b.String()
}

// foldParts returns the folded parts of the compound c of s.
func foldParts(s string, c compound) []string {
	parts := make([]string, len(c.parts))
	for i, p := range c.parts {
		parts[i] = foldWord(s[p.start:p.end])
	}
	return parts
}

// stem removes a French (or English) plural mark, so that "fuites" finds "Fuite d'eau" and
// "bureaux" finds "bureau". It is deliberately this light, rather than PostgreSQL's Snowball
// "french": SQLite has no French stemmer, Snowball expects accents we have folded away, and it
// conflates words a person keeps apart. Applied alike to documents and queries, a word only
// meets words with the same stem; a prefix typed as you go still meets the stem, which is never
// shorter than the word minus its last letter.
func stem(w string) string {
	n := len(w)
	if n < 4 {
		return w // bus, gaz, les, des
	}
	switch w[n-1] {
	case 's':
		if w[n-2] != 's' { // process, stress
			return w[:n-1]
		}
	case 'x':
		if w[n-2] == 'u' { // bureaux, jeux, genoux; not prix, fax
			return w[:n-1]
		}
	}
	return w
}

// keep reports whether a folded word is worth indexing or searching.
func keep(w string) bool { return w != "" && len(w) <= maxWordBytes }

// indexWords returns the words of s to index, space-separated: each word folded and stemmed,
// and for a hyphenated compound its parts and also the parts joined, so that "Wi-Fi" is found
// by "wifi", "wi-fi" and "wi fi".
func indexWords(s string) string {
	s = truncate(s, maxIndexed)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	add := func(w string) {
		if !keep(w) {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(stem(w))
	}
	for _, c := range compounds(s) {
		parts := foldParts(s, c)
		for _, p := range parts {
			add(p)
		}
		if len(parts) > 1 {
			add(strings.Join(parts, ""))
		}
	}
	return b.String()
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// stopWords are left out of a query (not of the index): "fuite d'eau" must find "Fuite dans
// l'eau", and every word of a query must be in a result.
var stopWords = map[string]bool{
	"a": true, "au": true, "aux": true, "avec": true, "c": true, "ce": true, "ces": true, "d": true,
	"dans": true, "de": true, "des": true, "du": true, "en": true, "et": true, "j": true, "l": true,
	"la": true, "le": true, "les": true, "m": true, "n": true, "ou": true, "par": true, "pas": true,
	"pour": true, "qu": true, "que": true, "qui": true, "s": true, "sa": true, "se": true, "ses": true,
	"son": true, "sur": true, "t": true, "un": true, "une": true, "y": true,
	"and": true, "of": true, "the": true, "to": true,
}

// query is a parsed search: every word must be found; with prefix, the last one may also begin
// a longer word, because people search as they type.
type query struct {
	words  []string // folded and stemmed
	prefix bool
}

// parseQuery turns what a person typed into words. Everything but letters and digits is a
// separator, so quotes, parentheses, "-", ":", "*" or "NEAR" can never reach either engine as
// syntax. A hyphenated compound is searched joined ("wi-fi" → "wifi"), which the index holds for
// both "Wi-Fi" and "WiFi". The last word is a prefix unless a space or punctuation follows it.
func parseQuery(text string) query {
	text = truncate(text, 4<<10)
	var q query
	last, _ := utf8.DecodeLastRuneInString(text)
	q.prefix = isWordRune(last)
	var words []string
	for _, c := range compounds(text) {
		w := strings.Join(foldParts(text, c), "")
		if keep(w) {
			words = append(words, w)
		} else if c.end == len(text) {
			q.prefix = false // the word being typed was dropped: no other word becomes a prefix
		}
	}
	if len(words) > 0 && q.prefix && utf8.RuneCountInString(words[len(words)-1]) < 2 {
		// One letter typed is no word yet, and as a prefix it would match most of the index:
		// "eau c" searches "eau" until the next letter comes; "c" alone searches the word "c".
		q.prefix = false
		if len(words) > 1 {
			words = words[:len(words)-1]
		}
	}
	if len(words) == 0 {
		return query{}
	}
	if len(words) > maxQueryWords {
		words, q.prefix = words[:maxQueryWords], false
	}
	seen := map[string]bool{}
	for i, w := range words {
		isLast := i == len(words)-1
		if stopWords[w] && !(isLast && q.prefix) {
			continue // the word being typed stays: "de" may become "demande"
		}
		w = stem(w)
		if seen[w] && !(isLast && q.prefix) {
			continue
		}
		seen[w] = true
		q.words = append(q.words, w)
	}
	if len(q.words) == 0 { // only stop words: search them after all ("de la")
		for _, w := range words {
			q.words = append(q.words, stem(w))
		}
	}
	return q
}

// match reports which word of q the folded, stemmed document word w matches, if any.
func (q query) match(w string) (int, bool) {
	for i, qw := range q.words {
		if w == qw || (q.prefix && i == len(q.words)-1 && strings.HasPrefix(w, qw)) {
			return i, true
		}
	}
	return 0, false
}

// fts5 writes q as an FTS5 expression: "eau" AND "chaude"*. Words hold only letters and
// digits, and are quoted all the same so that "or", "near" and "not" stay words.
func (q query) fts5() string {
	var b strings.Builder
	for i, w := range q.words {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(`"` + strings.ReplaceAll(w, `"`, `""`) + `"`)
		if q.prefix && i == len(q.words)-1 {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// tsquery writes q as a PostgreSQL tsquery: 'eau' & 'chaude':*.
func (q query) tsquery() string {
	var b strings.Builder
	for i, w := range q.words {
		if i > 0 {
			b.WriteString(" & ")
		}
		w = strings.ReplaceAll(strings.ReplaceAll(w, `\`, `\\`), `'`, `''`)
		b.WriteString("'" + w + "'")
		if q.prefix && i == len(q.words)-1 {
			b.WriteString(":*")
		}
	}
	return b.String()
}
