package report

import (
	"cmp"
	"slices"
	"time"

	"majordome/internal/civil"
	"majordome/internal/request"
)

// builder reads the rows of a report one by one and tallies them: the whole period, each week,
// each week's categories, the previous period, categories and channels.
type builder struct {
	p                     Period
	start, end, prevStart time.Time
	now                   time.Time
	weekIndex             map[civil.Date]int
	mondays               []civil.Date
	weeks                 []tally
	cells                 map[cellKey]*tally
	cur, old              tally
	names                 map[int64]string
	categories            map[int64]*CategoryTotal
	channels              map[request.Channel]*ChannelTotal
	comments              []Comment
}

type cellKey struct {
	week     int
	category int64
}

func newBuilder(p, prev Period, now time.Time) *builder {
	b := &builder{p: p, start: p.Start(), end: p.End(), prevStart: prev.Start(), now: now, mondays: p.Weeks(),
		weekIndex: map[civil.Date]int{}, cells: map[cellKey]*tally{}, names: map[int64]string{},
		categories: map[int64]*CategoryTotal{}, channels: map[request.Channel]*ChannelTotal{}}
	b.weeks = make([]tally, len(b.mondays))
	for i, m := range b.mondays {
		b.weekIndex[m] = i
	}
	return b
}

func (b *builder) cell(week int, category int64) *tally {
	k := cellKey{week, category}
	if b.cells[k] == nil {
		b.cells[k] = &tally{}
	}
	return b.cells[k]
}

func (b *builder) category(r row) *CategoryTotal {
	if b.categories[r.categoryID] == nil {
		b.categories[r.categoryID] = &CategoryTotal{CategoryID: r.categoryID, Category: r.category}
	}
	return b.categories[r.categoryID]
}

func (b *builder) channel(c request.Channel) *ChannelTotal {
	if b.channels[c] == nil {
		b.channels[c] = &ChannelTotal{Channel: c}
	}
	return b.channels[c]
}

// week is the index of the week of t, an instant within the period.
func (b *builder) week(t time.Time) int { return b.weekIndex[b.p.weekOf(t)] }

func within(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

// add tallies one request: where it was received, and where it was resolved.
func (b *builder) add(r row) {
	switch {
	case within(r.created, b.start, b.end):
		w := b.week(r.created)
		b.cur.receive(r, b.now)
		b.weeks[w].receive(r, b.now)
		b.cell(w, r.categoryID).receive(r, b.now)
		b.names[r.categoryID] = r.category
		b.category(r).Received++
		if r.bible {
			b.category(r).SolvedByBible++
		}
		if r.merged {
			b.category(r).Merged++
		}
		b.channel(r.channel).Received++
		if r.comment != "" {
			at := r.created
			if r.resolved != nil {
				at = *r.resolved
			}
			b.comments = append(b.comments, Comment{Number: r.number, Title: r.title, Category: r.category,
				Rating: r.satisfaction, Text: r.comment, At: at})
		}
	case within(r.created, b.prevStart, b.start):
		b.old.receive(r, b.now)
		b.category(r).PriorReceived++
		if r.bible {
			b.category(r).PriorSolvedByBible++
		}
		if r.merged {
			b.category(r).PriorMerged++
		}
		b.channel(r.channel).PriorReceived++
	}
	if r.resolved == nil {
		return
	}
	if r.bible || r.merged { // closed by its requester or as a duplicate: no longer open, but not the team's resolution
		switch {
		case within(*r.resolved, b.start, b.end):
			b.cur.apart++
		case within(*r.resolved, b.prevStart, b.start):
			b.old.apart++
		}
		return
	}
	switch {
	case within(*r.resolved, b.start, b.end):
		w := b.week(*r.resolved)
		b.cur.resolved++
		b.weeks[w].resolved++
		b.cell(w, r.categoryID).resolved++
		b.names[r.categoryID] = r.category
	case within(*r.resolved, b.prevStart, b.start):
		b.old.resolved++
	}
}

// fill writes the tallies into rep, in the orders people read them; openBefore is how many
// requests were open at the start of the previous period.
func (b *builder) fill(rep *Report, openBefore int) {
	rep.Current = Summary{Figures: b.cur.figures(), Satisfaction: b.cur.satisfaction}
	rep.Prior = Summary{Figures: b.old.figures(), Satisfaction: b.old.satisfaction}
	rep.Prior.OpenAtEnd = openBefore + b.old.received - b.old.resolved - b.old.apart
	rep.Current.OpenAtEnd = rep.Prior.OpenAtEnd + b.cur.received - b.cur.resolved - b.cur.apart

	// Categories: those of the period, most requested first, then by name.
	for _, t := range b.categories {
		if t.Received > 0 {
			rep.Categories = append(rep.Categories, *t)
		}
	}
	slices.SortFunc(rep.Categories, func(x, y CategoryTotal) int {
		return cmp.Or(cmp.Compare(y.Received, x.Received), byName(x.CategoryID, y.CategoryID, x.Category, y.Category))
	})
	rank := map[int64]int{}
	for i, c := range rep.Categories {
		rank[c.CategoryID] = i
	}
	order := func(x, y CategoryFigures) int {
		rx, okx := rank[x.CategoryID]
		ry, oky := rank[y.CategoryID]
		switch {
		case okx && oky:
			return cmp.Compare(rx, ry)
		case okx != oky: // categories only resolved in the period come after
			if okx {
				return -1
			}
			return 1
		}
		return byName(x.CategoryID, y.CategoryID, x.Category, y.Category)
	}
	byWeek := make([][]CategoryFigures, len(b.mondays))
	for k, t := range b.cells {
		byWeek[k.week] = append(byWeek[k.week], CategoryFigures{CategoryID: k.category, Category: b.names[k.category], Figures: t.figures()})
	}
	for i, m := range b.mondays {
		y, n := ISOWeek(m)
		slices.SortFunc(byWeek[i], order)
		rep.Weeks = append(rep.Weeks, Week{Start: m, Year: y, Number: n, Figures: b.weeks[i].figures(), Categories: byWeek[i]})
	}

	// Channels: the known ones in their usual order, then any other by name.
	for _, c := range request.Channels {
		rep.Channels = append(rep.Channels, *b.channel(c))
		delete(b.channels, c)
	}
	var others []ChannelTotal
	for _, c := range b.channels {
		others = append(others, *c)
	}
	slices.SortFunc(others, func(x, y ChannelTotal) int { return cmp.Compare(x.Channel, y.Channel) })
	rep.Channels = append(rep.Channels, others...)

	// The latest comments: people rate after the resolution, so the latest resolved first.
	slices.SortFunc(b.comments, func(x, y Comment) int {
		return cmp.Or(y.At.Compare(x.At), cmp.Compare(y.Number, x.Number))
	})
	rep.Comments = b.comments[:min(len(b.comments), commentsShown)]
}

// byName orders categories by name, requests without a category last.
func byName(xID, yID int64, x, y string) int {
	if (xID == 0) != (yID == 0) {
		if xID == 0 {
			return 1
		}
		return -1
	}
	return cmp.Or(cmp.Compare(x, y), cmp.Compare(xID, yID))
}
