package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"majordome/internal/request"
	"majordome/internal/valid"
)

// bulkBar is what the queue's bulk action bar offers besides the filters' choices: the open
// incidents to link the selection to.
type bulkBar struct {
	Incidents []request.Incident
}

// bulkBarData loads the bulk action bar's choices for v.
func (s *Server) bulkBarData(ctx context.Context, v request.Viewer) (bulkBar, error) {
	page, err := s.Requests.Incidents(ctx, v, request.IncidentFilter{Status: request.IncidentOpen, Limit: 200})
	return bulkBar{Incidents: page.Items}, err
}

// requestsBulk applies the queue's bulk action to the selected requests ("n", one per row), all
// or nothing, and goes back to the queue as it was. Each select of the bar left on "" changes
// nothing; with JavaScript the bar sends one choice at a time, without it every choice made.
// A failure says which requests could not take the change and why.
func (s *Server) requestsBulk(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	form := r.PostForm
	back := form.Get("back")
	if back != "/requests" && !strings.HasPrefix(back, "/requests?") {
		back = "/requests"
	}
	p := s.newPage(w, r, "requests")
	var numbers []int64
	for _, n := range form["n"] {
		if x, err := strconv.ParseInt(n, 10, 64); err == nil && x > 0 {
			numbers = append(numbers, x)
		}
	}
	a, ok := bulkAction(form)
	switch {
	case len(numbers) == 0:
		s.setFlash(w, "error", p.T("incidents.bulk.none_selected"))
	case !ok:
		s.setFlash(w, "error", p.T("incidents.bulk.no_action"))
	default:
		n, err := s.Requests.BulkApply(r.Context(), v, numbers, a)
		var be *request.BulkError
		var ve valid.Errors
		switch {
		case errors.As(err, &be):
			s.setFlash(w, "error", p.T("incidents.bulk.failed", "why", failures(p, be)))
		case errors.As(err, &ve):
			p.setErrors(ve)
			var msgs []string
			for _, fe := range ve {
				msgs = append(msgs, p.FieldErrors[fe.Field])
			}
			s.setFlash(w, "error", p.T("incidents.bulk.invalid", "why", strings.Join(msgs, " ")))
		case err != nil:
			return deskErr(err)
		case a.MergeInto > 0:
			s.setFlash(w, "success", p.T("incidents.bulk.merged", "n", n, "ref", fmt.Sprintf("#%d", a.MergeInto)))
		default:
			s.setFlash(w, "success", p.T("incidents.bulk.done", "n", n))
		}
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// noSuchID is a number no request and no incident has: a malformed choice is sent as it, so the
// desk refuses it with its usual message.
const noSuchID = 1 << 62

// bulkAction reads the bar's choices; ok is false when none was made.
func bulkAction(form map[string][]string) (a request.BulkAction, ok bool) {
	get := func(k string) string {
		if vs := form[k]; len(vs) > 0 {
			return strings.TrimSpace(vs[len(vs)-1])
		}
		return ""
	}
	if st := get("status"); st != "" {
		s := request.Status(st)
		a.Change.Status, ok = &s, true
	}
	if pr := get("priority"); pr != "" {
		x := request.Priority(pr)
		a.Change.Priority, ok = &x, true
	}
	switch c := get("category"); c {
	case "":
	case "none":
		a.Change.Category, ok = new(""), true
	default:
		a.Change.Category, ok = &c, true
	}
	switch as := get("assignee"); as {
	case "":
	case "none":
		a.Change.AssigneeID, ok = new(int64(0)), true
	default:
		id, err := strconv.ParseInt(as, 10, 64)
		if err != nil || id <= 0 {
			id = -1 // nobody has this id: the desk reports an unknown assignee
		}
		a.Change.AssigneeID, ok = &id, true
	}
	if t := get("tag"); t != "" {
		a.AddTags, ok = splitTags(t), true
	}
	if inc := get("incident"); inc != "" {
		id, err := strconv.ParseInt(inc, 10, 64)
		if err != nil || id <= 0 {
			id = noSuchID // the desk reports it unknown, like any other
		}
		a.IncidentID, ok = id, true
	}
	if into := get("into"); into != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(into, "#"), 10, 64)
		if err != nil || n <= 0 {
			n = noSuchID // the desk reports it unknown, like any other
		}
		a.MergeInto, ok = n, true
	}
	return a, ok
}

// failures writes the requests of be with their reasons, at most five, in the reader's words:
// "#1043 (fermée), #1050 (introuvable)".
func failures(p *Page, be *request.BulkError) string {
	const shown = 5
	var parts []string
	for i, f := range be.Failures {
		if i == shown {
			parts = append(parts, p.T("incidents.failure.more", "n", len(be.Failures)-shown))
			break
		}
		parts = append(parts, p.T("incidents.failure.item", "ref", fmt.Sprintf("#%d", f.Number), "why", failureReason(p, f.Err)))
	}
	return strings.Join(parts, ", ")
}

// failureReason is why one request could not take a change.
func failureReason(p *Page, err error) string {
	var te *request.TransitionError
	switch {
	case errors.As(err, &te):
		return p.T("incidents.failure.transition", "from", p.T("desk.status."+string(te.From)), "to", p.T("desk.status."+string(te.To)))
	case errors.Is(err, request.ErrNotFound):
		return p.T("incidents.failure.not_found")
	case errors.Is(err, request.ErrAlreadyMerged):
		return p.T("incidents.failure.already_merged")
	case errors.Is(err, request.ErrMergeConfidential):
		return p.T("incidents.failure.confidential")
	case errors.Is(err, request.ErrClosed):
		return p.T("incidents.failure.closed")
	}
	return p.T("incidents.failure.other")
}
