package web

import (
	"errors"
	"net/http"
	"strings"

	"majordome/internal/importfile"
	"majordome/internal/people"
)

// fileProblem says, in the reader's language, why a file could not be imported at all and what
// to do about it.
type fileProblem struct {
	Status   int      // 422, or 413 for a file too large
	Messages []string // what happened and what to do
	Found    []string // the column headers read, when the columns were not recognised
}

// describeFileError turns an error about the uploaded file into a fileProblem, or returns nil
// when err is nil or not about the file (the database failing, say).
func (s *Server) describeFileError(p *Page, err error) *fileProblem {
	if err == nil {
		return nil
	}
	fp := &fileProblem{Status: http.StatusUnprocessableEntity}
	say := func(key string, args ...any) *fileProblem {
		fp.Messages = append(fp.Messages, p.T(key, args...))
		return fp
	}
	var herr *importfile.HeaderError
	var perr *importfile.ParseError
	switch {
	case errors.Is(err, errNoFile):
		return say("import.problem.no_file")
	case errors.Is(err, errBadUpload):
		return say("import.problem.cut_short")
	case errors.Is(err, importfile.ErrTooLarge):
		fp.Status = http.StatusRequestEntityTooLarge
		return say("import.problem.too_large", "max", importfile.MaxFileSize>>20)
	case errors.Is(err, importfile.ErrTooManyRows):
		return say("import.problem.too_many_rows", "max", p.Num(importfile.MaxRows))
	case errors.Is(err, people.ErrEmptyImport):
		return say("import.problem.no_people")
	case errors.As(err, &herr):
		if n := len(herr.Missing); n > 0 {
			say("import.problem.missing", "n", n, "columns", fieldLabels(p, herr.Missing))
		}
		for _, f := range herr.Duplicate {
			say("import.problem.duplicate", "field", fieldLabel(p, f), "headers", strings.Join(herr.DuplicateHeaders[f], ", "))
		}
		fp.Found = herr.Found
		return say("import.problem.header_line", "line", herr.Line)
	case errors.Is(err, importfile.ErrEmptyFile):
		return say("import.problem.empty")
	case errors.Is(err, importfile.ErrLegacyExcel):
		return say("import.problem.xls")
	case errors.Is(err, importfile.ErrOpenDocument):
		return say("import.problem.ods")
	case errors.As(err, &perr) && perr.Line > 0:
		return say("import.problem.parse_line", "line", perr.Line)
	case errors.As(err, &perr):
		return say("import.problem.unreadable")
	}
	return nil
}

// fieldLabels names fields in the reader's language: "Nom, E-mail".
func fieldLabels(p *Page, fields []string) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = fieldLabel(p, f)
	}
	return strings.Join(names, ", ")
}
