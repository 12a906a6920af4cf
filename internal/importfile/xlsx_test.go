package importfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// serial returns the Excel serial number of a day (plus a fraction of a day),
// computed independently of excelize so the test checks its conversion.
func serial(t time.Time, date1904 bool) float64 {
	epoch := time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		epoch = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
	}
	return t.Sub(epoch).Hours() / 24
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// buildWorkbook writes a workbook the way Excel users fill one in: French
// headers, real date cells with several date formats, dates typed as text,
// numbers and booleans, a blank row, and sheets to skip before the data.
func buildWorkbook(t *testing.T, date1904 bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		must(err)
		return id
	}
	custom := func(code string) *excelize.Style { return &excelize.Style{CustomNumFmt: &code} }

	if date1904 {
		yes := true
		must(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	}
	must(f.SetSheetName("Sheet1", "Vide")) // first sheet, empty
	_, err := f.NewSheet("Cachée")         // hidden sheet with a people-like table
	must(err)
	must(f.SetSheetRow("Cachée", "A1", &[]string{"Nom", "Prénom", "E-mail"}))
	must(f.SetSheetRow("Cachée", "A2", &[]string{"Caché", "Pas", "x@ex.fr"}))
	must(f.SetSheetVisible("Cachée", false))
	const s = "Salariés"
	_, err = f.NewSheet(s)
	must(err)

	must(f.SetSheetRow(s, "A1", &[]string{"Nom", "Prénom", "E-mail", "Équipe", "Date d'arrivée", "Date de départ", "Actif", "Notes"}))
	must(f.SetSheetRow(s, "A2", &[]any{"Martin", "Camille", "camille@ex.fr", "Direction",
		serial(day(2019, time.September, 1), date1904), serial(day(2024, time.June, 30), date1904), true, 12.5}))
	must(f.SetCellStyle(s, "E2", "E2", style(&excelize.Style{NumFmt: 14}))) // Excel's locale short date
	must(f.SetCellStyle(s, "F2", "F2", style(custom("dd/mm/yyyy"))))
	// Row 3 is left blank on purpose.
	must(f.SetSheetRow(s, "A4", &[]any{" Bernard ", "Hélène", "helene@ex.fr", 42, "15/03/2021",
		serial(day(2022, time.January, 4), date1904)}))
	must(f.SetCellStyle(s, "F4", "F4", style(custom(`[$-40C]d mmmm yyyy;@`))))
	must(f.SetSheetRow(s, "A5", &[]any{"Dubois", "François", "francois@ex.fr", "Produit",
		serial(day(2022, time.January, 4).Add(18*time.Hour), date1904), 44565, "oui"}))
	must(f.SetCellStyle(s, "E5", "E5", style(&excelize.Style{NumFmt: 22}))) // m/d/yy h:mm
	must(f.SetCellStyle(s, "F5", "F5", style(custom(`0.00" d"`))))          // a number, not a date
	must(f.SetCellStyle(s, "G5", "G5", style(custom("[Red]0"))))

	buf, err := f.WriteToBuffer()
	must(err)
	return buf.Bytes()
}

func TestReadPeopleXLSX(t *testing.T) {
	want := []PersonRow{
		{Line: 2, LastName: "Martin", FirstName: "Camille", Email: "camille@ex.fr", Team: "Direction",
			StartDate: "01/09/2019", EndDate: "30/06/2024", Active: "TRUE"},
		{Line: 4, LastName: "Bernard", FirstName: "Hélène", Email: "helene@ex.fr", Team: "42",
			StartDate: "15/03/2021", EndDate: "04/01/2022"},
		{Line: 5, LastName: "Dubois", FirstName: "François", Email: "francois@ex.fr", Team: "Produit",
			StartDate: "04/01/2022", EndDate: "44565.00 d", Active: "oui"},
	}
	for _, tc := range []struct {
		name     string
		date1904 bool
		filename string
	}{
		{"1900 dates, .xlsx name", false, "salariés.xlsx"},
		{"1904 dates, no extension (detected by content)", true, "upload"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := buildWorkbook(t, tc.date1904)
			got, err := ReadPeople(bytes.NewReader(data), tc.filename)
			if err != nil {
				t.Fatalf("ReadPeople: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestReadPeopleXLSXISODateCell covers t="d" cells (ISO 8601 text typed as a
// date), which excelize cannot write, by patching the sheet XML.
func TestReadPeopleXLSXISODateCell(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"Nom", "Prénom", "Email", "Start date"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Sheet1", "A2", &[]any{"Petit", "Maëlys", "m@ex.fr", 1}); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	data := rewriteZipEntry(t, buf.Bytes(), "xl/worksheets/sheet1.xml", func(xml []byte) []byte {
		re := regexp.MustCompile(`<c r="D2"[^>]*>.*?</c>`)
		if !re.Match(xml) {
			t.Fatalf("cell D2 not found in %s", xml)
		}
		return re.ReplaceAll(xml, []byte(`<c r="D2" t="d"><v>2023-01-09T00:00:00Z</v></c>`))
	})
	got, err := ReadPeople(bytes.NewReader(data), "x.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	want := []PersonRow{{Line: 2, LastName: "Petit", FirstName: "Maëlys", Email: "m@ex.fr", StartDate: "09/01/2023"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func rewriteZipEntry(t *testing.T, data []byte, name string, edit func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == name {
			content = edit(content)
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestReadPeopleXLSXHeaderError(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]string{"Nom", "Prénom", "Téléphone"}); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadPeople(bytes.NewReader(buf.Bytes()), "x.xlsx")
	herr, ok := err.(*HeaderError)
	if !ok {
		t.Fatalf("err = %v, want *HeaderError", err)
	}
	if !reflect.DeepEqual(herr.Missing, []string{FieldEmail}) || herr.Line != 1 {
		t.Errorf("got %+v", herr)
	}
}

func TestIsDateFormatCode(t *testing.T) {
	tests := map[string]bool{
		"dd/mm/yyyy":              true,
		"d-mmm-yy":                true,
		"[$-40C]dddd d mmmm yyyy": true,
		"yyyy-mm-dd hh:mm":        true,
		"h:mm:ss":                 false,
		"[h]:mm":                  false,
		"mm:ss":                   false,
		"General":                 false,
		"0.00":                    false,
		`0 "days"`:                false,
		`0\d`:                     false,
		"[Red]0;[Blue]-0":         false,
		"#,##0 _€":                false,
		"@":                       false,
	}
	for code, want := range tests {
		if got := isDateFormatCode(code); got != want {
			t.Errorf("isDateFormatCode(%q) = %v, want %v", code, got, want)
		}
	}
}

// TestReadPeopleXLSXTooManyRows checks the limit on the streaming path; the
// exact boundary is covered by the (much faster) CSV test.
func TestReadPeopleXLSXTooManyRows(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	// A title row first: the header may sit below it.
	if err := sw.SetRow("A1", []any{"Export RH"}); err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A2", []any{"Nom", "Prénom", "E-mail"}); err != nil {
		t.Fatal(err)
	}
	for i := range MaxRows + 1 {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, []any{"Martin", "Léa", "lea@ex.fr"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPeople(bytes.NewReader(buf.Bytes()), "big.xlsx"); !errors.Is(err, ErrTooManyRows) {
		t.Errorf("err = %v, want ErrTooManyRows", err)
	}
}
