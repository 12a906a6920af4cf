// Package report owns the request desk's reports: how many requests came in and were resolved,
// week by week and category by category, how fast the team answered and resolved them, how
// often it kept its SLA, and what the requesters thought — the Office Manager's proof of
// invisible work, compared with the period before.
//
// A report reads the requests table and writes nothing. Every figure counts confidential
// requests, but no detail of one (title, requester, comment) ever leaves this package.
//
// What is measured on which requests:
//   - Received, time to first response, time to resolution, SLA attainment and satisfaction
//     are those of the requests received in the period (and, per week, in that week): "of the
//     143 requests of November, half were answered within 38 minutes".
//   - Resolved counts the requests resolved in the period, whenever they came in: the work done.
//   - Open at end counts the requests received before the end of the period and not resolved
//     by then (a request resolved, then reopened, counts as open from its receipt).
//   - Solved by the bible counts apart the requests received in the period that their requester
//     withdrew because a guide of the bible answered them (request.Desk.Withdraw, which records
//     the bible's deflection with the request: article_deflections.request_id, on a request
//     closed for good). They are received, but nobody on the team answered or resolved them:
//     they stay out of Resolved, the times, SLA attainment and satisfaction, where their few
//     minutes would flatter the team.
//   - Merged counts apart, the same way, the requests received in the period that the team
//     merged as duplicates into the request they repeat (request.Desk.Merge: merged_into_id,
//     on a request closed at once). The work is done on the survivor, which is counted as any
//     request; the duplicate's closing minutes after the merge would flatter the medians and
//     the SLA, so it too stays out of Resolved, the times, SLA attainment and satisfaction.
//
// Medians and 90th percentiles are computed here from the sorted durations rather than in SQL,
// because SQLite has no percentile function and PostgreSQL's differs; ISO weeks are bucketed
// here too, in the company's timezone, which SQLite does not know.
package report

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"time"

	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/request"
)

//go:embed queries*.sql
var queriesFS embed.FS

// commentsShown is how many requesters' comments a report quotes.
const commentsShown = 6

// Filter narrows a report to a category or a channel. Zero fields do not filter.
type Filter struct {
	CategoryID int64
	Channel    request.Channel
}

// Report is what the reports page, its charts and its exports show for one period.
type Report struct {
	Period   Period
	Previous Period // the period of the same length just before, for ▲▼
	Filter   Filter
	Now      time.Time // when the report was computed: SLA targets still running are not judged

	Current, Prior Summary
	Weeks          []Week          // every ISO week the period touches, in order
	Categories     []CategoryTotal // the categories of the period, most requested first
	Channels       []ChannelTotal  // every channel, in request.Channels order
	Comments       []Comment       // the latest rating comments of non-confidential requests

	// Deflected counts the questions the bible answered before anyone filed a request ("Ça m'a
	// aidé"), in the period and in the previous one. The bible owns them (article.Deflections)
	// and the web fills them in; nil means "not measured", never zero.
	Deflected, DeflectedPrior *int
	// DeflectedBy splits Deflected per channel (portal, slack, email); nil when not measured.
	DeflectedBy map[string]int
}

// Summary is the measures of a whole period.
type Summary struct {
	Figures
	OpenAtEnd    int
	Satisfaction Satisfaction
}

// Week is one ISO week of the period: its measures, and the same per category.
type Week struct {
	Start        civil.Date // the Monday
	Year, Number int        // ISO year and week number
	Figures
	Categories []CategoryFigures // the categories with a request received or resolved this week
}

// CategoryFigures are the measures of one category in one week.
type CategoryFigures struct {
	CategoryID int64  // 0: no category
	Category   string // "" for no category
	Figures
}

// CategoryTotal is how many requests of a category came in, now and in the previous period.
type CategoryTotal struct {
	CategoryID    int64
	Category      string
	Received      int
	PriorReceived int
	// SolvedByBible and PriorSolvedByBible are the part of Received and PriorReceived that the
	// bible solved (see Figures.SolvedByBible).
	SolvedByBible, PriorSolvedByBible int
	// Merged and PriorMerged are the part of Received and PriorReceived merged as duplicates
	// (see Figures.Merged).
	Merged, PriorMerged int
}

// ChannelTotal is how many requests came in through a channel, now and in the previous period.
type ChannelTotal struct {
	Channel       request.Channel
	Received      int
	PriorReceived int
}

// Comment is what a requester wrote with their rating.
type Comment struct {
	Number   int64
	Title    string
	Category string
	Rating   int // 1 or -1
	Text     string
	At       time.Time // when the request was resolved (received, if it is open again)
}

// Service computes reports.
type Service struct {
	db  *db.DB
	q   *db.Queries
	now func() time.Time
}

// New returns the report service reading d.
func New(d *db.DB) *Service {
	return &Service{db: d, q: db.MustLoadQueries("report", queriesFS, d.Dialect),
		now: func() time.Time { return time.Now().UTC() }}
}

// Queries exposes the package's statements to the start-up check.
func (s *Service) Queries() *db.Queries { return s.q }

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Now is the service's clock: what "this month" is measured from.
func (s *Service) Now() time.Time { return s.now() }

// row is what the measures read of one request.
type row struct {
	created                         time.Time
	firstResponse, resolved         *time.Time
	firstResponseDue, resolutionDue *time.Time
	categoryID                      int64
	category                        string
	channel                         request.Channel
	satisfaction                    int
	bible                           bool // withdrawn by its requester, solved by the bible
	merged                          bool // merged as a duplicate into another request (never with bible)
	number                          int64
	title, comment                  string // only for a rated request that is not confidential
}

// Report computes the report of period p, narrowed by f, with the previous period for
// comparison. p is expected valid (see NewPeriod and Preset).
func (s *Service) Report(ctx context.Context, p Period, f Filter) (*Report, error) {
	prev := p.Previous()
	rep := &Report{Period: p, Previous: prev, Filter: f, Now: s.now()}
	b := newBuilder(p, prev, rep.Now)
	if err := s.each(ctx, prev.Start(), p.End(), f, b.add); err != nil {
		return nil, err
	}
	// Open requests are counted once, at the start of the previous period; each request received
	// since opens one more and each resolution closes one, which the rows already hold.
	openBefore, err := s.openAt(ctx, prev.Start(), f)
	if err != nil {
		return nil, err
	}
	b.fill(rep, openBefore)
	return rep, nil
}

// each calls fn for every request received or resolved in [from, to) that f keeps.
func (s *Service) each(ctx context.Context, from, to time.Time, f Filter, fn func(row)) error {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("rows"), from, to, f.CategoryID, string(f.Channel))
	if err != nil {
		return fmt.Errorf("report: read requests: %w", err)
	}
	defer rows.Close()
	var first, resolved, firstDue, resolutionDue sql.NullTime
	for rows.Next() {
		var r row
		var bible, merged int
		if err := rows.Scan(&r.created, &first, &resolved, &firstDue, &resolutionDue, &r.categoryID, &r.category,
			&r.channel, &r.satisfaction, &bible, &merged, &r.number, &r.title, &r.comment); err != nil {
			return fmt.Errorf("report: read requests: %w", err)
		}
		// A withdrawn request is closed and a merge needs an unclosed duplicate, so a request is
		// never both; were it so, the bible's mark, the older, would count.
		r.bible, r.merged = bible == 1, merged == 1 && bible != 1
		r.firstResponse, r.resolved = timePtr(first), timePtr(resolved)
		r.firstResponseDue, r.resolutionDue = timePtr(firstDue), timePtr(resolutionDue)
		fn(r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: read requests: %w", err)
	}
	return nil
}

// openAt counts the requests open at instant t.
func (s *Service) openAt(ctx context.Context, t time.Time, f Filter) (int, error) {
	var n int
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("open-at"), t, f.CategoryID, string(f.Channel)).Scan(&n); err != nil {
		return 0, fmt.Errorf("report: open requests: %w", err)
	}
	return n, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}
