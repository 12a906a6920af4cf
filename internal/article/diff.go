package article

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// The operations of a diff line.
const (
	LineSame    = "same"
	LineAdded   = "added"
	LineRemoved = "removed"
)

// DiffLine is one line of a comparison between two texts.
type DiffLine struct {
	Op   string // LineSame, LineAdded or LineRemoved
	Text string
}

// Diff compares two versions of a text line by line, as a person reads a change: the lines
// removed from old, those added in new, and those kept.
func Diff(old, new string) []DiffLine {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(ensureNewline(old), ensureNewline(new))
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out []DiffLine
	for _, d := range diffs {
		op := LineSame
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = LineAdded
		case diffmatchpatch.DiffDelete:
			op = LineRemoved
		}
		for _, line := range strings.SplitAfter(d.Text, "\n") {
			if line == "" {
				continue
			}
			out = append(out, DiffLine{Op: op, Text: strings.TrimSuffix(line, "\n")})
		}
	}
	return out
}

// ensureNewline ends s with a line break, so that a last line changed reads as a line changed.
func ensureNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
