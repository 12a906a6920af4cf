package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"majordome/internal/report"
)

// The exports give the report's weekly table as a file: CSV for any tool, XLSX with a summary
// sheet for Excel. Both hold counts and times only; no request is named in them.

// reportExportRow is one week × category line of an export. Nil measures had nothing to measure.
type reportExportRow struct {
	Week                      string
	Start                     time.Time
	Category                  string
	Received, Resolved        int
	SolvedByBible             int      // of Received, withdrawn because the bible answered them
	Merged                    int      // of Received, merged as duplicates into another request
	FirstResponse, Resolution *float64 // median, minutes and hours
	SLAFirst, SLAResolution   *float64 // share met, 0 to 1
}

func reportExportRows(p *Page, rep *report.Report) []reportExportRow {
	var out []reportExportRow
	for _, w := range rep.Weeks {
		for _, c := range w.Categories {
			out = append(out, reportExportRow{Week: p.T("reports.export.week", "year", w.Year, "n", fmt.Sprintf("%02d", w.Number)),
				Start:    time.Date(w.Start.Year, w.Start.Month, w.Start.Day, 0, 0, 0, 0, time.UTC),
				Category: reportCategoryLabel(p, c.Category, c.CategoryID), Received: c.Received, Resolved: c.Resolved, SolvedByBible: c.SolvedByBible, Merged: c.Merged,
				FirstResponse: reportInUnit(c.FirstResponse, time.Minute), Resolution: reportInUnit(c.Resolution, time.Hour),
				SLAFirst: reportRate(c.SLAFirstResponse), SLAResolution: reportRate(c.SLAResolution)})
		}
	}
	return out
}

func reportInUnit(d report.Durations, unit time.Duration) *float64 {
	if d.Count == 0 {
		return nil
	}
	v := math.Round(float64(d.Median)/float64(unit)*100) / 100
	return &v
}

func reportRate(a report.Attainment) *float64 {
	r, ok := a.Rate()
	if !ok {
		return nil
	}
	return &r
}

func reportExportHeaders(p *Page) []string {
	var out []string
	for _, k := range []string{"week", "start", "category", "received", "resolved", "first_response", "resolution", "sla_first", "sla_resolution", "solved_by_bible", "merged"} {
		out = append(out, p.T("reports.export.col."+k))
	}
	return out
}

// reportFileName is majordome-rapport-2026-11 for a month, majordome-rapport-2026-10-01_2026-11-22 otherwise.
func reportFileName(p *Page, per report.Period, ext string) string {
	when := per.From.String() + "_" + per.To.String()
	if per.WholeMonth() {
		when = fmt.Sprintf("%04d-%02d", per.From.Year, per.From.Month)
	}
	return p.T("reports.export.filename") + "-" + when + "." + ext
}

// sendReportFile sends a generated file as an attachment; reports are live data, never cached.
func sendReportFile(w http.ResponseWriter, name, contentType string, b []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(b)
	return err
}

// reportExport reads the query and computes the report; a period that cannot be read sends the
// reader back to the page, which says what is wrong (ok is false then).
func (s *Server) reportExport(w http.ResponseWriter, r *http.Request) (p *Page, rep *report.Report, filter string, ok bool, err error) {
	p = s.newPage(w, r, "reports")
	rq, rep, errs, err := s.reportRequest(r, p)
	if err != nil {
		return nil, nil, "", false, err
	}
	if len(errs) > 0 {
		http.Redirect(w, r, "/reports?"+r.URL.RawQuery, http.StatusSeeOther)
		return nil, nil, "", false, nil
	}
	cats, err := s.Requests.AllCategories(r.Context()) // archived ones too: reports look back
	if err != nil {
		return nil, nil, "", false, err
	}
	return p, rep, reportFilterLabel(p, rq, cats), true, nil
}

// reportsCSV sends the weekly table as CSV. In French: semicolons, decimal commas and a UTF-8
// byte order mark, which is what Excel in French opens without an import wizard.
func (s *Server) reportsCSV(w http.ResponseWriter, r *http.Request) error {
	p, rep, _, ok, err := s.reportExport(w, r)
	if !ok {
		return err
	}
	comma, decimal := ';', ","
	if p.Lang == "en" {
		comma, decimal = ',', "."
	}
	num := func(v *float64, scale float64) string {
		if v == nil {
			return ""
		}
		return strings.Replace(strconv.FormatFloat(math.Round(*v*scale*100)/100, 'f', -1, 64), ".", decimal, 1)
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.Comma, cw.UseCRLF = comma, true
	cw.Write(reportExportHeaders(p))
	for _, row := range reportExportRows(p, rep) {
		cw.Write([]string{row.Week, row.Start.Format("02/01/2006"), row.Category, strconv.Itoa(row.Received), strconv.Itoa(row.Resolved),
			num(row.FirstResponse, 1), num(row.Resolution, 1), num(row.SLAFirst, 100), num(row.SLAResolution, 100),
			strconv.Itoa(row.SolvedByBible), strconv.Itoa(row.Merged)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return sendReportFile(w, reportFileName(p, rep.Period, "csv"), "text/csv; charset=utf-8", buf.Bytes())
}

// reportsXLSX sends the report as an Excel workbook: a summary sheet (the period against the
// previous one, then week by week) and the weekly table by category.
func (s *Server) reportsXLSX(w http.ResponseWriter, r *http.Request) error {
	p, rep, filter, ok, err := s.reportExport(w, r)
	if !ok {
		return err
	}
	b, err := reportWorkbook(p, rep, filter)
	if err != nil {
		return err
	}
	return sendReportFile(w, reportFileName(p, rep.Period, "xlsx"),
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
}
