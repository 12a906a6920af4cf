// Package audit owns the audit trail: who changed what, when, with the state before and after.
// Domain packages record an entry inside the same transaction as the change, so a change is
// never stored without its trace, nor a trace without its change.
package audit

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"time"

	"majordome/internal/db"
)

//go:embed queries*.sql
var queriesFS embed.FS

// Actor is who makes a change: a signed-in user, an API token, the command line or Majordome
// itself. It travels in the request context.
type Actor struct {
	Kind      string // "user", "token", "cli", "system"
	ID        int64
	Name      string
	RequestID string
	IP        string
}

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx, or the system actor when none was set.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Kind: "system", Name: "Majordome"}
}

// Change describes one audited change.
type Change struct {
	Action     string // "person.create", "user.role", "token.revoke", …
	EntityType string // "person", "user", "token", "setting", …
	EntityID   int64
	EntityName string
	Before     any // nil for a creation
	After      any // nil for a deletion
}

// Entry is a stored audit record.
type Entry struct {
	ID         int64
	At         time.Time
	ActorKind  string
	ActorID    int64
	ActorName  string
	Action     string
	EntityType string
	EntityID   int64
	EntityName string
	Before     string // JSON, "" when none
	After      string
	RequestID  string
	IP         string
}

// Log reads and writes the audit trail.
type Log struct {
	db *db.DB
	q  *db.Queries
}

// New returns the audit log stored in d.
func New(d *db.DB) *Log {
	return &Log{db: d, q: db.MustLoadQueries("audit", queriesFS, d.Dialect)}
}

// Queries exposes the package's statements to the start-up check.
func (l *Log) Queries() *db.Queries { return l.q }

// Record writes c, made by the actor of ctx, inside tx.
func (l *Log) Record(ctx context.Context, tx *sql.Tx, c Change) error {
	a := ActorFrom(ctx)
	before, err := toJSON(c.Before)
	if err != nil {
		return err
	}
	after, err := toJSON(c.After)
	if err != nil {
		return err
	}
	var actorID *int64
	if a.ID != 0 {
		actorID = &a.ID
	}
	var entityID *int64
	if c.EntityID != 0 {
		entityID = &c.EntityID
	}
	_, err = tx.ExecContext(ctx, l.q.Get("insert"), time.Now().UTC(), a.Kind, actorID, a.Name,
		c.Action, c.EntityType, entityID, c.EntityName, before, after, a.RequestID, a.IP)
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", c.Action, err)
	}
	return nil
}

func toJSON(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: encode: %w", err)
	}
	s := string(b)
	return &s, nil
}

// Filter narrows a listing of the trail. Zero fields do not filter.
type Filter struct {
	EntityType string
	EntityID   int64
	Action     string // exact action, or a prefix ending in "." such as "person."
	Actor      string // part of the actor's name
	From, To   time.Time
	BeforeID   int64 // cursor: entries older than this id
	Limit      int
}

// List returns entries matching f, newest first, and the cursor of the next page (0 at the end).
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, int64, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	action, prefix := f.Action, ""
	if len(action) > 0 && action[len(action)-1] == '.' {
		action, prefix = "", f.Action+"%"
	}
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		to = &f.To
	}
	actor := ""
	if f.Actor != "" {
		actor = "%" + f.Actor + "%"
	}
	rows, err := l.db.R.QueryContext(ctx, l.q.Get("list"), f.EntityType, f.EntityID, action, prefix,
		actor, from, to, f.BeforeID, f.Limit+1)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var actorID, entityID sql.NullInt64
		var before, after sql.NullString
		if err := rows.Scan(&e.ID, &e.At, &e.ActorKind, &actorID, &e.ActorName, &e.Action, &e.EntityType,
			&entityID, &e.EntityName, &before, &after, &e.RequestID, &e.IP); err != nil {
			return nil, 0, fmt.Errorf("audit: list: %w", err)
		}
		e.ActorID, e.EntityID, e.Before, e.After = actorID.Int64, entityID.Int64, before.String, after.String
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	var next int64
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}
