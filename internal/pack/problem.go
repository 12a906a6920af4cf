package pack

import (
	"fmt"
	"strings"

	"majordome/internal/valid"
)

// Problem is one reason a pack is refused: the file (its path in the pack, "" for the pack as a
// whole), the line in that file (0 when the file is wrong as a whole), and what is wrong, as a
// code with parameters that the i18n catalogue turns into words ("packs.problem.CODE"), or as a
// field error of the article or checklist rules.
type Problem struct {
	File   string
	Line   int
	Code   string
	Params map[string]string
	// Field is set when the article or checklist rules refused a field (Code is then "field").
	Field *valid.FieldError
}

// Where is "file:line", "file" or "" for the pack as a whole.
func (p Problem) Where() string {
	switch {
	case p.File == "":
		return ""
	case p.Line > 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	default:
		return p.File
	}
}

// Problems is a refused pack: every problem found, in file order, so that its author fixes
// them all at once. Nothing of a pack with problems is written.
type Problems []Problem

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		msg := p.Code
		if p.Field != nil {
			msg = p.Field.Field + ": " + p.Field.Code
		}
		for _, k := range sortedKeys(p.Params) {
			msg += " " + k + "=" + p.Params[k]
		}
		if w := p.Where(); w != "" {
			msg = w + ": " + msg
		}
		parts[i] = msg
	}
	return "pack: refused: " + strings.Join(parts, "; ")
}

func (ps *Problems) add(file string, line int, code string, params ...string) {
	p := Problem{File: file, Line: line, Code: code}
	if len(params) > 0 {
		p.Params = map[string]string{}
		for i := 0; i+1 < len(params); i += 2 {
			p.Params[params[i]] = params[i+1]
		}
	}
	*ps = append(*ps, p)
}

func (ps Problems) has(file string, line int) bool {
	for _, p := range ps {
		if p.File == file && p.Line == line {
			return true
		}
	}
	return false
}
