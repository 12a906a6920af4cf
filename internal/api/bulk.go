package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"majordome/internal/httpx"
	"majordome/internal/request"
)

// typeBulkRefused is the 422 of a bulk action some requests cannot take: nothing was saved,
// and failures names each request with its reason.
const typeBulkRefused = problemBase + "bulk-refused"

// bulkFields are the members of a bulk action: the requests, then what to do to each of them,
// as the queue's bulk bar offers it.
var bulkFields = []string{"numbers", "status", "priority", "category", "assignee_email", "add_tags",
	"incident_id", "merge_into"}

// bulkJSON is the answer of a bulk action: how many requests it changed, and each as it now
// stands, in the order sent.
type bulkJSON struct {
	Count int           `json:"count"`
	Items []requestJSON `json:"items"`
}

// requestBulk answers POST /api/v1/requests/bulk: the same action on up to 200 requests, all
// or nothing, with the desk's rules for each (those of PATCH, of incident links and merges).
// When some requests cannot take it, nothing is saved and the 422 names each with its reason.
func (s *server) requestBulk(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	obj, err := readObject(w, r, bulkFields, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	numbers := f.numbers("numbers")
	a := request.BulkAction{Change: request.Change{Status: as[request.Status](f.str("status")),
		Priority: as[request.Priority](f.str("priority")), Category: f.str("category")}}
	assignee := f.str("assignee_email")
	if tags := f.strs("add_tags"); tags != nil {
		a.AddTags = *tags
	}
	if id := f.number("incident_id"); id != nil {
		a.IncidentID = *id
	}
	if into := f.number("merge_into"); into != nil {
		a.MergeInto = *into
	}
	if err := f.err(); err != nil {
		return err
	}
	if a.Change.AssigneeID, err = s.assigneeID(ctx, assignee); err != nil {
		return err
	}
	if a.Change == (request.Change{}) && len(a.AddTags) == 0 && a.IncidentID == 0 && a.MergeInto == 0 {
		return invalidBody("The body names no action: send at least one of status, priority, category, assignee_email, add_tags, incident_id or merge_into.")
	}
	v := viewer(r)
	if _, err := s.Requests.BulkApply(ctx, v, numbers, a); err != nil {
		var be *request.BulkError
		if errors.As(err, &be) {
			return bulkRefused{be}
		}
		for from, to := range map[string]string{"assignee": "assignee_email", "incident": "incident_id", "into": "merge_into"} {
			err = renameField(err, from, to)
		}
		return err
	}
	out := bulkJSON{Items: []requestJSON{}}
	var items []request.Request
	for _, n := range uniqueInOrder(numbers) {
		req, err := s.Requests.Get(ctx, v, n)
		if err != nil {
			return err
		}
		items = append(items, req)
	}
	conv, err := s.requestsOut(ctx, items...)
	if err != nil {
		return err
	}
	for _, req := range items {
		out.Items = append(out.Items, conv(req))
	}
	out.Count = len(out.Items)
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// uniqueInOrder keeps the first of each number, in order: the requests the desk went through.
func uniqueInOrder(numbers []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, n := range numbers {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// bulkRefused is a bulk action some requests could not take; writeError sends it.
type bulkRefused struct{ *request.BulkError }

// bulkFailureJSON is one request a bulk action could not change, and why: code for programs
// (not_found, closed, invalid_transition, already_merged, merge_confidential, refused),
// message for people in the caller's language.
type bulkFailureJSON struct {
	Number  int64   `json:"number"`
	Code    string  `json:"code"`
	Message string  `json:"message"`
	From    *string `json:"from,omitempty"` // invalid_transition: the request's status
	To      *string `json:"to,omitempty"`   // invalid_transition: the status asked for
}

// bulkProblem is the problem of a refused bulk action, with its failures as an extension member
// (RFC 9457, section 3.2).
type bulkProblem struct {
	httpx.Problem
	Failures []bulkFailureJSON `json:"failures"`
}

// writeBulkRefused sends the 422 of br.
func (s *server) writeBulkRefused(w http.ResponseWriter, r *http.Request, br bulkRefused) {
	l := lang(r)
	p := bulkProblem{Problem: httpx.Problem{Type: typeBulkRefused, Title: "Some requests cannot take this action",
		Status: http.StatusUnprocessableEntity}}
	var refs []string
	for _, f := range br.Failures {
		code, why := "refused", s.I18n.T(l, "incidents.failure.other")
		var te *request.TransitionError
		fj := bulkFailureJSON{Number: f.Number}
		switch {
		case errors.As(f.Err, &te):
			code = "invalid_transition"
			why = s.I18n.T(l, "incidents.failure.transition", "from", s.I18n.T(l, "desk.status."+string(te.From)),
				"to", s.I18n.T(l, "desk.status."+string(te.To)))
			fj.From, fj.To = orNull(string(te.From)), orNull(string(te.To))
		case errors.Is(f.Err, request.ErrNotFound):
			code, why = "not_found", s.I18n.T(l, "incidents.failure.not_found")
		case errors.Is(f.Err, request.ErrAlreadyMerged):
			code, why = "already_merged", s.I18n.T(l, "incidents.failure.already_merged")
		case errors.Is(f.Err, request.ErrMergeConfidential):
			code, why = "merge_confidential", s.I18n.T(l, "incidents.failure.confidential")
		case errors.Is(f.Err, request.ErrClosed):
			code, why = "closed", s.I18n.T(l, "incidents.failure.closed")
		}
		fj.Code = code
		fj.Message = s.I18n.T(l, "incidents.failure.item", "ref", fmt.Sprintf("#%d", f.Number), "why", why)
		p.Failures = append(p.Failures, fj)
		refs = append(refs, fmt.Sprintf("#%d %s", f.Number, failureText(f.Err)))
	}
	p.Detail = "Nothing was saved: " + strings.Join(refs, "; ") + ". Leave these requests out and try again."
	writeProblemJSON(w, p.Status, p)
}

// writeProblemJSON sends a problem with extension members, as httpx.WriteProblem sends a plain
// one.
func writeProblemJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
