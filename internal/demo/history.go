package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/calendar"
	"majordome/internal/civil"
	"majordome/internal/people"
	"majordome/internal/request"
)

// The demo's history: nine weeks of the desk's life before today, so that the queue, the
// portal and the reports show a team at work. It is written through the desk and the bible as
// the web, Slack and email adapters would (Create, Reply, Update, Rate, Withdraw with the
// bible's DeflectTx, Merge), each step at its instant on the demo's clock, in the order of
// those instants. A fixed seed makes it the same on every run for the same today.
//
// Who does the work: Jérôme (IT, Paris), Léa (the rest in Paris and Strasbourg) and Lucie (all
// of Lyon) are agents. Camille keeps the first admin account that serve prints a link for; Zoé
// has an employee account, and follows the Wi-Fi outage of Lyon her request was merged into.

// historyWeeks is how many weeks the history covers, the current one included: enough for
// « Le mois dernier » and the 30 days before « 30 derniers jours ».
const historyWeeks = 9

// seed makes the history the same on every run.
const seed = 5

// Shares of the history's requests, chosen so that about one in ten is solved by the bible.
const (
	bibleShare   = 0.10 // of all requests: the next one with a guide, filed in Slack or by email, is withdrawn
	ratedShare   = 0.45 // of the requests resolved, rated by their requester
	unhappy      = 0.12 // of the ratings, a thumbs down
	waitingShare = 0.08 // of the requests answered, waiting on a supplier before their resolution
	deflectWeek  = 3    // portal questions the bible answers per week, with no request filed
)

// confidentialCategory is the default category whose requests are confidential.
const confidentialCategory = "RH & paie"

// step is one thing that happens in the history, at its instant.
type step struct {
	at time.Time
	do func(ctx context.Context) error
}

// filed is a request of the history, once created.
type filed struct {
	number    int64
	id        int64
	requester people.Person
	topic     topic
	channel   request.Channel
}

// staff is an agent's account, as the desk and the bible see it.
type staff struct {
	request.Viewer
	email string
}

type history struct {
	h                  *historian
	rng                *rand.Rand
	steps              []step
	now                time.Time // the demo's clock: the instant of the step running
	end                time.Time // the real now: nothing happens after it
	loc                *time.Location
	persons            []people.Person
	byEmail            map[string]people.Person
	jerome, lea, lucie staff
	bibleDue           float64  // requests owed to the bible (see bibleShare)
	waiting            []*filed // the backlog: requests left for the team when the demo opens
}

// at plans fn at t, unless t is still to come.
func (hi *history) at(t time.Time, fn func(ctx context.Context) error) bool {
	if t.After(hi.end) {
		return false
	}
	hi.steps = append(hi.steps, step{at: t, do: fn})
	return true
}

// run plays the steps in the order of their instants (steps at the same instant in the order
// they were planned), moving the clock to each.
func (hi *history) run(ctx context.Context) error {
	slices.SortStableFunc(hi.steps, func(a, b step) int { return a.at.Compare(b.at) })
	for _, s := range hi.steps {
		hi.now = s.at.UTC()
		if err := s.do(ctx); err != nil {
			return err
		}
	}
	return nil
}

// between is a duration drawn between lo and hi.
func (hi *history) between(lo, up time.Duration) time.Duration {
	return lo + time.Duration(hi.rng.Int64N(int64(up-lo)+1)).Truncate(time.Minute)
}

// chance is true with probability p.
func (hi *history) chance(p float64) bool { return hi.rng.Float64() < p }

func pick[T any](hi *history, xs []T) T { return xs[hi.rng.IntN(len(xs))] }

// working moves t to the next working instant of the team: 9:00–18:30 on a working day.
func (hi *history) working(t time.Time) time.Time {
	t = t.In(hi.loc)
	for {
		d := civil.Of(t)
		open := time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, hi.loc)
		closing := time.Date(t.Year(), t.Month(), t.Day(), 18, 30, 0, 0, hi.loc)
		if workingDay(d) {
			if t.Before(open) {
				return open.Add(time.Duration(hi.rng.IntN(25)) * time.Minute)
			}
			if t.Before(closing) {
				return t
			}
		}
		t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, hi.loc)
	}
}

func workingDay(d civil.Date) bool {
	wd := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
	if wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, holiday := calendar.IsHoliday(calendar.Region("FR"), d)
	return !holiday
}

// actor signs a step: the person who takes it, marked as the demo's.
func as(ctx context.Context, name string) context.Context {
	return audit.WithActor(ctx, audit.Actor{Kind: "system", Name: name + " (démo)"})
}

func requester(p people.Person) request.Viewer {
	return request.Viewer{PersonID: p.ID, Name: p.FullName(), Role: auth.Employee}
}

// agentFor is who handles t for p: Lucie in Lyon, Jérôme the IT elsewhere, Léa the rest.
func (hi *history) agentFor(p people.Person, t topic) staff {
	switch {
	case p.Site == lyon:
		return hi.lucie
	case t.category == "IT & Wi-Fi":
		return hi.jerome
	default:
		return hi.lea
	}
}

// askers are the people who may file a request on day d: active, already arrived, and not
// the desk itself.
func (hi *history) askers(d civil.Date) []people.Person {
	var out []people.Person
	for _, p := range hi.persons {
		if !p.Active || d.Before(p.StartDate) || p.Team == "Ops & Office" {
			continue
		}
		out = append(out, p)
	}
	return out
}

// channel is how an employee of Sentier & Co files: the portal mostly, Slack often, email less.
func (hi *history) channel() request.Channel {
	switch x := hi.rng.Float64(); {
	case x < 0.45:
		return request.Web
	case x < 0.80:
		return request.Slack
	default:
		return request.Email
	}
}

// plan draws the history's requests, day by day, and the portal's questions the bible answered.
func (hi *history) plan(today civil.Date) {
	first := monday(today).AddDate(0, 0, -7*(historyWeeks-1))
	for d := first; !today.Before(civil.Of(d)); d = d.AddDate(0, 0, 1) {
		day := civil.Of(d)
		if !workingDay(day) {
			continue
		}
		who := hi.askers(day)
		n := 1 + hi.rng.IntN(4) // 1 to 4 a day: about 12 a week for 60 people
		for range n {
			at := time.Date(d.Year(), d.Month(), d.Day(), 8, 30, 0, 0, hi.loc).Add(hi.between(0, 9*time.Hour+30*time.Minute))
			hi.request(at, pick(hi, who), pick(hi, topics), hi.channel())
		}
		if hi.rng.IntN(5) < deflectWeek {
			at := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, hi.loc).Add(hi.between(0, 9*time.Hour))
			hi.portalQuestion(at, pick(hi, who), pick(hi, questions))
		}
	}
	hi.wifiOutage(today)
	hi.twice(today)
	hi.backlog()
}

// request plans one request and what becomes of it.
func (hi *history) request(at time.Time, p people.Person, t topic, ch request.Channel) {
	f := &filed{requester: p, topic: t, channel: ch}
	if !hi.create(at, f) {
		return
	}
	// A steady share rather than a draw per request: a month of the demo then shows about one
	// request in ten solved by the bible whatever the day it starts on.
	hi.bibleDue += bibleShare
	if t.guide != "" && ch != request.Web && hi.bibleDue >= 1 {
		hi.bibleDue--
		hi.withdraw(at.Add(hi.between(3*time.Minute, 25*time.Minute)), f)
		return
	}
	hi.work(at, f)
}

// work plans the team's answer, resolution and the requester's rating of f, filed at at. What
// would happen after now does not: recent requests stay new, or open.
func (hi *history) work(at time.Time, f *filed) {
	agent := hi.agentFor(f.requester, f.topic)
	answered := hi.working(at.Add(hi.between(8*time.Minute, 3*time.Hour)))
	ok := hi.at(answered, func(ctx context.Context) error {
		ctx = as(ctx, agent.Name)
		open, self := request.StatusOpen, agent.UserID
		if _, err := hi.h.desk.Update(ctx, agent.Viewer, f.number, request.Change{Status: &open, AssigneeID: &self}); err != nil {
			return fmt.Errorf("demo: assign #%d: %w", f.number, err)
		}
		_, err := hi.h.desk.Reply(ctx, agent.Viewer, f.number, pick(hi, answers), false, request.Web)
		return err
	})
	if !ok {
		return
	}
	done := answered.Add(hi.between(20*time.Minute, 30*time.Hour))
	if hi.chance(waitingShare) {
		waiting := request.StatusWaitingThirdParty
		hi.at(answered.Add(5*time.Minute), func(ctx context.Context) error {
			_, err := hi.h.desk.Update(as(ctx, agent.Name), agent.Viewer, f.number, request.Change{Status: &waiting})
			return err
		})
		done = done.Add(hi.between(24*time.Hour, 96*time.Hour))
	}
	done = hi.working(done)
	closing := pick(hi, closings)
	if !hi.at(done, func(ctx context.Context) error {
		ctx = as(ctx, agent.Name)
		if _, err := hi.h.desk.Reply(ctx, agent.Viewer, f.number, closing, false, request.Web); err != nil {
			return err
		}
		resolved := request.StatusResolved
		_, err := hi.h.desk.Update(ctx, agent.Viewer, f.number, request.Change{Status: &resolved})
		return err
	}) {
		return
	}
	if !hi.chance(ratedShare) {
		return
	}
	score, comment := 1, pick(hi, praise)
	if hi.chance(unhappy) {
		score, comment = -1, pick(hi, grumbles)
	}
	hi.at(done.Add(hi.between(10*time.Minute, 20*time.Hour)), func(ctx context.Context) error {
		return hi.h.desk.Rate(as(ctx, f.requester.FullName()), requester(f.requester), f.number, score, comment)
	})
}

// create plans the filing of f at at; false when at is still to come.
func (hi *history) create(at time.Time, f *filed) bool {
	return hi.at(at, func(ctx context.Context) error {
		in := request.NewRequest{Title: f.topic.title, Description: f.topic.description,
			RequesterEmail: f.requester.Email, Category: f.topic.category, Channel: f.channel}
		if f.topic.category == confidentialCategory {
			// Only its assignee may read a confidential request: pay questions go straight to
			// the agent of the requester's site, as the Office Manager set it up.
			in.AssigneeID = hi.agentFor(f.requester, f.topic).UserID
		}
		r, err := hi.h.desk.Create(as(ctx, f.requester.FullName()), in)
		if err != nil {
			return fmt.Errorf("demo: request %q: %w", f.topic.title, err)
		}
		f.number, f.id = r.Number, r.ID
		return nil
	})
}

// monday is the Monday of d's week, at midnight UTC (a calendar day, not an instant).
func monday(d civil.Date) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
}
