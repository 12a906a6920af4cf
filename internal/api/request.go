package api

import (
	"context"
	"time"

	"majordome/internal/request"
)

// requestJSON is a request as the API shows it: its number is its public id. Empty optional
// values are null, as for people; times are RFC 3339 in UTC, dates YYYY-MM-DD.
type requestJSON struct {
	Number          int64         `json:"number"`
	Title           string        `json:"title"`
	Description     string        `json:"description"`
	Requester       requesterJSON `json:"requester"`
	Category        *string       `json:"category"`
	Priority        string        `json:"priority"`
	Status          string        `json:"status"`
	Assignee        *assigneeJSON `json:"assignee"`
	DueDate         *string       `json:"due_date"`
	Channel         string        `json:"channel"`
	Confidential    bool          `json:"confidential"`
	Tags            []string      `json:"tags"` // [] when none
	FirstResponseAt *string       `json:"first_response_at"`
	ResolvedAt      *string       `json:"resolved_at"`
	ClosedAt        *string       `json:"closed_at"`
	Satisfaction    *int          `json:"satisfaction"` // 1 or -1
	CreatedAt       string        `json:"created_at"`
	UpdatedAt       string        `json:"updated_at"`

	FirstResponseDueAt *string `json:"first_response_due_at"`
	ResolutionDueAt    *string `json:"resolution_due_at"`
	SLAState           *string `json:"sla_state"` // ok, at_risk, breached, paused; null when no clock runs

	IncidentID *int64 `json:"incident_id"` // the incident it is linked to; null when none
}

type requesterJSON struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type assigneeJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// requestOut is r as the API shows it.
func requestOut(r request.Request) requestJSON {
	out := requestJSON{Number: r.Number, Title: r.Title, Description: r.Description,
		Requester: requesterJSON{Name: r.RequesterName, Email: r.RequesterEmail},
		Category:  orNull(r.Category), Priority: string(r.Priority), Status: string(r.Status),
		DueDate: orNull(r.DueDate), Channel: string(r.Channel), Confidential: r.Confidential,
		Tags:            append([]string{}, r.Tags...),
		FirstResponseAt: timeOrNull(r.FirstResponseAt), ResolvedAt: timeOrNull(r.ResolvedAt), ClosedAt: timeOrNull(r.ClosedAt),
		CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt)}
	if r.AssigneeID != 0 {
		out.Assignee = &assigneeJSON{ID: r.AssigneeID, Name: r.AssigneeName}
	}
	if r.Satisfaction != 0 {
		out.Satisfaction = &r.Satisfaction
	}
	out.FirstResponseDueAt, out.ResolutionDueAt = timeOrNull(r.FirstResponseDue), timeOrNull(r.ResolutionDue)
	if r.IncidentID != 0 {
		out.IncidentID = &r.IncidentID
	}
	return out
}

// requestsOut returns the conversion of items for the API with their SLA states, read with one
// query and judged at the desk's clock.
func (s *server) requestsOut(ctx context.Context, items ...request.Request) (func(request.Request) requestJSON, error) {
	slas, err := s.Requests.SLAs(ctx, items)
	if err != nil {
		return nil, err
	}
	now := s.Requests.Now()
	return func(r request.Request) requestJSON {
		out := requestOut(r)
		out.SLAState = orNull(string(slas[r.ID].State(now)))
		return out
	}, nil
}

// messageJSON is one message of a request's conversation.
type messageJSON struct {
	ID        int64      `json:"id"`
	Author    authorJSON `json:"author"`
	Body      string     `json:"body"`
	Internal  bool       `json:"internal"`
	Channel   string     `json:"channel"`
	CreatedAt string     `json:"created_at"`
}

type authorJSON struct {
	Name string `json:"name"`
}

func messageOut(m request.Message) messageJSON {
	return messageJSON{ID: m.ID, Author: authorJSON{Name: m.AuthorName}, Body: m.Body, Internal: m.Internal,
		Channel: string(m.Channel), CreatedAt: utc(m.CreatedAt)}
}

func utc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func timeOrNull(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := utc(*t)
	return &s
}

// newRequestFields are the members a request is filed from.
var newRequestFields = []string{"title", "description", "requester_email", "category", "priority",
	"confidential", "channel", "tags"}

// decodeNewRequest decodes a POST body. A request filed through the API came in by the API
// unless the caller says otherwise (a bridge relaying mail or Slack names its channel).
func decodeNewRequest(obj object) (request.NewRequest, error) {
	f := fields{obj: obj}
	in := request.NewRequest{Title: val(f.str("title")), Description: val(f.str("description")),
		RequesterEmail: val(f.str("requester_email")), Category: val(f.str("category")),
		Priority: request.Priority(val(f.str("priority"))), Channel: request.Channel(val(f.str("channel"))),
		Confidential: f.boolean("confidential")}
	if tags := f.strs("tags"); tags != nil {
		in.Tags = *tags
	}
	if in.Channel == "" {
		in.Channel = request.API
	}
	return in, f.err()
}

// requestPatchFields are the members a PATCH may change.
var requestPatchFields = []string{"status", "priority", "category", "assignee_email", "confidential",
	"tags", "due_date"}

// requestPatch is a decoded PATCH: the change, and the assignee's email still to resolve to an
// account ("" unassigns).
type requestPatch struct {
	change        request.Change
	assigneeEmail *string
}

// decodeRequestPatch decodes a merge patch: absent members stay nil (unchanged), null ones
// clear (category, assignee_email, tags, due_date). A null status or priority becomes "",
// which the desk refuses as unknown: they cannot be cleared.
func decodeRequestPatch(obj object) (requestPatch, error) {
	f := fields{obj: obj}
	p := requestPatch{change: request.Change{Status: as[request.Status](f.str("status")),
		Priority: as[request.Priority](f.str("priority")), Category: f.str("category"),
		Confidential: f.boolean("confidential"), Tags: f.strs("tags"), DueDate: f.str("due_date")},
		assigneeEmail: f.str("assignee_email")}
	return p, f.err()
}

// val is *s, or "" for nil.
func val(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// as converts an optional string to an optional string type of the domain.
func as[T ~string](s *string) *T {
	if s == nil {
		return nil
	}
	t := T(*s)
	return &t
}
