package main

import (
	"math/rand/v2"
	"strings"
	"time"

	"majordome/internal/auth"
	"majordome/internal/request"
)

// draft is one generated request and what happened to it: drawn once, then written in bulk
// (history.go) or filed and worked through the desk (recent.go).
type draft struct {
	age          float64 // 1 for the oldest, 0 for the newest
	created      time.Time
	by           person
	category     request.Category
	title, desc  string
	priority     request.Priority
	channel      request.Channel
	confidential bool
	explicit     bool // confidential was said when filing, rather than the category's default
	tags         []string
	status       request.Status
	agent        *auth.User // who took it, nil for nobody yet
	assignedAt   time.Time
	msgs         []message
	resolved     *time.Time
	closed       *time.Time
	updated      time.Time
}

// message is one entry of a generated conversation.
type message struct {
	byAgent, internal bool
	body              string
	at                time.Time
}

// generator draws the requests of a company, oldest first.
type generator struct {
	r          *rand.Rand
	w          *world
	n          int
	vocab      []string
	zipf       *rand.Zipf
	order      []int // the people in the order of how many requests they file
	requesters *rand.Zipf
	weights    []int // of the topics
	now        time.Time
	span       time.Duration
}

func newGenerator(r *rand.Rand, w *world, n int) *generator {
	g := &generator{r: r, w: w, n: n, vocab: vocabulary(r), now: time.Now().UTC().Truncate(time.Second),
		span: 3 * 365 * 24 * time.Hour}
	g.zipf = rand.NewZipf(r, 1.07, 20, uint64(len(g.vocab)-1))
	// Some people file many requests, most a few: requesters follow Zipf's law too, over the
	// people in a shuffled order.
	g.order = r.Perm(len(w.people))
	g.requesters = rand.NewZipf(r, 1.2, 30, uint64(len(w.people)-1))
	for _, t := range topics {
		g.weights = append(g.weights, t.weight)
	}
	return g
}

// pick returns an index of weights chosen in proportion to them.
func pick(r *rand.Rand, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// text draws n words of a description.
func text(r *rand.Rand, t topic, vocab []string, zipf *rand.Zipf, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch k := r.IntN(10); {
		case k < 4:
			b.WriteString(stopWords[r.IntN(len(stopWords))])
		case k < 7:
			b.WriteString(t.words[r.IntN(len(t.words))])
		default:
			b.WriteString(vocab[zipf.Uint64()])
		}
	}
	return b.String()
}

// status draws where a request stands: most of the newest (those filed through the desk) are
// still being worked on, and one older one in a thousand was forgotten along the way.
func status(r *rand.Rand, age float64) request.Status {
	if age < recentShare {
		return []request.Status{request.StatusNew, request.StatusOpen, request.StatusWaitingRequester,
			request.StatusWaitingThirdParty, request.StatusResolved}[pick(r, 30, 35, 15, 10, 10)]
	}
	if r.IntN(1000) == 0 {
		return []request.Status{request.StatusOpen, request.StatusWaitingThirdParty}[r.IntN(2)]
	}
	if r.IntN(10) == 0 {
		return request.StatusResolved
	}
	return request.StatusClosed
}

// draw generates request i of n, oldest first.
func (g *generator) draw(i int) draft {
	r, w := g.r, g.w
	t := topics[pick(r, g.weights...)]
	d := draft{age: 1 - float64(i)/float64(g.n),
		created: g.now.Add(-g.span + time.Duration(float64(g.span)*float64(i)/float64(g.n))),
		by:      w.people[g.order[g.requesters.Uint64()]], category: w.category(t.category)}
	d.title = t.subjects[r.IntN(len(t.subjects))] + " " + t.problems[r.IntN(len(t.problems))]
	if r.IntN(4) == 0 {
		d.title += " (" + commonWords[r.IntN(len(commonWords))] + ")"
	}
	d.desc = strings.TrimSpace(greetings[r.IntN(len(greetings))] + "\n\n" + text(r, t, g.vocab, g.zipf, 15+r.IntN(66)) +
		".\n\n" + closings[r.IntN(len(closings))])
	d.priority = request.Priorities[pick(r, 4, 16, 65, 15)]
	d.channel = request.Channels[pick(r, 45, 5, 25, 25)]
	d.explicit = r.IntN(50) == 0
	d.confidential = d.category.ConfidentialDefault || d.explicit
	for k := pick(r, 60, 30, 10); k > 0 && len(t.tags) > 0; k-- {
		if tag := t.tags[r.IntN(len(t.tags))]; len(d.tags) == 0 || d.tags[0] != tag {
			d.tags = append(d.tags, tag)
		}
	}
	d.status = status(r, d.age)
	if d.status != request.StatusNew || r.IntN(4) == 0 {
		d.agent = &w.agents[pick(r, 30, 25, 20, 15, 7, 3)]
	}
	// Each step comes minutes to hours after the one before, never after now.
	at := d.created
	later := func() time.Time {
		at = at.Add(time.Duration(5+r.IntN(600)) * time.Minute)
		if at.After(g.now) {
			at = g.now
		}
		return at
	}
	if d.agent != nil {
		d.assignedAt = later()
	}
	if d.agent != nil && d.status != request.StatusNew && r.IntN(10) < 6 {
		d.msgs = append(d.msgs, message{byAgent: true, body: replies[r.IntN(len(replies))], at: later()})
		if r.IntN(10) < 3 {
			d.msgs = append(d.msgs, message{body: "Merci, " + text(r, t, g.vocab, g.zipf, 5+r.IntN(20)) + ".", at: later()})
		}
		if r.IntN(20) == 0 {
			d.msgs = append(d.msgs, message{byAgent: true, internal: true, body: "Note : " + text(r, t, g.vocab, g.zipf, 8), at: later()})
		}
	}
	if d.status.IsDone() {
		t := later()
		d.resolved = &t
		if d.status == request.StatusClosed {
			c := t.Add(72 * time.Hour)
			if c.After(g.now) {
				c = g.now
			}
			d.closed = &c
		}
	}
	d.updated = at
	if d.closed != nil {
		d.updated = *d.closed
	}
	return d
}

// firstResponse is when an agent first answered in public, nil before.
func (d draft) firstResponse() *time.Time {
	for _, m := range d.msgs {
		if m.byAgent && !m.internal {
			return &m.at
		}
	}
	return nil
}
