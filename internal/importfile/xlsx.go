package importfile

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// xlsxUnzipLimit caps the uncompressed size of a workbook. The file itself is
// at most MaxFileSize, but XML compresses ~20×, and a zip bomb must not fill
// the disk or memory.
const xlsxUnzipLimit = 256 << 20

// dateLayout is how date cells are rendered, whatever their number format in
// the workbook: the same text a French user would type in a CSV, so the
// people domain parses both the same way.
const dateLayout = "02/01/2006"

// builtInDateFormats are the built-in number format ids that display a date
// (14 is Excel's locale "short date", shown as m/d/yy by excelize). Ids
// 27-36 and 50-58 are East Asian locale dates; time-only ids are left out.
var builtInDateFormats = map[int]bool{
	14: true, 15: true, 16: true, 17: true, 22: true,
	27: true, 28: true, 29: true, 30: true, 31: true, 36: true,
	50: true, 51: true, 52: true, 53: true, 54: true, 55: true, 56: true, 57: true, 58: true,
}

// readXLSX reads the first visible, non-empty sheet of a workbook.
func readXLSX(data []byte) ([]PersonRow, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: xlsxUnzipLimit,
	})
	if err != nil {
		return nil, &ParseError{Err: fmt.Errorf("unreadable XLSX workbook: %w", err)}
	}
	defer f.Close() // removes temp files excelize may spill big sheets to

	for _, sheet := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(sheet); err == nil && !visible {
			continue
		}
		recs, err := readSheet(f, sheet)
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			continue
		}
		cells := &sheetCells{f: f, sheet: sheet, dateStyles: map[int]bool{}}
		if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
			cells.date1904 = *props.Date1904
		}
		// Mapping happens while the workbook is open: cells.render reads
		// cell types and styles from it.
		return mapRecords(recs, cells.render)
	}
	return nil, &ParseError{Err: ErrEmptyFile}
}

// readSheet returns the non-blank rows of a sheet with their sheet row
// number as line, holding raw values: shared strings resolved, numbers as
// stored. Formatting every cell (GetRows' default) costs seconds on a big
// sheet, mostly on dates we then have to undo, so only the mapped cells that
// need it are rendered later, by sheetCells.render.
func readSheet(f *excelize.File, sheet string) ([]record, error) {
	// The Rows iterator rather than GetRows, so that a sheet far over
	// MaxRows (a 10 MiB workbook can hold millions of rows) is not loaded
	// whole before being refused.
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, &ParseError{Err: fmt.Errorf("reading sheet %q: %w", sheet, err)}
	}
	defer rows.Close()
	var recs []record
	// Next steps through every row number, empty ones included (as GetRows
	// relies on), so the counter is the sheet row number.
	for row := 1; rows.Next(); row++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, &ParseError{Line: row, Err: fmt.Errorf("reading sheet %q: %w", sheet, err)}
		}
		var more bool
		if recs, more = appendRecord(recs, row, cells); !more {
			break
		}
	}
	if err := rows.Error(); err != nil {
		return nil, &ParseError{Err: fmt.Errorf("reading sheet %q: %w", sheet, err)}
	}
	return recs, nil
}

// sheetCells renders raw cell values; date style lookups are cached per
// style id because a sheet uses only a handful of styles.
type sheetCells struct {
	f          *excelize.File
	sheet      string
	date1904   bool
	dateStyles map[int]bool
}

// render returns the value to import for one cell: dd/mm/yyyy for a date
// cell, whatever its number format (excelize would show Excel's locale
// short date as m-d-yy, an American order the people domain would misread),
// and the displayed value for other numbers and booleans.
func (d *sheetCells) render(col, row int, raw string) string {
	serial, err := strconv.ParseFloat(raw, 64)
	isNumber := err == nil
	// Only numbers (serials, booleans) and ISO strings (t="d" cells) need a
	// look at the cell; text is already what the user typed.
	if !isNumber && !looksISODate(raw) {
		return raw
	}
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return raw
	}
	typ, err := d.f.GetCellType(d.sheet, name)
	if err != nil {
		return raw
	}
	switch {
	case typ == excelize.CellTypeDate:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
			if t, err := time.Parse(layout, raw); err == nil {
				return t.Format(dateLayout)
			}
		}
	case isNumber && (typ == excelize.CellTypeNumber || typ == excelize.CellTypeFormula || typ == excelize.CellTypeUnset) && d.isDateStyle(name):
		if t, err := excelize.ExcelDateToTime(serial, d.date1904); err == nil {
			return t.Format(dateLayout)
		}
	}
	if !isNumber {
		return raw
	}
	if shown, err := d.f.GetCellValue(d.sheet, name); err == nil {
		return shown
	}
	return raw
}

// looksISODate is a cheap pre-filter for "2022-01-04" and
// "2022-01-04T00:00:00Z".
func looksISODate(s string) bool {
	return len(s) >= 10 && s[4] == '-' && s[7] == '-'
}

// isDateStyle reports whether the cell's number format displays a date.
func (d *sheetCells) isDateStyle(cell string) bool {
	id, err := d.f.GetCellStyle(d.sheet, cell)
	if err != nil {
		return false
	}
	if v, ok := d.dateStyles[id]; ok {
		return v
	}
	isDate := false
	if st, err := d.f.GetStyle(id); err == nil && st != nil {
		if st.CustomNumFmt != nil {
			isDate = isDateFormatCode(*st.CustomNumFmt)
		} else {
			isDate = builtInDateFormats[st.NumFmt]
		}
	}
	d.dateStyles[id] = isDate
	return isDate
}

// isDateFormatCode reports whether a custom number format code shows a
// date, i.e. has a day or year token once literals are removed. Months alone
// are ignored because "m" also means minutes in "h:mm". Quoted text,
// bracketed parts ([$-40C], [Red], [h]) and escaped or padding characters
// are skipped: "0 \d" or "[Red]0" are numbers, not dates.
func isDateFormatCode(code string) bool {
	inQuote := false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case c == '"':
			inQuote = true
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal or padding
		case c == '[':
			if j := strings.IndexByte(code[i:], ']'); j >= 0 {
				i += j
			}
		case c == 'd' || c == 'D' || c == 'y' || c == 'Y':
			return true
		}
	}
	return false
}
