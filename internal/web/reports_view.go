package web

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"majordome/internal/report"
	"majordome/internal/request"
)

// This file turns a report into what the reports page shows: the KPI cards with their
// comparison to the previous period, the weekly table, the shares, and the data of the charts.

// reportsView is the reports page's Data.
type reportsView struct {
	Query         reportQuery
	Rep           *report.Report
	PeriodLabel   string
	PreviousLabel string
	Presets       []reportPreset
	From, To      string // the custom dates as shown in the picker
	Categories    []request.Category
	Channels      []request.Channel
	FilterLabel   string // the category and channel chosen, for the printed title
	KPIs          []reportKPI
	Deflections   *reportKPI // the bible's card, when it answered questions in the period
	Bible         bool       // requests were solved by the bible in the period: the tables show them
	Merged        bool       // duplicates were merged in the period: the tables show them
	Weeks         []reportWeekRow
	TopCategories []reportShare
	ByChannel     []reportShare
	Chart         reportChart
	Empty         bool
	CSVURL        string
	XLSXURL       string
	ClearURL      string // the same period without filters
}

// reportPreset is one choice of the period picker.
type reportPreset struct {
	Label, URL string
	Current    bool
}

// reportKPI is one big figure with its comparison to the previous period.
type reportKPI struct {
	Label, Value, Meta string
	Delta              string // "▲ 12 %", "" when there is nothing to compare
	Tone               string // good, bad or "" (neutral)
}

// reportWeekRow is one line of the weekly table.
type reportWeekRow struct {
	Label, Title                                string
	Received, Resolved, Bible, Merged           int
	FirstResponse, Resolution, SLAFirst, SLARes string
}

// reportShare is a category's or a channel's part of the requests received.
type reportShare struct {
	Label    string
	Count    int
	Percent  int
	Delta    string
	Previous int
	Bible    int    // of Count, solved by the bible (categories only)
	BibleOf  string // Bible's share of Count, "25 %"
	Merged   int    // of Count, merged as duplicates (categories only)
	MergedOf string // Merged's share of Count, "25 %"
}

// reportChart is the data reports.js draws, read from <script type="application/json">.
type reportChart struct {
	Weeks            []string          `json:"weeks"`
	WeekTitles       []string          `json:"weekTitles"`
	Volume           []chartSeries     `json:"volume"`
	FirstResponse    []*float64        `json:"firstResponse"`    // median, minutes
	FirstResponseP90 []*float64        `json:"firstResponseP90"` // minutes
	SLAFirst         []*int            `json:"slaFirst"`         // %
	SLAResolution    []*int            `json:"slaResolution"`    // %
	Text             map[string]string `json:"text"`
}

type chartSeries struct {
	Label string `json:"label"`
	Data  []int  `json:"data"`
	Other bool   `json:"other,omitempty"` // the categories grouped together
}

// chartCategories is how many categories the volume chart shows before grouping the rest.
const chartCategories = 5

func newReportsView(p *Page, rq reportQuery, rep *report.Report, cats []request.Category) *reportsView {
	v := &reportsView{Query: rq, Rep: rep, Categories: cats, Channels: request.Channels,
		PeriodLabel: reportPeriodLabel(p, rep.Period), PreviousLabel: reportPeriodLabel(p, rep.Previous),
		From: rq.Period.From.French(), To: rq.Period.To.French()}
	if p.Form != nil {
		v.From, v.To = p.Form.Get("from"), p.Form.Get("to")
	}
	for _, name := range report.Presets {
		q := rq
		q.Preset = name
		v.Presets = append(v.Presets, reportPreset{Label: p.T("reports.preset." + name), URL: "/reports?" + q.params().Encode(),
			Current: rq.Preset == name})
	}
	v.FilterLabel = reportFilterLabel(p, rq, cats)
	unfiltered := rq
	unfiltered.Filter = report.Filter{}
	v.ClearURL = "/reports?" + unfiltered.params().Encode()
	qs := rq.params().Encode()
	v.CSVURL, v.XLSXURL = "/reports/export.csv?"+qs, "/reports/export.xlsx?"+qs
	cur := rep.Current
	v.Empty = cur.Received == 0 && cur.Resolved == 0 && cur.OpenAtEnd == 0
	v.KPIs = reportKPIs(p, rep)
	v.Bible = cur.SolvedByBible > 0
	v.Merged = cur.Merged > 0
	if rep.Deflected != nil && *rep.Deflected > 0 { // shown even in a period without requests
		v.Deflections = &v.KPIs[len(v.KPIs)-1]
	}
	for _, w := range rep.Weeks {
		v.Weeks = append(v.Weeks, reportWeekRow{Label: p.T("reports.week.short", "n", w.Number), Title: reportWeekTitle(p, w),
			Received: w.Received, Resolved: w.Resolved, Bible: w.SolvedByBible, Merged: w.Merged,
			FirstResponse: p.reportDurationOr(w.FirstResponse), Resolution: p.reportDurationOr(w.Resolution),
			SLAFirst: p.reportPercentOr(w.SLAFirstResponse.Percent()), SLARes: p.reportPercentOr(w.SLAResolution.Percent())})
	}
	for _, c := range rep.Categories {
		share := reportShareOf(p, reportCategoryLabel(p, c.Category, c.CategoryID), c.Received, c.PriorReceived, cur.Received)
		share.Bible, share.BibleOf = c.SolvedByBible, p.reportPercentOr(report.SharePercent(c.SolvedByBible, c.Received))
		share.Merged, share.MergedOf = c.Merged, p.reportPercentOr(report.SharePercent(c.Merged, c.Received))
		v.TopCategories = append(v.TopCategories, share)
	}
	for _, c := range rep.Channels {
		if c.Received+c.PriorReceived > 0 {
			v.ByChannel = append(v.ByChannel, reportShareOf(p, p.T("desk.channel."+string(c.Channel)), c.Received, c.PriorReceived, cur.Received))
		}
	}
	v.Chart = reportChartData(p, rep)
	return v
}

// reportFilterLabel names the category and channel a report is narrowed to, "" for none.
func reportFilterLabel(p *Page, rq reportQuery, cats []request.Category) string {
	var category, channel string
	for _, c := range cats {
		if c.ID == rq.Filter.CategoryID {
			category = c.Label()
		}
	}
	if rq.Filter.Channel != "" {
		channel = p.T("desk.channel." + string(rq.Filter.Channel))
	}
	return joinNonEmpty(" · ", category, channel)
}

// reportKPIs are the six cards: received, resolved, first response, resolution, SLA, satisfaction;
// after the received, the requests the bible solved, when it solved some in either period, then
// the duplicates merged, when some were in either period; last, the questions the bible
// answered, when it measures them.
func reportKPIs(p *Page, rep *report.Report) []reportKPI {
	cur, old := rep.Current, rep.Prior
	received := reportKPI{Label: p.T("reports.kpi.received"), Value: p.Num(cur.Received),
		Meta: p.T("reports.kpi.open_at_end", "n", cur.OpenAtEnd, "date", rep.Period.To.French())}
	received.Delta, _ = reportCountDelta(p, cur.Received, old.Received)
	resolved := reportKPI{Label: p.T("reports.kpi.resolved"), Value: p.Num(cur.Resolved), Meta: p.T("reports.kpi.resolved_meta")}
	resolved.Delta, resolved.Tone = reportCountDelta(p, cur.Resolved, old.Resolved)
	first := reportKPI{Label: p.T("reports.kpi.first_response"), Value: p.reportDurationOr(cur.FirstResponse),
		Meta: p.T("reports.kpi.none_answered")}
	if cur.FirstResponse.Count > 0 {
		first.Meta = p.T("reports.kpi.p90", "d", p.reportDuration(cur.FirstResponse.P90))
	}
	first.Delta, first.Tone = reportDurationDelta(p, cur.FirstResponse, old.FirstResponse)
	resolution := reportKPI{Label: p.T("reports.kpi.resolution"), Value: p.reportDurationOr(cur.Resolution),
		Meta: p.T("reports.kpi.none_resolved")}
	if cur.Resolution.Count > 0 {
		resolution.Meta = p.T("reports.kpi.p90", "d", p.reportDuration(cur.Resolution.P90))
	}
	resolution.Delta, resolution.Tone = reportDurationDelta(p, cur.Resolution, old.Resolution)
	sla := reportKPI{Label: p.T("reports.kpi.sla"), Value: p.reportPercentOr(cur.SLA().Percent()), Meta: p.T("reports.kpi.sla_none")}
	if cur.SLA().Total > 0 {
		sla.Meta = p.T("reports.kpi.sla_meta", "first", p.reportPercentOr(cur.SLAFirstResponse.Percent()),
			"resolution", p.reportPercentOr(cur.SLAResolution.Percent()))
	}
	sla.Delta, sla.Tone = reportPointsDelta(p, cur.SLA().Percent(), old.SLA().Percent())
	sat := reportKPI{Label: p.T("reports.kpi.satisfaction"), Value: p.reportPercentOr(cur.Satisfaction.Percent()),
		Meta: p.T("reports.kpi.satisfaction_none")}
	if n := cur.Satisfaction.Rated(); n > 0 {
		sat.Value += " 👍"
		sat.Meta = p.T("reports.kpi.ratings", "n", n)
	}
	sat.Delta, sat.Tone = reportPointsDelta(p, cur.Satisfaction.Percent(), old.Satisfaction.Percent())
	kpis := []reportKPI{received, resolved, first, resolution, sla, sat}
	apart := 1 // the cards of the requests counted apart go beside the received, of which they are part
	if cur.SolvedByBible+old.SolvedByBible > 0 {
		bible := reportKPI{Label: p.T("reports.kpi.bible"), Value: p.Num(cur.SolvedByBible),
			Meta: p.T("reports.kpi.bible_meta", "pct", p.reportPercentOr(cur.BiblePercent()))}
		bible.Delta, bible.Tone = reportCountDelta(p, cur.SolvedByBible, old.SolvedByBible)
		kpis = slices.Insert(kpis, apart, bible)
		apart++
	}
	if cur.Merged+old.Merged > 0 {
		merged := reportKPI{Label: p.T("reports.kpi.merged"), Value: p.Num(cur.Merged),
			Meta: p.T("reports.kpi.merged_meta", "pct", p.reportPercentOr(cur.MergedPercent()))}
		merged.Delta, _ = reportCountDelta(p, cur.Merged, old.Merged) // more duplicates is neither good nor bad news
		kpis = slices.Insert(kpis, apart, merged)
	}
	if rep.Deflected != nil && rep.DeflectedPrior != nil {
		bible := reportKPI{Label: p.T("bible.reports.deflections"), Value: p.Num(*rep.Deflected), Meta: p.T("bible.reports.deflections_meta")}
		bible.Delta, bible.Tone = reportCountDelta(p, *rep.Deflected, *rep.DeflectedPrior)
		if split := deflectionSplit(p, rep.DeflectedBy); split != "" {
			bible.Meta += " · " + split
		}
		kpis = append(kpis, bible)
	}
	return kpis
}

// countDelta compares two counts in percent (or in units when there was none before); more is
// better.
func reportCountDelta(p *Page, cur, old int) (string, string) {
	switch {
	case cur == old && cur == 0:
		return "", ""
	case old == 0:
		return p.T("reports.delta.up", "v", "+"+p.Num(cur)), "good"
	}
	pct := int(math.Round(float64(cur-old) * 100 / float64(old)))
	return reportArrow(p, pct, p.reportPercent(reportAbs(pct)), true)
}

// durationDelta compares two medians in percent; shorter is better.
func reportDurationDelta(p *Page, cur, old report.Durations) (string, string) {
	if cur.Count == 0 || old.Count == 0 || old.Median == 0 {
		return "", ""
	}
	pct := int(math.Round(float64(cur.Median-old.Median) * 100 / float64(old.Median)))
	return reportArrow(p, pct, p.reportPercent(reportAbs(pct)), false)
}

// pointsDelta compares two percentages in points; higher is better.
func reportPointsDelta(p *Page, cur, old int) (string, string) {
	if cur < 0 || old < 0 {
		return "", ""
	}
	return reportArrow(p, cur-old, p.T("reports.points", "n", reportAbs(cur-old)), true)
}

// arrow writes a change as "▲ 12 %" and says whether it is good news.
func reportArrow(p *Page, diff int, amount string, upIsGood bool) (string, string) {
	if diff == 0 {
		return p.T("reports.delta.flat", "v", amount), ""
	}
	key, tone := "reports.delta.down", "bad"
	if diff > 0 {
		key = "reports.delta.up"
	}
	if (diff > 0) == upIsGood {
		tone = "good"
	}
	return p.T(key, "v", amount), tone
}

func reportShareOf(p *Page, label string, n, prev, total int) reportShare {
	s := reportShare{Label: label, Count: n, Previous: prev}
	if total > 0 {
		s.Percent = int(math.Round(float64(n) * 100 / float64(total)))
	}
	if d := n - prev; d > 0 {
		s.Delta = p.T("reports.delta.up", "v", strconv.Itoa(d))
	} else if d < 0 {
		s.Delta = p.T("reports.delta.down", "v", strconv.Itoa(-d))
	}
	return s
}

// reportChartData lays the weeks out for the charts: the biggest categories stacked, the rest
// grouped as "other".
func reportChartData(p *Page, rep *report.Report) reportChart {
	c := reportChart{Text: map[string]string{}}
	for _, k := range []string{"received", "first_response", "first_response_p90", "sla_first", "sla_resolution",
		"minutes", "hours", "days", "percent_axis", "other"} {
		c.Text[k] = p.T("reports.chart." + k)
	}
	shown := map[int64]int{}
	for i, cat := range rep.Categories {
		if i == chartCategories && len(rep.Categories) > chartCategories+1 {
			break
		}
		shown[cat.CategoryID] = len(c.Volume)
		c.Volume = append(c.Volume, chartSeries{Label: reportCategoryLabel(p, cat.Category, cat.CategoryID), Data: make([]int, len(rep.Weeks))})
	}
	other := -1
	if len(rep.Categories) > len(c.Volume) {
		other = len(c.Volume)
		c.Volume = append(c.Volume, chartSeries{Label: c.Text["other"], Data: make([]int, len(rep.Weeks)), Other: true})
	}
	for i, w := range rep.Weeks {
		c.Weeks = append(c.Weeks, p.T("reports.week.short", "n", w.Number))
		c.WeekTitles = append(c.WeekTitles, reportWeekTitle(p, w))
		for _, cf := range w.Categories {
			if s, ok := shown[cf.CategoryID]; ok {
				c.Volume[s].Data[i] += cf.Received
			} else if other >= 0 {
				c.Volume[other].Data[i] += cf.Received
			}
		}
		c.FirstResponse = append(c.FirstResponse, chartMinutes(w.FirstResponse.Median, w.FirstResponse.Count))
		c.FirstResponseP90 = append(c.FirstResponseP90, chartMinutes(w.FirstResponse.P90, w.FirstResponse.Count))
		c.SLAFirst = append(c.SLAFirst, chartPercent(w.SLAFirstResponse.Percent()))
		c.SLAResolution = append(c.SLAResolution, chartPercent(w.SLAResolution.Percent()))
	}
	return c
}

func chartMinutes(d time.Duration, n int) *float64 {
	if n == 0 {
		return nil
	}
	m := math.Round(d.Minutes()*10) / 10
	return &m
}

func chartPercent(pct int) *int {
	if pct < 0 {
		return nil
	}
	return &pct
}

// periodLabel names a period: "novembre 2026" for a whole month, its dates otherwise.
func reportPeriodLabel(p *Page, per report.Period) string {
	if per.WholeMonth() {
		return p.T(fmt.Sprintf("reports.month.%d", per.From.Month), "year", per.From.Year)
	}
	return p.T("reports.period.range", "from", per.From.French(), "to", per.To.French())
}

// weekTitle is "Semaine 45 · 02/11 – 08/11".
func reportWeekTitle(p *Page, w report.Week) string {
	start := time.Date(w.Start.Year, w.Start.Month, w.Start.Day, 0, 0, 0, 0, time.UTC)
	return p.T("reports.week.title", "n", w.Number, "from", start.Format("02/01"), "to", start.AddDate(0, 0, 6).Format("02/01"))
}

func reportCategoryLabel(p *Page, name string, id int64) string {
	if id == 0 {
		return p.T("desk.no_category")
	}
	return name
}

// duration writes d for people: "38 min", "4 h 10", "2 j 3 h".
func (p *Page) reportDuration(d time.Duration) string {
	m := int(d.Round(time.Minute).Minutes())
	switch {
	case d < time.Minute:
		return p.T("reports.dur.under_minute")
	case m < 60:
		return p.T("reports.dur.minutes", "m", m)
	case m < 24*60 && m%60 == 0:
		return p.T("reports.dur.hours", "h", m/60)
	case m < 24*60:
		return p.T("reports.dur.hours_minutes", "h", m/60, "m", fmt.Sprintf("%02d", m%60))
	}
	h := int(d.Round(time.Hour).Hours())
	if h%24 == 0 {
		return p.T("reports.dur.days", "d", h/24)
	}
	return p.T("reports.dur.days_hours", "d", h/24, "h", h%24)
}

// durationOr is the median of ds, or a dash when nothing was measured.
func (p *Page) reportDurationOr(ds report.Durations) string {
	if ds.Count == 0 {
		return "—"
	}
	return p.reportDuration(ds.Median)
}

// percent writes "12 %" (French spacing) or "12%".
func (p *Page) reportPercent(n int) string { return p.T("reports.percent", "n", n) }

// percentOr is a percentage, or a dash for -1 (nothing to measure).
func (p *Page) reportPercentOr(n int) string {
	if n < 0 {
		return "—"
	}
	return p.reportPercent(n)
}

func reportAbs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
