package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/search"
)

// Services are the parts of Majordome the demo writes through. The demo makes its own desk
// and bible on the same database, with a clock it moves through the weeks of its history and
// without notifications: nobody at sentier.co is sent an email or a Slack message.
type Services struct {
	DB     *db.DB
	Audit  *audit.Log
	People *people.Directory
	Auth   *auth.Service
	Search *search.Index // nil: the history's requests and guides are not searchable
}

// historian is the desk and the bible the history is written through.
type historian struct {
	desk  *request.Desk
	bible *article.Service
}

// writeHistory writes the demo's history up to now, for the company just imported.
func writeHistory(ctx context.Context, s Services, now time.Time, loc *time.Location) error {
	hi := &history{rng: rand.New(rand.NewPCG(seed, seed)), end: now.UTC(), loc: loc,
		byEmail: map[string]people.Person{}}
	clock := func() time.Time { return hi.now }
	hi.h = &historian{desk: request.New(s.DB, s.Audit), bible: article.New(s.DB, s.Audit)}
	if s.Search != nil {
		hi.h.desk.WithSearch(s.Search)
		hi.h.bible.WithSearch(s.Search)
	}
	hi.h.desk.SetClock(clock)
	hi.h.bible.SetClock(clock)

	page, err := s.People.List(ctx, people.ListParams{Limit: 500})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	hi.persons = page.Items
	for _, p := range hi.persons {
		hi.byEmail[p.Email] = p
	}
	accounts := []struct {
		first, last string
		role        auth.Role
		to          *staff
	}{
		{"Jérôme", "Durand", auth.Agent, &hi.jerome},
		{"Léa", "Simon", auth.Agent, &hi.lea},
		{"Lucie", "Bertrand", auth.Agent, &hi.lucie},
		{"Zoé", "Thomas", auth.Employee, nil},
	}
	for _, a := range accounts {
		p := hi.byEmail[email(a.first, a.last)]
		u, err := s.Auth.CreateUser(ctx, auth.NewUser{Email: p.Email, Name: p.FullName(), Role: a.role, Language: "fr"})
		if err != nil {
			return fmt.Errorf("demo: account of %s: %w", p.FullName(), err)
		}
		if a.to != nil {
			*a.to = staff{Viewer: request.Viewer{UserID: u.ID, PersonID: p.ID, Name: p.FullName(), Role: a.role}, email: p.Email}
		}
	}

	// The bible's guides were written three weeks before the history starts.
	today := civil.Of(now.In(loc))
	hi.now = monday(today).AddDate(0, 0, -7*(historyWeeks+2)).Add(10 * time.Hour)
	j := hi.jerome
	writer := article.Viewer{UserID: j.UserID, PersonID: j.PersonID, Name: j.Name, Email: j.email, Role: auth.Agent}
	for _, g := range guides(today) {
		if _, err := hi.h.bible.Create(as(ctx, j.Name), writer, g); err != nil {
			return fmt.Errorf("demo: guide %s: %w", g.Slug, err)
		}
	}
	hi.plan(today)
	return hi.run(ctx)
}
