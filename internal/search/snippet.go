package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Snippets mark the words found with two control characters, which no text shown to a person
// contains (they are removed from the text first) and which HTML escaping leaves alone: the
// caller escapes the snippet, then turns the markers into <mark> and </mark>; or, with
// html/template, ranges over Segments and lets the template escape each piece.
const (
	MarkStart = "\x02" // MarkStart opens a matched word in Hit.Snippet.
	MarkEnd   = "\x03" // MarkEnd closes it.
)

const (
	snippetBytes = 220 // about two lines of text
	snippetLead  = 60  // context kept before the first match
	// snippetScan is how far into a body the words are looked for: a snippet costs the time it
	// takes to fold every word read, and the end of a very long thread can go unshown.
	snippetScan = 64 << 10
)

// Segment is a piece of a snippet, matched or not.
type Segment struct {
	Text  string
	Match bool
}

// Segments splits a snippet at its markers, for a template to render each piece escaped:
//
//	{{range .}}{{if .Match}}<mark>{{.Text}}</mark>{{else}}{{.Text}}{{end}}{{end}}
func Segments(snippet string) []Segment {
	var out []Segment
	for snippet != "" {
		i := strings.Index(snippet, MarkStart)
		if i < 0 {
			out = append(out, Segment{Text: snippet})
			break
		}
		if i > 0 {
			out = append(out, Segment{Text: snippet[:i]})
		}
		snippet = snippet[i+len(MarkStart):]
		j := strings.Index(snippet, MarkEnd)
		if j < 0 {
			j = len(snippet)
		}
		out = append(out, Segment{Text: snippet[:j], Match: true})
		snippet = strings.TrimPrefix(snippet[j:], MarkEnd)
	}
	return out
}

// mark is a matched word of a text and the query word it matched.
type mark struct {
	span
	word int
}

// snippet returns the part of body, on one line, that shows the most query words, the words
// found being marked. Matching redoes on the original text what the index did on folded text,
// so it highlights exactly what was found: "Électricité" for "electri", "Wi-Fi" for "wifi".
func snippet(body string, q query) string {
	cut := len(body) > snippetScan
	body = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' ' // also removes any MarkStart and MarkEnd from the text
		}
		return r
	}, truncate(body, snippetScan))
	words := compounds(body)
	var marks []mark
	found := make([]bool, len(q.words))
	nfound, stop := 0, len(body)
	add := func(s span, i int) {
		marks = append(marks, mark{s, i})
		if !found[i] {
			found[i], nfound = true, nfound+1
			if nfound == len(q.words) {
				// The earliest window holding every word ends before this point.
				stop = s.end + snippetBytes
			}
		}
	}
	for _, c := range words {
		if c.start > stop {
			break
		}
		parts := foldParts(body, c)
		if len(parts) > 1 {
			if i, ok := q.match(stem(strings.Join(parts, ""))); ok {
				add(c.span, i)
				continue
			}
		}
		for j, p := range parts {
			if i, ok := q.match(stem(p)); ok {
				add(c.parts[j], i)
			}
		}
	}

	from, to := 0, snippetBytes
	if best, ok := bestWindow(marks, len(q.words)); ok {
		from = marks[best].start - snippetLead
		to = max(from+snippetBytes, marks[best].end)
	}
	from, to = snap(body, words, from, to)
	return render(body, marks, from, to, cut)
}

// bestWindow returns the index of the mark that starts the window holding the most distinct
// query words, the earliest on a tie.
func bestWindow(marks []mark, nwords int) (int, bool) {
	if len(marks) == 0 {
		return 0, false
	}
	count := make([]int, nwords)
	distinct, best, bestN, j := 0, 0, 0, 0
	for i := range marks {
		for j < len(marks) && marks[j].end <= marks[i].start+snippetBytes-snippetLead {
			if count[marks[j].word] == 0 {
				distinct++
			}
			count[marks[j].word]++
			j++
		}
		if distinct > bestN {
			best, bestN = i, distinct
		}
		if j > i { // marks[i] leaves the window
			count[marks[i].word]--
			if count[marks[i].word] == 0 {
				distinct--
			}
		} else {
			j = i + 1
		}
	}
	return best, true
}

// snap moves [from, to) inside s so that it neither starts nor ends inside a word.
func snap(s string, words []compound, from, to int) (int, int) {
	from, to = max(from, 0), min(to, len(s))
	if to <= from {
		return from, from
	}
	for _, w := range words {
		if w.start < from && w.end > from { // cut through: start after it
			from = w.end
		}
		if w.start < to && w.end > to { // cut through: end before it, unless that empties the window
			if w.start > from {
				to = w.start
			} else {
				for to < len(s) && !utf8.RuneStart(s[to]) {
					to++
				}
			}
			break
		}
		if w.start >= to {
			break
		}
	}
	return from, max(to, from)
}

// render writes s[from:to] on one line, with the marks inside it, and an ellipsis where text
// was left out (cut: s itself was cut short).
func render(s string, marks []mark, from, to int, cut bool) string {
	var b strings.Builder
	if strings.TrimSpace(s[:from]) != "" {
		b.WriteString("… ")
	}
	space := false
	m := 0
	for m < len(marks) && marks[m].start < from {
		m++
	}
	inMark := false
	for i, r := range s[from:to] {
		i += from
		if inMark && i == marks[m].end {
			b.WriteString(MarkEnd)
			inMark = false
			m++
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
			b.WriteByte(' ')
		}
		space = false
		if !inMark && m < len(marks) && i == marks[m].start && marks[m].end <= to {
			b.WriteString(MarkStart)
			inMark = true
		}
		b.WriteRune(r)
	}
	if inMark {
		b.WriteString(MarkEnd)
	}
	out := strings.TrimRight(b.String(), " ")
	if cut || strings.TrimSpace(s[to:]) != "" {
		out += " …"
	}
	return out
}
