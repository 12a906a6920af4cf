package web

import (
	"bytes"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"majordome/internal/report"
)

// reportWorkbook writes the report as an XLSX file: numbers as numbers (durations in minutes
// or hours with two decimals at most, in Excel's General format; SLA and satisfaction as
// percentages), dates as dates, bold headers.
func reportWorkbook(p *Page, rep *report.Report, filterLabel string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	x := &reportSheet{f: f}
	x.styles()
	summary, weekly := p.T("reports.export.sheet.summary"), p.T("reports.export.sheet.weekly")
	x.try(f.SetSheetName("Sheet1", summary))
	x.sheet = summary

	// The period against the previous one.
	x.set("A1", p.T("reports.export.title"), x.title)
	x.set("A2", p.T("reports.export.period"), x.bold)
	x.set("B2", rep.Period.String(), 0)
	x.set("A3", p.T("reports.export.previous"), x.bold)
	x.set("B3", rep.Previous.String(), 0)
	line := 4
	if filterLabel != "" {
		x.set("A4", p.T("reports.filter.label"), x.bold)
		x.set("B4", filterLabel, 0)
		line = 5
	}
	line++
	x.row(line, x.bold, p.T("reports.export.col.measure"), rep.Period.String(), rep.Previous.String())
	cur, old := rep.Current, rep.Prior
	type measure struct {
		key      string
		cur, old any
		style    int
	}
	for _, m := range []measure{
		{"received", cur.Received, old.Received, 0},
		{"solved_by_bible", cur.SolvedByBible, old.SolvedByBible, 0},
		{"bible_share", reportShareRate(cur.SolvedByBible, cur.Received), reportShareRate(old.SolvedByBible, old.Received), x.percent},
		{"merged", cur.Merged, old.Merged, 0},
		{"merged_share", reportShareRate(cur.Merged, cur.Received), reportShareRate(old.Merged, old.Received), x.percent},
		{"resolved", cur.Resolved, old.Resolved, 0},
		{"open_at_end", cur.OpenAtEnd, old.OpenAtEnd, 0},
		{"first_response", reportInUnit(cur.FirstResponse, time.Minute), reportInUnit(old.FirstResponse, time.Minute), 0},
		{"first_response_p90", reportP90In(cur.FirstResponse, time.Minute), reportP90In(old.FirstResponse, time.Minute), 0},
		{"resolution", reportInUnit(cur.Resolution, time.Hour), reportInUnit(old.Resolution, time.Hour), 0},
		{"resolution_p90", reportP90In(cur.Resolution, time.Hour), reportP90In(old.Resolution, time.Hour), 0},
		{"sla_first", reportRate(cur.SLAFirstResponse), reportRate(old.SLAFirstResponse), x.percent},
		{"sla_resolution", reportRate(cur.SLAResolution), reportRate(old.SLAResolution), x.percent},
		{"sla", reportRate(cur.SLA()), reportRate(old.SLA()), x.percent},
		{"satisfaction", reportSatisfactionRate(cur.Satisfaction), reportSatisfactionRate(old.Satisfaction), x.percent},
		{"ratings", cur.Satisfaction.Rated(), old.Satisfaction.Rated(), 0},
	} {
		line++
		x.set(xlsxCell(1, line), p.T("reports.export.measure."+m.key), 0)
		x.set(xlsxCell(2, line), m.cur, m.style)
		x.set(xlsxCell(3, line), m.old, m.style)
	}

	// Week by week, all categories together.
	line += 2
	x.set(xlsxCell(1, line), p.T("reports.weeks.title"), x.bold)
	line++
	h := reportExportHeaders(p)
	x.row(line, x.bold, h[0], h[1], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10])
	for _, w := range rep.Weeks {
		line++
		start := time.Date(w.Start.Year, w.Start.Month, w.Start.Day, 0, 0, 0, 0, time.UTC)
		x.set(xlsxCell(1, line), p.T("reports.export.week", "year", w.Year, "n", fmt.Sprintf("%02d", w.Number)), 0)
		x.set(xlsxCell(2, line), start, x.date)
		x.set(xlsxCell(3, line), w.Received, 0)
		x.set(xlsxCell(4, line), w.Resolved, 0)
		x.set(xlsxCell(5, line), reportInUnit(w.FirstResponse, time.Minute), 0)
		x.set(xlsxCell(6, line), reportInUnit(w.Resolution, time.Hour), 0)
		x.set(xlsxCell(7, line), reportRate(w.SLAFirstResponse), x.percent)
		x.set(xlsxCell(8, line), reportRate(w.SLAResolution), x.percent)
		x.set(xlsxCell(9, line), w.SolvedByBible, 0)
		x.set(xlsxCell(10, line), w.Merged, 0)
	}
	x.try(f.SetColWidth(summary, "A", "A", 34))
	x.try(f.SetColWidth(summary, "B", "J", 22))

	// The weekly table by category, as in the CSV.
	_, err := f.NewSheet(weekly)
	x.try(err)
	x.sheet = weekly
	x.row(1, x.bold, reportAnys(h)...)
	for i, row := range reportExportRows(p, rep) {
		n := i + 2
		x.set(xlsxCell(1, n), row.Week, 0)
		x.set(xlsxCell(2, n), row.Start, x.date)
		x.set(xlsxCell(3, n), row.Category, 0)
		x.set(xlsxCell(4, n), row.Received, 0)
		x.set(xlsxCell(5, n), row.Resolved, 0)
		x.set(xlsxCell(6, n), row.FirstResponse, 0)
		x.set(xlsxCell(7, n), row.Resolution, 0)
		x.set(xlsxCell(8, n), row.SLAFirst, x.percent)
		x.set(xlsxCell(9, n), row.SLAResolution, x.percent)
		x.set(xlsxCell(10, n), row.SolvedByBible, 0)
		x.set(xlsxCell(11, n), row.Merged, 0)
	}
	x.try(f.SetColWidth(weekly, "A", "B", 12))
	x.try(f.SetColWidth(weekly, "C", "C", 30))
	x.try(f.SetColWidth(weekly, "D", "K", 18))
	x.try(f.SetPanes(weekly, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
	if x.err != nil {
		return nil, x.err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// reportSheet writes cells and keeps the first error, so the layout reads top to bottom.
type reportSheet struct {
	f                          *excelize.File
	sheet                      string
	err                        error
	title, bold, date, percent int
}

func (x *reportSheet) try(err error) {
	if x.err == nil {
		x.err = err
	}
}

func (x *reportSheet) styles() {
	style := func(s *excelize.Style) int {
		id, err := x.f.NewStyle(s)
		x.try(err)
		return id
	}
	dateFmt := "dd/mm/yyyy"
	x.title = style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	x.bold = style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	x.date = style(&excelize.Style{CustomNumFmt: &dateFmt})
	x.percent = style(&excelize.Style{NumFmt: 9}) // 0%
}

// set writes v (nil pointers leave the cell empty) with style (0: none).
func (x *reportSheet) set(ref string, v any, style int) {
	if p, ok := v.(*float64); ok {
		if p == nil {
			return
		}
		v = *p
	}
	x.try(x.f.SetCellValue(x.sheet, ref, v))
	if style != 0 {
		x.try(x.f.SetCellStyle(x.sheet, ref, ref, style))
	}
}

// row writes values from column A of line n, all with style.
func (x *reportSheet) row(n, style int, values ...any) {
	for i, v := range values {
		x.set(xlsxCell(i+1, n), v, style)
	}
}

func xlsxCell(col, row int) string {
	ref, _ := excelize.CoordinatesToCellName(col, row)
	return ref
}

func reportP90In(d report.Durations, unit time.Duration) *float64 {
	return reportInUnit(report.Durations{Count: d.Count, Median: d.P90}, unit)
}

func reportSatisfactionRate(s report.Satisfaction) *float64 {
	if s.Rated() == 0 {
		return nil
	}
	r := float64(s.Up) / float64(s.Rated())
	return &r
}

// reportShareRate is n out of total, from 0 to 1; nil when total is 0.
func reportShareRate(n, total int) *float64 {
	if total == 0 {
		return nil
	}
	r := float64(n) / float64(total)
	return &r
}

func reportAnys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
