package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"majordome/internal/auth"
	"majordome/internal/httpx"
	"majordome/internal/request"
)

// This file holds what the desk's pages share: who is looking (the request.Viewer), the
// request number of the URL, the mapping of the desk's errors, and the template helpers that
// write statuses, priorities and ages in the reader's language.

// viewer is the caller as the desk sees them: their account, and the person of the directory
// with the same email when there is one.
func (s *Server) viewer(r *http.Request) (request.Viewer, error) {
	id, _ := httpx.IdentityFrom(r.Context())
	return s.Requests.ViewerFor(r.Context(), id.UserID, id.Name, id.Email, id.Role)
}

// pathNumber reads the {number} of the URL; a malformed one is a page that does not exist.
func pathNumber(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(r.PathValue("number"), "#"), 10, 64)
	if err != nil || n <= 0 {
		return 0, errNotFound
	}
	return n, nil
}

// deskErr maps the desk's errors to pages: a request one may not see does not exist for them.
func deskErr(err error) error {
	switch {
	case errors.Is(err, request.ErrNotFound):
		return fmt.Errorf("%w: %w", errNotFound, err)
	case errors.Is(err, request.ErrForbidden):
		return fmt.Errorf("%w: %w", errForbidden, err)
	}
	return err
}

// agents lists the accounts a request may be assigned to: active agents and admins, by name.
func (s *Server) agents(ctx context.Context) ([]auth.User, error) {
	users, err := s.Auth.Users(ctx)
	if err != nil {
		return nil, err
	}
	out := users[:0]
	for _, u := range users {
		if u.Active && u.Role.AtLeast(auth.Agent) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b auth.User) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, nil
}

// splitTags reads "wifi, 3e étage" as two tags; the desk cleans them.
func splitTags(s string) []string {
	var out []string
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// CanWorkRequests reports whether the reader works the desk (agents and admins): the sidebar
// shows them the queue.
func (p *Page) CanWorkRequests() bool { return p.User != nil && p.User.Can(auth.RequestsWork) }

// Ago writes how long ago t was, shortly: "il y a 2 h", "hier"… Beyond a month, the date.
func (p *Page) Ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return p.T("desk.ago.now")
	case d < time.Hour:
		return p.T("desk.ago.minutes", "n", int(d/time.Minute))
	case d < 24*time.Hour:
		return p.T("desk.ago.hours", "n", int(d/time.Hour))
	case d < 30*24*time.Hour:
		return p.T("desk.ago.days", "n", int(d/(24*time.Hour)))
	}
	return p.Date(t)
}

// When is Ago in a <time> element whose title gives the exact date and time on hover.
func (p *Page) When(t time.Time) template.HTML {
	return template.HTML(fmt.Sprintf(`<time datetime="%s" title="%s">%s</time>`, t.UTC().Format(time.RFC3339),
		template.HTMLEscapeString(p.DateTime(t)), template.HTMLEscapeString(p.Ago(t))))
}

// statusColours and priorityColours pair each value with a badge colour; the word always goes
// with it, never the colour alone.
var statusColours = map[request.Status]string{
	request.StatusNew: "blue", request.StatusOpen: "amber", request.StatusWaitingRequester: "gray",
	request.StatusWaitingThirdParty: "gray", request.StatusResolved: "green", request.StatusClosed: "gray",
}

var priorityColours = map[request.Priority]string{
	request.Urgent: "red", request.High: "amber", request.Normal: "gray", request.Low: "gray",
}

func badge(colour, word string) template.HTML {
	return template.HTML(fmt.Sprintf(`<span class="badge badge-%s"><span class="dot dot-%s"></span>%s</span>`,
		colour, colour, template.HTMLEscapeString(word)))
}

// StatusBadge is a request's status as the desk names it: colour and word.
func (p *Page) StatusBadge(s request.Status) template.HTML {
	return badge(statusColours[s], p.T("desk.status."+string(s)))
}

// PortalStatusBadge is the status in the requester's words ("En attente de votre réponse").
func (p *Page) PortalStatusBadge(s request.Status) template.HTML {
	return badge(statusColours[s], p.T("portal.status."+string(s)))
}

// PriorityBadge is a priority: colour and word; "normal" and "low" stay quiet.
func (p *Page) PriorityBadge(pr request.Priority) template.HTML {
	return template.HTML(fmt.Sprintf(`<span class="badge badge-%s desk-priority desk-priority-%s">%s</span>`,
		priorityColours[pr], pr, template.HTMLEscapeString(p.T("desk.priority."+string(pr)))))
}

// lockSVG is a padlock drawn inline: the shared icon sprite has none yet.
const lockSVG = `<svg aria-hidden="true" class="icon" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"><rect x="3" y="7" width="10" height="7" rx="1.5"/><path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2"/></svg>`

// ConfidentialTag marks a confidential request with a padlock and the word.
func (p *Page) ConfidentialTag() template.HTML {
	return template.HTML(`<span class="desk-lock">` + lockSVG + template.HTMLEscapeString(p.T("desk.confidential")) + `</span>`)
}
