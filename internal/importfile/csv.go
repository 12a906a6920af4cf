package importfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffRecords is how many records the delimiter sniffer looks at; enough
// to step over a title line before the header.
const sniffRecords = 10

// sniffBytes bounds the sniffer's work on a pathological first line.
const sniffBytes = 64 << 10

// readCSV decodes a CSV file into non-blank records carrying the physical
// line where each one starts.
func readCSV(data []byte) ([]record, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	// Old Excel for Mac ("CSV Macintosh") ends lines with a bare CR, which
	// encoding/csv does not treat as a line break.
	if bytes.IndexByte(text, '\n') < 0 {
		text = bytes.ReplaceAll(text, []byte{'\r'}, []byte{'\n'})
	}

	delim, ok := excelSepDirective(text)
	if ok {
		// Drop the "sep=;" text but keep its line break so that line numbers
		// stay physical; encoding/csv skips the now empty line.
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			i = len(text)
		}
		text = text[i:]
	} else {
		delim = sniffDelimiter(text)
	}

	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	var recs []record
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		var more bool
		if recs, more = appendRecord(recs, line, cells); !more {
			break
		}
	}
	return recs, nil
}

// csvError turns an encoding/csv error into a *ParseError whose Line is the
// start of the faulty record: for an unclosed quote the reader only notices
// at the end of the file, and the start is where the user must look.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &ParseError{Err: err}
	}
	cause := fmt.Errorf("column %d: %w", pe.Column, pe.Err)
	if pe.Line != pe.StartLine {
		cause = fmt.Errorf("error detected on line %d, column %d: %w", pe.Line, pe.Column, pe.Err)
	}
	return &ParseError{Line: pe.StartLine, Err: cause}
}

// decodeText returns the file as UTF-8 without BOM. Excel in France saves
// "CSV (séparateur: point-virgule)" in Windows-1252, "CSV UTF-8" with a BOM
// and "Texte Unicode" as UTF-16 LE with a BOM; HR tools mostly emit UTF-8.
// Windows-1252 is the fallback for anything that is not valid UTF-8 because
// any byte sequence decodes in it and it is what French Windows uses.
func decodeText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		out, _, err := transform.Bytes(dec, data)
		if err != nil {
			return nil, &ParseError{Err: fmt.Errorf("invalid UTF-16 text: %w", err)}
		}
		return bytes.TrimPrefix(out, []byte{0xEF, 0xBB, 0xBF}), nil
	case utf8.Valid(data):
		return data, nil
	default:
		out, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, &ParseError{Err: fmt.Errorf("invalid Windows-1252 text: %w", err)}
		}
		return out, nil
	}
}

// excelSepDirective recognises the "sep=;" first line that Excel writes (and
// honours) to pin the delimiter regardless of the reader's locale.
func excelSepDirective(text []byte) (rune, bool) {
	line := text
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		line = text[:i]
	}
	line = bytes.TrimRight(line, "\r")
	if len(line) != 5 || !bytes.EqualFold(line[:4], []byte("sep=")) {
		return 0, false
	}
	switch d := rune(line[4]); d {
	case ';', ',', '\t', '|':
		return d, true
	}
	return 0, false
}

// sniffDelimiter picks among ';', ',' and tab the one occurring most often,
// outside quotes, in a single one of the first records (normally the
// header, which has at least three columns). Using the per-record maximum
// rather than the first line only lets a title line such as "Export RH,
// janvier" not decide for the whole file. Ties and files with no delimiter at
// all give ';', the French Excel default.
func sniffDelimiter(text []byte) rune {
	candidates := []rune{';', ',', '\t'}
	best := map[rune]int{}
	cur := map[rune]int{}
	inQuotes := false
	records := 0
	flush := func() {
		for _, d := range candidates {
			best[d] = max(best[d], cur[d])
			cur[d] = 0
		}
		records++
	}
	// Bytes are enough: quotes, delimiters and newlines are ASCII, which
	// never occurs inside a multi-byte UTF-8 sequence.
	for _, c := range text[:min(len(text), sniffBytes)] {
		switch r := rune(c); {
		case r == '"':
			inQuotes = !inQuotes
		case inQuotes:
		case r == '\n':
			flush()
		case r == ';' || r == ',' || r == '\t':
			cur[r]++
		}
		if records >= sniffRecords {
			break
		}
	}
	flush()
	delim := candidates[0]
	for _, d := range candidates[1:] {
		if best[d] > best[delim] {
			delim = d
		}
	}
	return delim
}
