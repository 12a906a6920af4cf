package main

import (
	"context"
	"embed"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"majordome/internal/app"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/fold"
	"majordome/internal/importfile"
	"majordome/internal/request"
)

//go:embed queries.sql
var queriesFS embed.FS

// seedActor signs the generated history in the audit trail and the timelines, so nobody
// mistakes it for real work.
var seedActor = audit.Actor{Kind: "system", Name: "Chargement (bench/load)"}

// agentNames are the desk's agents: the Office Manager and the people who work the queue.
var agentNames = []string{"Camille Martin", "Lucie Bertrand", "Jérôme Durand", "Léa Simon", "Noémie Perrot", "Karim Haddad"}

// recentShare is the share of the newest requests filed through the desk itself (Create,
// Update, Reply, with the desk's clock set to when they happened): the ones the queue shows,
// with everything the desk's features attach to them (routing rules, SLA due times,
// notifications). The older history is written in bulk.
const recentShare = 0.01

// person is someone of the directory who may file a request.
type person struct {
	id          int64
	email, name string
}

// world is what the seeding made and what the load needs from it.
type world struct {
	people     []person           // the active people, requesters of the creates
	categories []request.Category // the desk's categories
	agents     []auth.User        // the agents; agents[0] is the one signed in to the queue
	// active counts what an agent's queue holds by category id (0: none), to choose queue
	// filters that fill a page.
	active map[int64]int
}

// seedTimes is how long each part of the seeding took.
type seedTimes struct {
	People  time.Duration `json:"people"`  // the directory's import and the agents
	History time.Duration `json:"history"` // the older requests, in bulk
	Index   time.Duration `json:"index"`   // their search index, part of the bulk transactions
	Recent  time.Duration `json:"recent"`  // the newest requests, through the desk
}

func (s seedTimes) total() time.Duration { return s.People + s.History + s.Index + s.Recent }

func (s seedTimes) String() string {
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	return fmt.Sprintf("%s (people %s; older requests %s in bulk + %s search index; newest through the desk %s)",
		s.total().Round(time.Second), ms(s.People), ms(s.History), ms(s.Index), ms(s.Recent))
}

// seed fills a's empty database with nPeople people and nRequests requests spread over three
// years, from a fixed random seed. People go through the directory's import and agents through
// auth. The older 99 % of the requests are written in bulk (see history.go) and the newest 1 %
// are filed and worked through the desk (see recent.go).
func seed(ctx context.Context, a *app.App, nPeople, nRequests int, times *seedTimes) (*world, error) {
	ctx = audit.WithActor(ctx, seedActor)
	r := rand.New(rand.NewPCG(2026, 11))
	w := &world{active: map[int64]int{}}

	start := time.Now()
	if err := seedPeople(ctx, a, r, nPeople); err != nil {
		return nil, err
	}
	for i, name := range agentNames {
		role := auth.Agent
		if i == 0 {
			role = auth.Admin
		}
		email := strings.ReplaceAll(fold.Key(name), " ", ".") + "@exemple.fr"
		u, err := a.Auth.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Role: role})
		if err != nil {
			return nil, fmt.Errorf("load: agent %s: %w", name, err)
		}
		w.agents = append(w.agents, u)
	}
	// The queue is read by an agent, who sees every request but the confidential ones of others.
	w.agents[0], w.agents[1] = w.agents[1], w.agents[0]
	q := db.MustLoadQueries("load", queriesFS, a.DB.Dialect)
	if err := w.load(ctx, a.DB, q); err != nil {
		return nil, err
	}
	times.People = time.Since(start)

	g := newGenerator(r, w, nRequests)
	recent := int(float64(nRequests) * recentShare)
	start = time.Now()
	if err := seedHistory(ctx, a, q, g, nRequests-recent, times); err != nil {
		return nil, err
	}
	times.History = time.Since(start) - times.Index
	start = time.Now()
	if err := seedRecent(ctx, a, g, nRequests-recent, nRequests); err != nil {
		return nil, err
	}
	times.Recent = time.Since(start)
	return w, w.countActive(ctx, a.DB, q)
}

// seedPeople imports n people in 12 teams and 3 sites under a management tree; one in thirty
// has left.
func seedPeople(ctx context.Context, a *app.App, r *rand.Rand, n int) error {
	clean := func(s string) string { return strings.NewReplacer(" ", "", "'", "").Replace(fold.Key(s)) }
	rows := make([]importfile.PersonRow, n)
	for i := range rows {
		first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		rows[i] = importfile.PersonRow{Line: i + 2, FirstName: first, LastName: last,
			Email: fmt.Sprintf("%s.%s.%d@exemple.fr", clean(first), clean(last), i+1),
			Team:  teams[i%len(teams)], Site: sites[r.IntN(len(sites))]}
		if i > 0 {
			rows[i].ManagerEmail = rows[(i-1)/8].Email
		}
		if i > 0 && r.IntN(30) == 0 {
			rows[i].Active = "non"
			rows[i].EndDate = "2025-06-30"
		}
	}
	res, err := a.People.Import(ctx, rows, true, nil)
	if err != nil {
		return fmt.Errorf("load: people: %w", err)
	}
	if !res.OK() {
		e := res.Errors[0]
		return fmt.Errorf("load: people: line %d refused: %s %s", e.Line, e.Field, e.Code)
	}
	return nil
}

// load reads back the active people and the categories.
func (w *world) load(ctx context.Context, d *db.DB, q *db.Queries) error {
	rows, err := d.R.QueryContext(ctx, q.Get("people"))
	if err != nil {
		return fmt.Errorf("load: people: %w", err)
	}
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.email, &p.name); err != nil {
			rows.Close()
			return err
		}
		w.people = append(w.people, p)
	}
	rows.Close()
	if len(w.people) == 0 {
		return fmt.Errorf("load: no active people")
	}
	rows, err = d.R.QueryContext(ctx, q.Get("categories"))
	if err != nil {
		return fmt.Errorf("load: categories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c request.Category
		if err := rows.Scan(&c.ID, &c.Name, &c.ConfidentialDefault); err != nil {
			return err
		}
		w.categories = append(w.categories, c)
	}
	return rows.Err()
}

// countActive counts what an agent's queue holds by category, as seeded.
func (w *world) countActive(ctx context.Context, d *db.DB, q *db.Queries) error {
	rows, err := d.R.QueryContext(ctx, q.Get("active-by-category"))
	if err != nil {
		return fmt.Errorf("load: count: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		w.active[id] = n
	}
	return rows.Err()
}

// category returns the desk's category named name, the zero Category for "".
func (w *world) category(name string) request.Category {
	for _, c := range w.categories {
		if c.Name == name {
			return c
		}
	}
	return request.Category{}
}

// queueFilters chooses up to four queue filters that each fill a page of 50 rows for an agent:
// the active requests of one category (the busiest first), or failing that all active
// requests, or all requests.
func (w *world) queueFilters() []string {
	type cand struct {
		id int64
		n  int
	}
	var cs []cand
	all := 0
	for id, n := range w.active {
		all += n
		if id != 0 {
			cs = append(cs, cand{id, n})
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].n > cs[j].n || (cs[i].n == cs[j].n && cs[i].id < cs[j].id) })
	var out []string
	for _, c := range cs {
		if c.n >= 50 && len(out) < 4 {
			out = append(out, fmt.Sprintf("status=active&category=%d", c.id))
		}
	}
	switch {
	case len(out) > 0:
		return out
	case all >= 50:
		return []string{"status=active"}
	}
	return []string{"status=all"}
}
