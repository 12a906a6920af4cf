package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"majordome/internal/app"
	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/search"
)

// The older history is written in bulk: filing 200 000 requests one by one through the desk
// takes longer than the benchmark itself (about a millisecond each, growing with the database).
// Each request is written as the desk's Create, Update and Reply would have left it: the row in
// its final state, its tags, its conversation, its timeline ("created", then the agent's
// assignment and status change), an audit entry per create, change and message through
// audit.Log.Record, and its search entry through search.Index.PutAll, in the same transaction
// as the rows, thousands to a transaction. The request counter ends past the last number.
//
// Not written for these older requests: what the desk's newer features derive when a request
// is filed or changed (SLA due times, routing rules, notifications). The queue's first pages
// show the newest requests, which go through the desk itself (recent.go).

// historyBatch is how many requests one transaction writes.
const historyBatch = 5000

// writer writes generated requests with the prepared statements of one transaction. It keeps
// the first error and skips everything after it, so that writing a request reads as a story
// rather than a ladder of ifs; the transaction then rolls back.
type writer struct {
	ctx   context.Context
	audit *audit.Log
	tx    *sql.Tx
	st    map[string]*sql.Stmt
	docs  []search.Document // the batch's requests, indexed before it commits
	err   error
}

// seedHistory writes the n oldest requests in bulk.
func seedHistory(ctx context.Context, a *app.App, q *db.Queries, g *generator, n int, times *seedTimes) error {
	var base int64
	if err := a.DB.R.QueryRowContext(ctx, q.Get("counter")).Scan(&base); err != nil {
		return fmt.Errorf("load: counter: %w", err)
	}
	if a.DB.Dialect == db.SQLite {
		// A transaction of thousands of requests dirties more pages than SQLite's default cache
		// of 2 MiB holds, and its statement journals outgrow memory: both would spill to files
		// mid-transaction, writing everything twice. The write connection gets a larger cache
		// and in-memory temporary files while seeding, and its defaults back before anything is
		// measured.
		for _, p := range []string{"cache_size = -262144", "temp_store = MEMORY"} {
			if _, err := a.DB.W.ExecContext(ctx, "PRAGMA "+p); err != nil {
				return fmt.Errorf("load: pragma %s: %w", p, err)
			}
		}
		defer a.DB.W.ExecContext(ctx, "PRAGMA cache_size = -2000")
		defer a.DB.W.ExecContext(ctx, "PRAGMA temp_store = DEFAULT")
	}
	for from := 0; from < n; from += historyBatch {
		err := a.DB.Tx(ctx, func(tx *sql.Tx) error {
			wr := &writer{ctx: ctx, audit: a.Audit, tx: tx, st: map[string]*sql.Stmt{}}
			for _, name := range []string{"request-insert", "tag-insert", "message-insert", "event-insert"} {
				st, err := tx.PrepareContext(ctx, q.Get(name))
				if err != nil {
					return fmt.Errorf("load: prepare %s: %w", name, err)
				}
				defer st.Close()
				wr.st[name] = st
			}
			for i := from; i < min(from+historyBatch, n); i++ {
				wr.write(base+int64(i)+1, g.draw(i))
			}
			if wr.err != nil {
				return wr.err
			}
			start := time.Now()
			defer func() { times.Index += time.Since(start) }()
			if err := a.Search.PutAll(ctx, tx, wr.docs); err != nil {
				return fmt.Errorf("load: index: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if _, err := a.DB.W.ExecContext(ctx, q.Get("counter-set"), base+int64(n)); err != nil {
		return fmt.Errorf("load: counter: %w", err)
	}
	return nil
}

// write stores request number as d says.
func (wr *writer) write(number int64, d draft) {
	var catID, assigneeID *int64
	if d.category.ID != 0 {
		catID = &d.category.ID
	}
	if d.agent != nil {
		assigneeID = &d.agent.ID
	}
	var id int64
	if wr.err != nil {
		return
	}
	if err := wr.st["request-insert"].QueryRowContext(wr.ctx, number, d.title, d.desc, d.by.id, catID, d.priority,
		d.status, assigneeID, d.channel, d.confidential, d.firstResponse(), d.resolved, d.closed, d.created,
		d.updated).Scan(&id); err != nil {
		wr.err = fmt.Errorf("load: request #%d: %w", number, err)
		return
	}
	ref := fmt.Sprintf("#%d", number)
	for _, tag := range d.tags {
		wr.exec("tag-insert", id, tag)
	}
	wr.exec("event-insert", id, nil, seedActor.Name, "created", "", string(d.channel), d.created)
	wr.record(seedActor, audit.Change{Action: "request.create", EntityType: "request", EntityID: id, EntityName: ref,
		After: map[string]any{"title": d.title, "category": d.category.Name, "priority": d.priority,
			"confidential": d.confidential, "channel": d.channel}})
	wr.docs = append(wr.docs, document(id, number, d))
	if d.agent == nil {
		return
	}
	agent := audit.Actor{Kind: "user", ID: d.agent.ID, Name: d.agent.Name}
	for _, m := range d.msgs {
		var mid int64
		var err error
		if m.byAgent {
			err = wr.st["message-insert"].QueryRowContext(wr.ctx, id, nil, d.agent.ID, d.agent.Name, m.body, m.internal,
				"web", m.at).Scan(&mid)
		} else {
			err = wr.st["message-insert"].QueryRowContext(wr.ctx, id, d.by.id, nil, d.by.name, m.body, false,
				string(d.channel), m.at).Scan(&mid)
		}
		if err != nil {
			wr.err = fmt.Errorf("load: message of %s: %w", ref, err)
			return
		}
		action, by := "request.reply", agent
		if m.internal {
			action = "request.note"
		}
		if !m.byAgent { // the requester's answer, by mail or Slack: signed as the "created" entry
			by = seedActor
		}
		wr.record(by, audit.Change{Action: action, EntityType: "request", EntityID: id, EntityName: ref,
			After: map[string]any{"message_id": mid}})
	}
	// One agent's edit: the assignee and the status, as Update records them.
	before, after := map[string]string{"assignee": ""}, map[string]string{"assignee": d.agent.Name}
	wr.exec("event-insert", id, d.agent.ID, d.agent.Name, "assignee", "", d.agent.Name, d.assignedAt)
	if d.status != request.StatusNew {
		wr.exec("event-insert", id, d.agent.ID, d.agent.Name, "status", string(request.StatusNew), string(d.status), d.updated)
		before["status"], after["status"] = string(request.StatusNew), string(d.status)
	}
	wr.record(agent, audit.Change{Action: "request.update", EntityType: "request", EntityID: id, EntityName: ref,
		Before: before, After: after})
}

func (wr *writer) exec(name string, args ...any) {
	if wr.err != nil {
		return
	}
	if _, err := wr.st[name].ExecContext(wr.ctx, args...); err != nil {
		wr.err = fmt.Errorf("load: %s: %w", name, err)
	}
}

func (wr *writer) record(a audit.Actor, c audit.Change) {
	if wr.err != nil {
		return
	}
	if err := wr.audit.Record(audit.WithActor(wr.ctx, a), wr.tx, c); err != nil {
		wr.err = err
	}
}

// document is what the desk puts in the search index for request number (request.Desk's
// index): its reference, title and tags (sorted, as read back); its description and public
// replies; and who may find it, the rule of request.Viewer.CanSee as tokens.
// TestSeedKeepsWhatTheDeskMaintains holds it to what Desk.Reindex writes.
func document(id, number int64, d draft) search.Document {
	body := d.desc
	for _, m := range d.msgs {
		if !m.internal {
			body += "\n" + m.body
		}
	}
	audience := []string{"admins", fmt.Sprintf("person:%d", d.by.id)}
	switch {
	case !d.confidential:
		audience = append(audience, "agents")
	case d.agent != nil:
		audience = append(audience, fmt.Sprintf("user:%d", d.agent.ID))
	}
	tags := slices.Sorted(slices.Values(d.tags))
	return search.Document{Kind: "request", ID: id, Title: fmt.Sprintf("#%d %s %s", number, d.title, strings.Join(tags, " ")),
		Body: body, Audience: audience}
}
