package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"majordome/internal/importfile"
	"majordome/internal/people"
	"majordome/internal/valid"
)

// Limits of the preview table: it shows what changes, not a copy of the file.
const (
	previewMaxRows       = 200 // created and updated lines shown; the rest are counted
	previewShowUnchanged = 5   // unchanged lines are listed up to this many, then only counted
)

// importPreviewData is what importing a file would do, or why it cannot.
type importPreviewData struct {
	Filename  string
	Result    people.ImportResult
	Errors    []importError
	Lines     int // lines with an error
	Rows      []importRowView
	Hidden    int // created or updated lines beyond previewMaxRows
	Unchanged int // unchanged lines not listed
	ToApply   int
	Token     string // the staged file to confirm; "" when there is nothing to confirm
}

// importError is one reason a line was refused, in words.
type importError struct {
	Line    int
	Message string
	Value   string // the cell as written, when the message does not quote it already
}

// importRowView is one line of the file and what it does.
type importRowView struct {
	Line    int
	Name    string
	Email   string
	Kind    string // create, update, unchanged
	Where   string // team · site of a new person, as the file says
	Changes []fieldChange
}

// renderImportPreview shows res: the mistakes to fix (422) or the changes to confirm (200).
func (s *Server) renderImportPreview(w http.ResponseWriter, p *Page, filename string, rows []importfile.PersonRow, res people.ImportResult, token string) error {
	d := importPreviewData{Filename: filename, Result: res, ToApply: res.Created + res.Updated, Token: token}
	cells := map[int]importfile.PersonRow{}
	for _, r := range rows {
		cells[r.Line] = r
	}
	lines := map[int]bool{}
	for _, e := range res.Errors {
		msg := s.I18n.FieldError(p.Lang, valid.FieldError{Field: e.Field, Code: e.Code, Params: e.Params})
		ie := importError{Line: e.Line, Message: msg}
		// Name the column unless the message already does ("Le manager … n'est ni…").
		if label := fieldLabel(p, e.Field); !strings.Contains(strings.ToLower(msg), strings.ToLower(label)) {
			ie.Message = p.T("import.error.in_field", "field", label, "message", msg)
		}
		if _, quoted := e.Params["value"]; !quoted && e.Code != "required" {
			ie.Value = cellOf(cells[e.Line], e.Field)
		}
		d.Errors = append(d.Errors, ie)
		lines[e.Line] = true
	}
	slices.SortStableFunc(d.Errors, func(a, b importError) int { return cmp.Compare(a.Line, b.Line) })
	d.Lines = len(lines)

	for _, rc := range res.Rows {
		switch {
		case rc.Kind == "unchanged" && res.Unchanged > previewShowUnchanged:
			d.Unchanged++
			continue
		case rc.Kind != "unchanged" && len(d.Rows) >= previewMaxRows:
			d.Hidden++
			continue
		}
		v := importRowView{Line: rc.Line, Name: rc.Name, Email: rc.Email, Kind: rc.Kind}
		if rc.Kind == "create" {
			v.Where = joinNonEmpty(" · ", cells[rc.Line].Team, cells[rc.Line].Site)
		}
		for _, c := range rc.Changes {
			v.Changes = append(v.Changes, fieldChange{Label: fieldLabel(p, c.Field),
				Before: fieldValue(p, c.Field, c.Before), After: fieldValue(p, c.Field, c.After)})
		}
		d.Rows = append(d.Rows, v)
	}
	p.Data = d
	status := http.StatusOK
	if !res.OK() {
		status = http.StatusUnprocessableEntity
	}
	return s.renderStatus(w, status, p, "people_import_preview")
}

// cellOf is what a line of the file says for field.
func cellOf(r importfile.PersonRow, field string) string {
	switch field {
	case "first_name":
		return r.FirstName
	case "last_name":
		return r.LastName
	case "email":
		return r.Email
	case "team":
		return r.Team
	case "site":
		return r.Site
	case "manager_email":
		return r.ManagerEmail
	case "start_date":
		return r.StartDate
	case "end_date":
		return r.EndDate
	case "language":
		return r.Language
	case "active":
		return r.Active
	}
	return ""
}

// joinNonEmpty joins the values that are not blank.
func joinNonEmpty(sep string, values ...string) string {
	var out []string
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, sep)
}
