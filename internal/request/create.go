package request

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"majordome/internal/audit"
	"majordome/internal/valid"
)

// NewRequest is what a request is filed from, whatever the channel.
type NewRequest struct {
	Title          string
	Description    string
	RequesterEmail string // who asks: a person of the directory
	Category       string // a category name, "" for none
	Priority       Priority
	Channel        Channel
	Confidential   *bool // nil: the category's default
	Tags           []string
	AssigneeID     int64    // an agent's account to assign at once, 0 for none; routing rules may set it
	RuleNames      []string // set by the routing rules: those that changed the request, for its timeline
	Files          []File   // attached to the request itself, in the same transaction (see ReadFile)
	// Within, when set, runs inside the creating transaction with the request as stored: what the
	// caller records about the new request (a checklist task's link) commits with it or not at all.
	Within func(ctx context.Context, tx *sql.Tx, r Request) error
}

// Limits of a request's text.
const (
	maxTitle = 200
	maxBody  = 20000
	maxTags  = 10
	maxTag   = 40
)

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// Create files a request and gives it the next number. Every field is checked first; a failure
// names each wrong field and writes nothing.
func (k *Desk) Create(ctx context.Context, in NewRequest) (Request, error) {
	var r Request
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		var errs valid.Errors
		in.Title = strings.Join(strings.Fields(in.Title), " ")
		if errs.Required("title", in.Title) {
			errs.MaxLen("title", in.Title, maxTitle)
		}
		in.Description = strings.TrimSpace(in.Description)
		errs.MaxLen("description", in.Description, maxBody)
		var requesterID int64
		if errs.Required("requester_email", in.RequesterEmail) {
			err := tx.QueryRowContext(ctx, k.q.Get("person-id-by-email"), strings.ToLower(strings.TrimSpace(in.RequesterEmail))).Scan(&requesterID)
			if isNoRows(err) {
				errs.Add("requester_email", "requester_unknown", "value", in.RequesterEmail)
			} else if err != nil {
				return err
			}
		}
		if requesterID != 0 {
			if err := k.beforeCreate(ctx, tx, &in, requesterID); err != nil {
				return err
			}
		}
		var cat Category
		if in.Category != "" {
			c, err := k.categoryFor(ctx, tx, in.Category, 0, &errs)
			if err != nil {
				return err
			}
			cat = c
		}
		if in.Priority == "" {
			in.Priority = Normal
		}
		if !slices.Contains(Priorities, in.Priority) {
			errs.Add("priority", "priority_invalid")
		}
		if in.Channel == "" {
			in.Channel = Web
		}
		if !slices.Contains(Channels, in.Channel) {
			errs.Add("channel", "channel_invalid")
		}
		tags, tagErr := cleanTags(in.Tags)
		addTagError(&errs, tagErr)
		if in.AssigneeID != 0 {
			if ok, err := k.isAgent(ctx, tx, in.AssigneeID); err != nil {
				return err
			} else if !ok {
				errs.Add("assignee", "assignee_unknown")
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		confidential := cat.Confidential()
		if in.Confidential != nil {
			confidential = *in.Confidential
		}
		var number int64
		if err := tx.QueryRowContext(ctx, k.q.Get("next-number")).Scan(&number); err != nil {
			return fmt.Errorf("request: number: %w", err)
		}
		now := k.now()
		var catID *int64
		if cat.ID != 0 {
			catID = &cat.ID
		}
		var id int64
		if err := tx.QueryRowContext(ctx, k.q.Get("insert"), number, in.Title, in.Description, requesterID, catID,
			in.Priority, in.Channel, confidential, now, nullID(in.AssigneeID)).Scan(&id); err != nil {
			return fmt.Errorf("request: create: %w", err)
		}
		for _, t := range tags {
			if _, err := tx.ExecContext(ctx, k.q.Get("tag-insert"), id, t); err != nil {
				return fmt.Errorf("request: tag: %w", err)
			}
		}
		a := audit.ActorFrom(ctx)
		if err := k.event(ctx, tx, id, a, "created", "", string(in.Channel)); err != nil {
			return err
		}
		if err := k.recordRules(ctx, tx, id, in.RuleNames); err != nil {
			return err
		}
		if err := k.index(ctx, tx, number); err != nil {
			return err
		}
		var err error
		if r, err = k.get(ctx, tx, number); err != nil {
			return err
		}
		if _, err := k.storeFiles(ctx, tx, r, 0, Viewer{PersonID: requesterID, Name: r.RequesterName}, in.Files); err != nil {
			return err
		}
		if err := k.afterCreate(ctx, tx, r); err != nil {
			return err
		}
		if in.Within != nil {
			if err := in.Within(ctx, tx, r); err != nil {
				return err
			}
		}
		// The hooks store what they derive (the SLA's due times): return the request as stored.
		if r, err = k.get(ctx, tx, number); err != nil {
			return err
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "request.create", EntityType: "request", EntityID: id,
			EntityName: fmt.Sprintf("#%d", number), After: map[string]any{"title": r.Title, "category": r.Category,
				"priority": r.Priority, "confidential": r.Confidential, "channel": r.Channel, "assignee": r.AssigneeName,
				"rules": in.RuleNames}})
	})
	return r, err
}

// cleanTags lower-cases, trims and de-duplicates tags.
func cleanTags(in []string) ([]string, string) {
	var out []string
	for _, t := range in {
		t = strings.ToLower(strings.Join(strings.Fields(t), "-"))
		if t == "" || slices.Contains(out, t) {
			continue
		}
		if len([]rune(t)) > maxTag {
			return nil, "too_long"
		}
		out = append(out, t)
	}
	if len(out) > maxTags {
		return nil, "too_many"
	}
	return out, ""
}

// event appends a timeline entry.
func (k *Desk) event(ctx context.Context, tx *sql.Tx, requestID int64, a audit.Actor, kind, from, to string) error {
	var actorID *int64
	if a.Kind == "user" && a.ID != 0 {
		actorID = &a.ID
	}
	if _, err := tx.ExecContext(ctx, k.q.Get("event-insert"), requestID, actorID, a.Name, kind, from, to, k.now()); err != nil {
		return fmt.Errorf("request: event %s: %w", kind, err)
	}
	return nil
}

// addTagError records a tag failure with the limit it broke.
func addTagError(errs *valid.Errors, code string) {
	switch code {
	case "too_long":
		errs.Add("tags", code, "max", fmt.Sprint(maxTag))
	case "too_many":
		errs.Add("tags", code, "max", fmt.Sprint(maxTags))
	}
}
