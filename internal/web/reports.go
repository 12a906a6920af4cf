package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"majordome/internal/civil"
	"majordome/internal/report"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// reportQuery is what the reports page and its exports were asked for: a named period or two
// dates, and the filters.
type reportQuery struct {
	Preset string // a report preset, or "custom"
	Period report.Period
	Filter report.Filter
}

// params is the query in URL form, the same for the page, its presets and its exports.
func (q reportQuery) params() url.Values {
	v := url.Values{}
	if q.Preset == "custom" {
		v.Set("from", q.Period.From.French())
		v.Set("to", q.Period.To.French())
	} else {
		v.Set("period", q.Preset)
	}
	if q.Filter.CategoryID != 0 {
		v.Set("category", strconv.FormatInt(q.Filter.CategoryID, 10))
	}
	if q.Filter.Channel != "" {
		v.Set("channel", string(q.Filter.Channel))
	}
	return v
}

// parseReportQuery reads the period and filters of a reports URL: ?period=last_month, or
// ?from=01/11/2026&to=30/11/2026 (dd/mm/yyyy, as typed), with optional category and channel.
// Two dates that make a preset are that preset. Dates that cannot be read come back as field
// errors, with this month's report to show meanwhile.
func parseReportQuery(q url.Values, today civil.Date, loc *time.Location) (reportQuery, valid.Errors) {
	rq := reportQuery{Preset: report.ThisMonth}
	rq.Filter.CategoryID, _ = strconv.ParseInt(q.Get("category"), 10, 64)
	if c := request.Channel(q.Get("channel")); slices.Contains(request.Channels, c) {
		rq.Filter.Channel = c
	}
	if name := q.Get("period"); slices.Contains(report.Presets, name) {
		rq.Preset = name
	}
	from, to := strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	if q.Get("period") != "custom" && from == "" && to == "" {
		rq.Period, _ = report.Preset(rq.Preset, today, loc)
		return rq, nil
	}
	var errs valid.Errors
	parse := func(field, s string) civil.Date {
		if s == "" {
			return civil.Date{}
		}
		d, err := civil.Parse(s)
		if err != nil {
			errs.Add(field, "date_invalid", "value", s)
		}
		return d
	}
	fromDay, toDay := parse("from", from), parse("to", to)
	if len(errs) == 0 {
		p, err := report.NewPeriod(fromDay, toDay, loc)
		if errors.As(err, &errs) {
			rq.Period, _ = report.Preset(rq.Preset, today, loc)
			return rq, errs
		} else if err != nil {
			return rq, valid.Errors{{Field: "from", Code: "invalid"}}
		}
		rq.Preset, rq.Period = "custom", p
		for _, name := range report.Presets {
			if pp, _ := report.Preset(name, today, loc); pp.From == p.From && pp.To == p.To {
				rq.Preset = name
				break
			}
		}
		return rq, nil
	}
	rq.Period, _ = report.Preset(rq.Preset, today, loc)
	return rq, errs
}

// reportRequest reads the query of r for the reader's page p, and computes the report.
func (s *Server) reportRequest(r *http.Request, p *Page) (reportQuery, *report.Report, valid.Errors, error) {
	today := civil.Of(s.Reports.Now().In(p.loc))
	rq, errs := parseReportQuery(r.URL.Query(), today, p.loc)
	rep, err := s.Reports.Report(r.Context(), rq.Period, rq.Filter)
	if err == nil && rep != nil && s.Articles != nil {
		err = s.reportDeflections(r.Context(), rep)
	}
	return rq, rep, errs, err
}

// reportDeflections adds to rep the questions the bible answered, in its period and the one
// before: the bible counts them, the report shows them beside the requests.
func (s *Server) reportDeflections(ctx context.Context, rep *report.Report) error {
	cur, err := s.Articles.Deflections(ctx, rep.Period.Start(), rep.Period.End())
	if err != nil {
		return err
	}
	prior, err := s.Articles.Deflections(ctx, rep.Previous.Start(), rep.Previous.End())
	if err != nil {
		return err
	}
	rep.Deflected, rep.DeflectedPrior = &cur, &prior
	rep.DeflectedBy, err = s.Articles.DeflectionsByChannel(ctx, rep.Period.Start(), rep.Period.End())
	return err
}

// reportsPage shows the desk's report for a period: the figures that say what the team did,
// compared with the period before, with charts, and links to export them.
func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "reports")
	p.Title = p.T("reports.title")
	rq, rep, errs, err := s.reportRequest(r, p)
	if err != nil {
		return err
	}
	cats, err := s.Requests.AllCategories(r.Context()) // archived ones too: reports look back
	if err != nil {
		return err
	}
	if len(errs) > 0 { // the picker keeps what was typed, with a message per field
		p.Form = r.URL.Query()
		p.setErrors(errs)
		p.Data = newReportsView(p, rq, rep, cats)
		return s.renderStatus(w, http.StatusUnprocessableEntity, p, "reports")
	}
	p.Data = newReportsView(p, rq, rep, cats)
	return s.render(w, p, "reports")
}
