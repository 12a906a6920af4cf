package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"majordome/internal/httpx"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// Problem types of incidents and merges.
const (
	typeIncidentResolved = problemBase + "incident-resolved"  // 409: a resolved incident takes no link, reply or resolution
	typeRequestsRefused  = problemBase + "requests-refused"   // 409: some requests of a batch cannot take it; nothing was saved
	typeAlreadyMerged    = problemBase + "already-merged"     // 409: the request is merged already
	typeMergeConfidentia = problemBase + "merge-confidential" // 409: a confidential request into one that is not
)

// incidentJSON is an incident as the API shows it. The counts are of the linked requests the
// token may see.
type incidentJSON struct {
	ID          int64   `json:"id"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Status      string  `json:"status"`
	CreatedBy   *string `json:"created_by"`
	CreatedAt   string  `json:"created_at"`
	ResolvedAt  *string `json:"resolved_at"`
	Linked      int     `json:"linked"`
	Active      int     `json:"active"`
}

// incidentDetailJSON is one incident with the linked requests the token may see and the
// messages sent to every linked requester.
type incidentDetailJSON struct {
	incidentJSON
	Requests []requestJSON        `json:"requests"`
	Updates  []incidentUpdateJSON `json:"updates"`
}

type incidentUpdateJSON struct {
	Kind      string     `json:"kind"`
	Author    authorJSON `json:"author"`
	Body      string     `json:"body"`
	CreatedAt string     `json:"created_at"`
}

func incidentOut(i request.Incident) incidentJSON {
	return incidentJSON{ID: i.ID, Title: i.Title, Description: i.Description, Status: string(i.Status),
		CreatedBy: orNull(i.CreatedByName), CreatedAt: utc(i.CreatedAt), ResolvedAt: timeOrNull(i.ResolvedAt),
		Linked: i.Linked, Active: i.Active}
}

// incidentDetailOut is d as the API shows it, its requests with their SLA states.
func (s *server) incidentDetailOut(ctx context.Context, d request.IncidentDetail) (incidentDetailJSON, error) {
	out := incidentDetailJSON{incidentJSON: incidentOut(d.Incident), Requests: []requestJSON{}, Updates: []incidentUpdateJSON{}}
	conv, err := s.requestsOut(ctx, d.Requests...)
	if err != nil {
		return out, err
	}
	for _, r := range d.Requests {
		out.Requests = append(out.Requests, conv(r))
	}
	for _, u := range d.Updates {
		out.Updates = append(out.Updates, incidentUpdateJSON{Kind: u.Kind, Author: authorJSON{Name: u.AuthorName},
			Body: u.Body, CreatedAt: utc(u.CreatedAt)})
	}
	return out, nil
}

// incidentList answers GET /api/v1/incidents: open incidents first, then resolved ones, newest
// first; status=open or status=resolved keeps one kind.
func (s *server) incidentList(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	f := request.IncidentFilter{Cursor: cursor, Limit: limit}
	switch st := r.URL.Query().Get("status"); st {
	case "":
	case string(request.IncidentOpen), string(request.IncidentResolved):
		f.Status = request.IncidentStatus(st)
	default:
		return invalidParameter("status", "status must be open or resolved.")
	}
	page, err := s.Requests.Incidents(r.Context(), viewer(r), f)
	if errors.Is(err, request.ErrBadCursor) {
		return invalidParameter("cursor", "cursor must be a next_cursor returned by a previous page.")
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(page.Items, page.NextCursor, incidentOut))
	return nil
}

// incidentFields are the members an incident is opened with.
var incidentFields = []string{"title", "description"}

// incidentCreate answers POST /api/v1/incidents.
func (s *server) incidentCreate(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(w, r, incidentFields, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	title, description := f.str("title"), f.str("description")
	if err := f.err(); err != nil {
		return err
	}
	inc, err := s.Requests.CreateIncident(r.Context(), viewer(r), val(title), val(description))
	if err != nil {
		return err
	}
	out, err := s.incidentDetailOut(r.Context(), request.IncidentDetail{Incident: inc})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/incidents/"+strconv.FormatInt(inc.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

// incidentGet answers GET /api/v1/incidents/{id}.
func (s *server) incidentGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIncident(r)
	if err != nil {
		return err
	}
	return s.writeIncident(w, r, id)
}

// writeIncident answers with incident id as the token sees it now.
func (s *server) writeIncident(w http.ResponseWriter, r *http.Request, id int64) error {
	d, err := s.Requests.Incident(r.Context(), viewer(r), id)
	if err != nil {
		return incidentError(err)
	}
	out, err := s.incidentDetailOut(r.Context(), d)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// incidentLink answers POST /api/v1/incidents/{id}/link: {"numbers": [1042, 1043]}, all or
// nothing.
func (s *server) incidentLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIncident(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, []string{"numbers"}, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	numbers := f.numbers("numbers")
	if err := f.err(); err != nil {
		return err
	}
	if err := s.Requests.LinkIncident(r.Context(), viewer(r), id, numbers...); err != nil {
		return incidentError(err)
	}
	return s.writeIncident(w, r, id)
}

// incidentReply answers POST /api/v1/incidents/{id}/replies: one public reply on every linked
// request still active, whoever may see them.
func (s *server) incidentReply(w http.ResponseWriter, r *http.Request) error {
	return s.incidentMessage(w, r, "body", func(v request.Viewer, id int64, text string) error {
		return s.Requests.ReplyIncident(r.Context(), v, id, text, request.API)
	})
}

// incidentResolve answers POST /api/v1/incidents/{id}/resolve: every linked request still
// active gets the message as a public reply and is resolved; then the incident is.
func (s *server) incidentResolve(w http.ResponseWriter, r *http.Request) error {
	return s.incidentMessage(w, r, "message", func(v request.Viewer, id int64, text string) error {
		return s.Requests.ResolveIncident(r.Context(), v, id, text, request.API)
	})
}

// incidentMessage reads {field: "..."} and sends it with send.
func (s *server) incidentMessage(w http.ResponseWriter, r *http.Request, field string, send func(request.Viewer, int64, string) error) error {
	id, err := pathIncident(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, []string{field}, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	text := f.str(field)
	if err := f.err(); err != nil {
		return err
	}
	if err := send(viewer(r), id, val(text)); err != nil {
		return incidentError(err)
	}
	return s.writeIncident(w, r, id)
}

// requestMerge answers POST /api/v1/requests/{number}/merge: {"into": 1042}. The answer is the
// target, into which the duplicate's conversation was copied.
func (s *server) requestMerge(w http.ResponseWriter, r *http.Request) error {
	number, err := pathNumber(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, []string{"into"}, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	into := f.number("into")
	if err := f.err(); err != nil {
		return err
	}
	if into == nil {
		return valid.Errors{{Field: "into", Code: "required"}}
	}
	target, err := s.Requests.Merge(r.Context(), viewer(r), number, *into)
	if err != nil {
		return incidentError(err)
	}
	conv, err := s.requestsOut(r.Context(), target)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, conv(target))
	return nil
}

// pathIncident reads the {id} of the path. An id that is not positive names no incident.
func pathIncident(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, incidentError(request.ErrIncidentNotFound)
	}
	return id, nil
}

// incidentError turns the errors of incidents and merges into problems; the others are left
// to writeError.
func incidentError(err error) error {
	var be *request.BulkError
	conflict := func(typ, title, detail string) error {
		return &problemError{Problem: httpx.Problem{Type: typ, Title: title, Status: http.StatusConflict, Detail: detail}}
	}
	switch {
	case errors.As(err, &be):
		var parts []string
		for _, f := range be.Failures {
			parts = append(parts, fmt.Sprintf("#%d %s", f.Number, failureText(f.Err)))
		}
		return conflict(typeRequestsRefused, "Some requests cannot take this",
			"Nothing was saved: "+strings.Join(parts, "; ")+".")
	case errors.Is(err, request.ErrIncidentNotFound):
		return notFound("No incident has this id.")
	case errors.Is(err, request.ErrIncidentResolved):
		return conflict(typeIncidentResolved, "The incident is resolved",
			"A resolved incident takes no more links, replies or resolution.")
	case errors.Is(err, request.ErrAlreadyMerged):
		return conflict(typeAlreadyMerged, "The request is already merged", "This request was merged into another already.")
	case errors.Is(err, request.ErrMergeConfidential):
		return conflict(typeMergeConfidentia, "A confidential request merges only into a confidential one",
			"Its conversation would reach every agent: make the target confidential first, or merge into another request.")
	}
	return err
}

// failureText says why one request of a batch was refused.
func failureText(err error) string {
	var te *request.TransitionError
	switch {
	case errors.As(err, &te):
		return "cannot go from " + string(te.From) + " to " + string(te.To)
	case errors.Is(err, request.ErrNotFound):
		return "does not exist or this token may not see it"
	case errors.Is(err, request.ErrClosed):
		return "is closed"
	case errors.Is(err, request.ErrAlreadyMerged):
		return "is merged already"
	case errors.Is(err, request.ErrMergeConfidential):
		return "is confidential and the target is not"
	}
	return "was refused"
}

// number returns the positive integer member name: nil when absent (or null), nil with a type
// error when not a whole number above zero.
func (f *fields) number(name string) *int64 {
	raw, ok := f.obj[name]
	if !ok {
		return nil
	}
	var n *int64
	if err := json.Unmarshal(raw, &n); err != nil || (n != nil && *n <= 0) {
		f.errs = append(f.errs, fieldError{Field: name, Code: "type_invalid", Params: map[string]string{"type": "positive integer"}})
		return nil
	}
	return n
}

// numbers returns the array of positive integers member name: nil when absent or null, nil with
// a type error when not such an array.
func (f *fields) numbers(name string) []int64 {
	raw, ok := f.obj[name]
	if !ok {
		return nil
	}
	var list []int64
	if err := json.Unmarshal(raw, &list); err != nil || slices.ContainsFunc(list, func(n int64) bool { return n <= 0 }) {
		f.errs = append(f.errs, fieldError{Field: name, Code: "type_invalid", Params: map[string]string{"type": "array of positive integers"}})
		return nil
	}
	return list
}
