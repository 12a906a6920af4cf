package announce

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// exportHeaders are the columns of the export, in French: the proof goes to a French employer's
// files (a safety instruction acknowledged by each employee).
var exportHeaders = []string{"Nom", "E-mail", "Équipe", "Site", "État", "Lu le", "Accusé de réception le", "Via"}

// stateLabels name the recipients' states in the export.
var stateLabels = map[string]string{
	RecipientQueued:       "En attente",
	RecipientSent:         "Envoyé",
	RecipientFailed:       "Échec",
	RecipientRead:         "Lu",
	RecipientAcknowledged: "Accusé de réception",
}

// viaLabels name the channels an acknowledgement came through.
var viaLabels = map[string]string{ChannelSlack: "Slack", ChannelEmail: "E-mail", ChannelPortal: "Portail"}

// Export writes an announcement's recipients, by name, as the proof of who was told and who
// acknowledged: format "csv" (what Excel in French opens as is: UTF-8 with a byte order mark,
// semicolons, CRLF, dates dd/mm/yyyy HH:MM in Paris time) or "xlsx" (real dates, a header row
// that stays in view, a title line). ErrBadFormat for any other format.
func (s *Service) Export(ctx context.Context, id int64, format string, w io.Writer) error {
	if format != "csv" && format != "xlsx" {
		return ErrBadFormat
	}
	a, err := s.load(ctx, s.db.R, id)
	if err != nil {
		return err
	}
	list, err := s.recipients(ctx, s.db.R, "recipients-all", id)
	if err != nil {
		return err
	}
	if format == "csv" {
		return s.exportCSV(list, w)
	}
	return s.exportXLSX(a.Announcement, list, w)
}

func (s *Service) exportCSV(list []row, w io.Writer) error {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.Comma, cw.UseCRLF = ';', true
	cw.Write(exportHeaders)
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(s.paris).Format("02/01/2006 15:04")
	}
	for _, r := range list {
		cw.Write([]string{cell(r.Name), cell(r.Email), cell(r.Team), cell(r.Site), stateLabels[r.State], at(r.ReadAt),
			at(r.AckAt), viaLabels[r.AckVia]})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("announce: export: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// cell keeps a spreadsheet from reading a name as a formula ("=HYPERLINK(…)" typed as a name).
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (s *Service) exportXLSX(a Announcement, list []row, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Accusés de réception"
	var firstErr error
	try := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	try(f.SetSheetName("Sheet1", sheet))
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	try(err)
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	try(err)
	dateFmt := "dd/mm/yyyy hh:mm"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	try(err)
	try(f.SetCellValue(sheet, "A1", a.Title))
	try(f.SetCellStyle(sheet, "A1", "A1", title))
	for i, h := range exportHeaders {
		ref, _ := excelize.CoordinatesToCellName(i+1, 3)
		try(f.SetCellValue(sheet, ref, h))
		try(f.SetCellStyle(sheet, ref, ref, bold))
	}
	// Excel has no time zones: a date is written as the wall clock in Paris.
	wall := func(t time.Time) time.Time {
		p := t.In(s.paris)
		return time.Date(p.Year(), p.Month(), p.Day(), p.Hour(), p.Minute(), p.Second(), 0, time.UTC)
	}
	for n, r := range list {
		line := n + 4
		values := []any{r.Name, r.Email, r.Team, r.Site, stateLabels[r.State], nil, nil, viaLabels[r.AckVia]}
		if r.ReadAt != nil {
			values[5] = wall(*r.ReadAt)
		}
		if r.AckAt != nil {
			values[6] = wall(*r.AckAt)
		}
		ref, _ := excelize.CoordinatesToCellName(1, line)
		try(f.SetSheetRow(sheet, ref, &values))
		for _, col := range []int{6, 7} {
			if values[col-1] != nil {
				c, _ := excelize.CoordinatesToCellName(col, line)
				try(f.SetCellStyle(sheet, c, c, date))
			}
		}
	}
	try(f.SetColWidth(sheet, "A", "B", 28))
	try(f.SetColWidth(sheet, "C", "E", 18))
	try(f.SetColWidth(sheet, "F", "G", 22))
	try(f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}))
	if firstErr != nil {
		return fmt.Errorf("announce: export: %w", firstErr)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("announce: export: %w", err)
	}
	return nil
}
