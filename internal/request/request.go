// Package request owns the request desk's core: requests with their human numbers, categories,
// priorities and statuses, the conversation (public replies and internal notes), the timeline of
// every change, and who may see what — a confidential request (pay, health, a personal matter)
// is visible only to its requester, the admins and its assignee.
package request

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/notify"
	"majordome/internal/search"
)

//go:embed queries*.sql
var queriesFS embed.FS

// Status is where a request stands.
type Status string

// The statuses, in the order of a request's life.
const (
	StatusNew               Status = "new"
	StatusOpen              Status = "open"
	StatusWaitingRequester  Status = "waiting_requester"   // the SLA clock pauses
	StatusWaitingThirdParty Status = "waiting_third_party" // a supplier, the landlord…
	StatusResolved          Status = "resolved"
	StatusClosed            Status = "closed"
)

// Statuses lists every status.
var Statuses = []Status{StatusNew, StatusOpen, StatusWaitingRequester, StatusWaitingThirdParty, StatusResolved, StatusClosed}

// transitions says which status may follow which. Closed is final; a resolved request may be
// reopened (the requester says it is still broken).
var transitions = map[Status][]Status{
	StatusNew:               {StatusOpen, StatusWaitingRequester, StatusWaitingThirdParty, StatusResolved, StatusClosed},
	StatusOpen:              {StatusWaitingRequester, StatusWaitingThirdParty, StatusResolved, StatusClosed},
	StatusWaitingRequester:  {StatusOpen, StatusWaitingThirdParty, StatusResolved, StatusClosed},
	StatusWaitingThirdParty: {StatusOpen, StatusWaitingRequester, StatusResolved, StatusClosed},
	StatusResolved:          {StatusOpen, StatusClosed},
	StatusClosed:            nil,
}

// CanMove reports whether a request may go from one status to another.
func CanMove(from, to Status) bool { return from == to || slices.Contains(transitions[from], to) }

// IsDone reports whether the request needs nothing more.
func (s Status) IsDone() bool { return s == StatusResolved || s == StatusClosed }

// Priority is how soon a request needs an answer.
type Priority string

// The priorities, most pressing first.
const (
	Urgent Priority = "urgent"
	High   Priority = "high"
	Normal Priority = "normal"
	Low    Priority = "low"
)

// Priorities lists every priority, most pressing first.
var Priorities = []Priority{Urgent, High, Normal, Low}

// Channel is how a request came in.
type Channel string

// The channels.
const (
	Web   Channel = "web"
	API   Channel = "api"
	Slack Channel = "slack"
	Email Channel = "email"
)

// Channels lists every channel.
var Channels = []Channel{Web, API, Slack, Email}

// Request is one employee request.
type Request struct {
	ID               int64
	Number           int64
	Title            string
	Description      string
	RequesterID      int64
	RequesterName    string
	RequesterEmail   string
	CategoryID       int64
	Category         string
	Priority         Priority
	Status           Status
	AssigneeID       int64
	AssigneeName     string
	DueDate          string // YYYY-MM-DD, "" for none
	Channel          Channel
	Confidential     bool
	IncidentID       int64
	MergedIntoID     int64
	Tags             []string
	FirstResponseAt  *time.Time
	ResolvedAt       *time.Time
	ClosedAt         *time.Time
	Satisfaction     int // 1, -1, 0 for none
	SatisfactionNote string
	CreatedAt        time.Time
	UpdatedAt        time.Time

	// The SLA: when the first response and the resolution are due, in business hours of the
	// requester's site, and since when the clock has been paused (waiting on the requester).
	FirstResponseDue *time.Time
	ResolutionDue    *time.Time
	SLAPausedAt      *time.Time
}

// Message is one entry of a request's conversation.
type Message struct {
	ID             int64
	AuthorPersonID int64
	AuthorUserID   int64
	AuthorName     string
	Body           string
	Internal       bool // a note: agents only
	Channel        Channel
	CreatedAt      time.Time
}

// Event is one change in a request's timeline.
type Event struct {
	ID        int64
	ActorName string
	Kind      string
	From, To  string
	CreatedAt time.Time
}

// Viewer is who looks at or acts on requests: an account, with the person it is (when the
// directory knows them) and its role.
type Viewer struct {
	UserID   int64
	PersonID int64
	Name     string
	Role     auth.Role
}

// IsAgent reports whether the viewer works the desk (agents and admins).
func (v Viewer) IsAgent() bool { return v.Role.AtLeast(auth.Agent) }

// Errors of the request package.
var (
	ErrNotFound          = errors.New("request: not found")
	ErrForbidden         = errors.New("request: not allowed")
	ErrClosed            = errors.New("request: the request is closed")
	ErrInvalidTransition = errors.New("request: status change not allowed")
)

// Desk is the request service.
type Desk struct {
	db        *db.DB
	q         *db.Queries
	audit     *audit.Log
	search    *search.Index   // nil: requests are not searchable (tests of other parts)
	notify    *notify.Service // nil: nobody is notified (tests of other parts)
	observers []Observer      // the conversation channels following the desk (observe.go)
	now       func() time.Time
}

// New returns the desk stored in d.
func New(d *db.DB, log *audit.Log) *Desk {
	return &Desk{db: d, q: db.MustLoadQueries("request", queriesFS, d.Dialect), audit: log,
		now: func() time.Time { return time.Now().UTC() }}
}

// WithSearch makes the desk keep idx up to date with every request and answer Search from it.
func (k *Desk) WithSearch(idx *search.Index) *Desk {
	k.search = idx
	return k
}

// Queries exposes the package's statements to the start-up check.
func (k *Desk) Queries() *db.Queries { return k.q }

// SetClock replaces the clock, for tests.
func (k *Desk) SetClock(now func() time.Time) { k.now = now }

// ViewerFor returns the viewer for an account: the person of the directory with the same email,
// when there is one, is what makes "my requests" theirs.
func (k *Desk) ViewerFor(ctx context.Context, userID int64, name, email string, role auth.Role) (Viewer, error) {
	v := Viewer{UserID: userID, Name: name, Role: role}
	if email == "" {
		return v, nil
	}
	err := k.db.R.QueryRowContext(ctx, k.q.Get("person-id-by-email"), strings.ToLower(strings.TrimSpace(email))).Scan(&v.PersonID)
	if err != nil && !isNoRows(err) {
		return v, fmt.Errorf("request: viewer: %w", err)
	}
	return v, nil
}
