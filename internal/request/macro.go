package request

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/fold"
	"majordome/internal/valid"
)

// Macro is a canned reply of the desk, with placeholders that Expand fills for a request:
// {{prenom}}, {{nom}}, {{numero}}, {{titre}}, {{agent}}. A shared macro serves every agent;
// the others only the agent who wrote them.
//
// Macros are kept small and behind these few methods (Macros, Macro, SaveMacro, DeleteMacro,
// Expand) so that they can later become articles of the bible without their callers changing.
type Macro struct {
	ID        int64
	Name      string
	Body      string
	Shared    bool
	OwnerID   int64 // the agent's account, 0 when shared
	Position  int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MacroInput is what a macro is saved from.
type MacroInput struct {
	Name   string
	Body   string
	Shared bool
}

// Limits of a macro.
const maxMacroName = 80

// ErrMacroNotFound is a macro that does not exist or is another agent's own.
var ErrMacroNotFound = errors.New("request: macro not found")

// Placeholders lists the placeholders Expand knows, as written in a macro.
var Placeholders = []string{"prenom", "nom", "numero", "titre", "agent"}

// placeholder finds "{{prenom}}", "{{ Prénom }}"…
var placeholder = regexp.MustCompile(`\{\{\s*([^{}\s][^{}]*?)\s*\}\}`)

// Macros lists the macros v may use: the shared ones and v's own, in their order. The desk's
// canned replies are for agents only.
func (k *Desk) Macros(ctx context.Context, v Viewer) ([]Macro, error) {
	if !v.IsAgent() {
		return nil, ErrForbidden
	}
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("macros"), v.UserID)
	if err != nil {
		return nil, fmt.Errorf("request: macros: %w", err)
	}
	defer rows.Close()
	var out []Macro
	for rows.Next() {
		m, err := scanMacro(rows)
		if err != nil {
			return nil, fmt.Errorf("request: macros: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Macro returns macro id, when v may use it.
func (k *Desk) Macro(ctx context.Context, v Viewer, id int64) (Macro, error) {
	return k.macro(ctx, k.db.R, v, id)
}

func (k *Desk) macro(ctx context.Context, q queryer, v Viewer, id int64) (Macro, error) {
	if !v.IsAgent() {
		return Macro{}, ErrForbidden
	}
	m, err := scanMacro(q.QueryRowContext(ctx, k.q.Get("macro-get"), id))
	if isNoRows(err) || (err == nil && !m.Shared && m.OwnerID != v.UserID) {
		return Macro{}, ErrMacroNotFound
	}
	if err != nil {
		return Macro{}, fmt.Errorf("request: macro %d: %w", id, err)
	}
	return m, nil
}

// SaveMacro creates a macro (id 0), placed last, or changes macro id. Any agent may write a
// shared macro or one of their own; a macro made personal becomes the saver's. Unknown
// placeholders are allowed (Expand leaves them and says so), a missing name or text is not.
func (k *Desk) SaveMacro(ctx context.Context, v Viewer, id int64, in MacroInput) (Macro, error) {
	if !v.IsAgent() || v.UserID == 0 {
		return Macro{}, ErrForbidden
	}
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	var errs valid.Errors
	if errs.Required("name", in.Name) {
		errs.MaxLen("name", in.Name, maxMacroName)
	}
	if errs.Required("body", in.Body) {
		errs.MaxLen("body", in.Body, maxBody)
	}
	if err := errs.Err(); err != nil {
		return Macro{}, err
	}
	var owner *int64
	if !in.Shared {
		owner = &v.UserID
	}
	var out Macro
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		now := k.now()
		ch := audit.Change{EntityType: "macro", EntityName: in.Name,
			After: map[string]any{"name": in.Name, "body": in.Body, "shared": in.Shared}}
		if id == 0 {
			ch.Action = "macro.create"
			if err := tx.QueryRowContext(ctx, k.q.Get("macro-insert"), in.Name, in.Body, owner, now).Scan(&id); err != nil {
				return fmt.Errorf("request: create macro: %w", err)
			}
		} else {
			before, err := k.macro(ctx, tx, v, id)
			if err != nil {
				return err
			}
			ch.Action = "macro.update"
			ch.Before = map[string]any{"name": before.Name, "body": before.Body, "shared": before.Shared}
			if _, err := tx.ExecContext(ctx, k.q.Get("macro-update"), id, in.Name, in.Body, owner, now); err != nil {
				return fmt.Errorf("request: update macro %d: %w", id, err)
			}
		}
		ch.EntityID = id
		var err error
		if out, err = k.macro(ctx, tx, v, id); err != nil {
			return err
		}
		return k.audit.Record(ctx, tx, ch)
	})
	return out, err
}

// DeleteMacro removes macro id, when v may use it.
func (k *Desk) DeleteMacro(ctx context.Context, v Viewer, id int64) error {
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		m, err := k.macro(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, k.q.Get("macro-delete"), id); err != nil {
			return fmt.Errorf("request: delete macro %d: %w", id, err)
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "macro.delete", EntityType: "macro", EntityID: id,
			EntityName: m.Name, Before: map[string]any{"name": m.Name, "body": m.Body, "shared": m.Shared}})
	})
}

// Expansion is a macro's text filled for one request, with the placeholders it did not know,
// left as written ("{{badge}}"), for the agent to fill by hand.
type Expansion struct {
	Text    string
	Unknown []string
}

// Expand fills the placeholders of body for request r answered by agent: {{prenom}} and {{nom}}
// the requester's first and last names, {{numero}} its reference (#1042), {{titre}} its title,
// {{agent}} the agent's name. Case, accents and spaces inside the braces do not matter
// ("{{ Prénom }}"). An unknown placeholder stays as written and is listed in Unknown.
func (k *Desk) Expand(ctx context.Context, body string, r Request, agent Viewer) (Expansion, error) {
	var first, last string
	err := k.db.R.QueryRowContext(ctx, k.q.Get("macro-requester"), r.RequesterID).Scan(&first, &last)
	if err != nil && !isNoRows(err) {
		return Expansion{}, fmt.Errorf("request: expand for #%d: %w", r.Number, err)
	}
	return expand(body, map[string]string{"prenom": first, "nom": last, "numero": r.Ref(), "titre": r.Title,
		"agent": agent.Name}), nil
}

// expand replaces the placeholders of body found in values (keyed by folded name).
func expand(body string, values map[string]string) Expansion {
	var e Expansion
	e.Text = placeholder.ReplaceAllStringFunc(body, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if v, ok := values[fold.Key(name)]; ok {
			return v
		}
		if !slices.Contains(e.Unknown, m) {
			e.Unknown = append(e.Unknown, m)
		}
		return m
	})
	return e
}

func scanMacro(sc interface{ Scan(...any) error }) (Macro, error) {
	var m Macro
	var owner sql.NullInt64
	err := sc.Scan(&m.ID, &m.Name, &m.Body, &owner, &m.Position, &m.CreatedAt, &m.UpdatedAt)
	m.OwnerID, m.Shared = owner.Int64, !owner.Valid
	return m, err
}
