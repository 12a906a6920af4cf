// Package importfile reads the spreadsheets people really have (CSV from Excel in France or HR tools, XLSX) into rows with their line numbers.
//
// It only decodes bytes and maps columns: values come out trimmed but
// otherwise exactly as written, so that the people domain can validate them
// and point the Office Manager at the right line of the original file.
package importfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// MaxFileSize is the largest file ReadPeople accepts. A people file for a
// company of 20 000 people is well under 5 MiB, so anything bigger is a
// mistake (wrong file, embedded pictures) and would only waste memory.
const MaxFileSize = 10 << 20

// MaxRows is the largest number of non-empty data rows ReadPeople accepts;
// beyond that the import preview becomes unusable and the file is almost
// certainly not a people list.
const MaxRows = 20000

// headerSearchLimit is how many non-empty rows may precede the header: HR
// exports often start with a title ("Export du 01/02/2024") or a blank band.
const headerSearchLimit = 10

// ErrTooLarge is wrapped by the error ReadPeople returns for a file bigger
// than MaxFileSize.
var ErrTooLarge = fmt.Errorf("file is larger than %d MiB", MaxFileSize>>20)

// ErrTooManyRows is wrapped by the error ReadPeople returns for a file with
// more than MaxRows data rows.
var ErrTooManyRows = fmt.Errorf("file has more than %d rows", MaxRows)

// ErrEmptyFile is wrapped in a *ParseError when the file holds no non-blank
// row at all, so the UI can say "empty file" rather than "missing columns".
var ErrEmptyFile = errors.New("file is empty")

// ErrLegacyExcel is wrapped in a *ParseError for Excel 97-2003 (.xls) and
// password-protected workbooks: both are OLE containers we cannot read, and
// the fix for the user ("save as .xlsx or CSV") is the same.
var ErrLegacyExcel = errors.New("Excel 97-2003 (.xls) or password-protected workbooks are not supported; save the file as .xlsx or CSV")

// ErrOpenDocument is wrapped in a *ParseError for LibreOffice .ods files,
// which are zip files too but not readable by the XLSX reader.
var ErrOpenDocument = errors.New("OpenDocument spreadsheets (.ods) are not supported; save the file as .xlsx or CSV")

// PersonRow is one data row of a people file, cells trimmed, as written in the file.
type PersonRow struct {
	Line int // 1-based line (CSV: physical line where the record starts; XLSX: sheet row number). Header is line 1 in usual files.

	FirstName, LastName, Email, Team, Site, ManagerEmail, StartDate, EndDate, Language, Active string
}

// ParseError reports a file that cannot be decoded: bad CSV quoting, empty
// file, unreadable workbook. Line is 0 when the problem is not tied to a line.
type ParseError struct {
	Line int
	Err  error
}

// Error implements error.
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("importfile: line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("importfile: %v", e.Err)
}

// Unwrap lets callers test the cause with errors.Is (ErrEmptyFile,
// ErrLegacyExcel, csv.ErrQuote...).
func (e *ParseError) Unwrap() error { return e.Err }

// HeaderError (returned by ReadPeople) says which required column is missing
// or which columns are ambiguous because several headers mean the same
// field. Fields are exposed so the UI can translate the message.
type HeaderError struct {
	// Line is the line of the row taken as the header.
	Line int
	// Missing lists the required fields (Field* constants) with no column.
	Missing []string
	// Duplicate lists the fields (Field* constants) matched by several columns.
	Duplicate []string
	// DuplicateHeaders maps each duplicated field to the headers, as written,
	// that claimed it.
	DuplicateHeaders map[string][]string
	// Found lists the non-empty headers of the row, as written (trimmed).
	Found []string
}

// Error implements error with an English message; the UI is expected to
// build its own French text from the fields.
func (e *HeaderError) Error() string {
	var parts []string
	if len(e.Missing) > 0 {
		parts = append(parts, "missing column(s) "+strings.Join(e.Missing, ", "))
	}
	for _, f := range e.Duplicate {
		parts = append(parts, fmt.Sprintf("several columns mean %s (%s)", f, strings.Join(quoteAll(e.DuplicateHeaders[f]), ", ")))
	}
	parts = append(parts, "headers found: "+strings.Join(quoteAll(e.Found), ", "))
	return fmt.Sprintf("importfile: bad header on line %d: %s", e.Line, strings.Join(parts, "; "))
}

// quoteAll quotes headers so that blanks and odd characters show in messages.
func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// record is one non-blank row of the source, before column mapping.
type record struct {
	line  int
	cells []string
}

// ReadPeople decodes a CSV or XLSX people file. filename is used only as a
// hint (".xlsx"); XLSX is detected by content too (zip magic "PK\x03\x04"),
// because browsers and mail clients lose or change extensions.
func ReadPeople(r io.Reader, filename string) ([]PersonRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("importfile: reading file: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("importfile: %w", ErrTooLarge)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ParseError{Err: ErrEmptyFile}
	}

	ext := strings.ToLower(filepath.Ext(filename))
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		// ODF puts an uncompressed "mimetype" entry first, so its type
		// shows in the first bytes.
		if bytes.Contains(data[:min(len(data), 128)], []byte("opendocument.spreadsheet")) {
			return nil, &ParseError{Err: ErrOpenDocument}
		}
		return readXLSX(data)
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return nil, &ParseError{Err: ErrLegacyExcel}
	case ext == ".xlsx" || ext == ".xlsm":
		// Named like a workbook but not a zip: parsing it as CSV would only
		// produce a confusing header error.
		return nil, &ParseError{Err: errors.New("file is named .xlsx but is not a valid XLSX workbook")}
	}
	recs, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	return mapRecords(recs, nil)
}

// cellRenderer turns the raw text of a mapped, non-empty cell (1-based
// column and row) into the value to import. XLSX needs it to render dates
// and numbers; only mapped cells go through it because it is costly.
type cellRenderer func(col, row int, raw string) string

// mapRecords finds the header among the first rows, maps the columns and
// turns every following row into a PersonRow. render may be nil.
func mapRecords(recs []record, render cellRenderer) ([]PersonRow, error) {
	if len(recs) == 0 {
		return nil, &ParseError{Err: ErrEmptyFile}
	}
	hi := findHeader(recs)
	cols, herr := mapHeader(recs[hi].cells)
	if herr != nil {
		herr.Line = recs[hi].line
		return nil, herr
	}
	data := recs[hi+1:]
	if len(data) > MaxRows {
		return nil, fmt.Errorf("importfile: %w", ErrTooManyRows)
	}
	rows := make([]PersonRow, 0, len(data))
	for _, rec := range data {
		rows = append(rows, cols.person(rec, render))
	}
	return rows, nil
}

// isBlank reports whether every cell is empty once trimmed, like Excel's
// trailing ";;;;;" lines or formatted-but-empty sheet rows.
func isBlank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// appendRecord keeps non-blank rows only, trimming cells once so that the
// header and data paths see the same values. It reports false when the
// caller can stop reading because the row limit is already exceeded.
func appendRecord(recs []record, line int, cells []string) ([]record, bool) {
	if isBlank(cells) {
		return recs, true
	}
	trimmed := make([]string, len(cells))
	for i, c := range cells {
		trimmed[i] = strings.TrimSpace(c)
	}
	recs = append(recs, record{line: line, cells: trimmed})
	return recs, len(recs) <= MaxRows+headerSearchLimit+1
}
