package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"majordome/internal/httpx"
	"majordome/internal/i18n"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// handlerFunc is an API handler: it writes a success itself and returns any failure, which
// writeError alone turns into a problem.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// serve adapts h to http.Handler, sending its error as a problem.
func (s *server) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// Problem types. Problems that say no more than their HTTP status (401, 403, 404, 405, 413,
// 415, 500) use "about:blank" with the status phrase as title, as RFC 9457 recommends; those
// with a body of their own get a URI under problemBase. These URIs identify the kind of
// problem for programs: they are names, and need not resolve to a page.
const (
	problemBase           = "https://majordome.dev/problems/"
	typeValidation        = problemBase + "validation"         // 422: errors lists the wrong fields
	typeInvalidBody       = problemBase + "invalid-body"       // 400: not JSON, not an object, unknown fields
	typeInvalidParameter  = problemBase + "invalid-parameter"  // 400: a query parameter is wrong
	typeInvalidTransition = problemBase + "invalid-transition" // 409: the status cannot go there from here
	typeRequestClosed     = problemBase + "request-closed"     // 409: a closed request takes no reply
)

// problemError is a failure that already knows its problem, and the headers that go with it.
type problemError struct {
	httpx.Problem
	header http.Header
}

func (e *problemError) Error() string { return fmt.Sprintf("api: %d %s", e.Status, e.Detail) }

// fieldError names a field (or parameter) whose message is written in the caller's language.
type fieldError = valid.FieldError

// badRequestError is a 400 about the body or a parameter, naming the offending fields so the
// message of each can be written in the caller's language.
type badRequestError struct {
	typ, detail string
	fields      []fieldError
}

func (e *badRequestError) Error() string { return "api: bad request: " + e.detail }

// typeErrors is a body whose fields have the wrong JSON types: a 422 like a validation failure,
// since the request was well-formed JSON but its content is wrong.
type typeErrors []fieldError

func (e typeErrors) Error() string { return fmt.Sprintf("api: %d fields of the wrong type", len(e)) }

func notFound(detail string) error {
	return &problemError{Problem: httpx.Problem{Status: http.StatusNotFound, Detail: detail}}
}

func methodNotAllowed(allowed []string) error {
	return &problemError{Problem: httpx.Problem{Status: http.StatusMethodNotAllowed,
		Detail: "This endpoint accepts " + strings.Join(allowed, ", ") + "."},
		header: http.Header{"Allow": {strings.Join(allowed, ", ")}}}
}

func invalidParameter(name, detail string) error {
	return &badRequestError{typ: typeInvalidParameter, detail: detail,
		fields: []fieldError{{Field: name, Code: "parameter_invalid"}}}
}

// lang is the language of the caller's messages: Accept-Language when it names one Majordome
// speaks, French otherwise.
func lang(r *http.Request) string {
	if l := i18n.Match(r.Header.Get("Accept-Language")); l != "" {
		return l
	}
	return i18n.Default
}

// writeError is the one place errors become problems: domain errors get their status, anything
// unexpected is logged and answered 500 with the request id to quote.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		pe  *problemError
		bre *badRequestError
		ve  valid.Errors
		te  typeErrors
		mbe *http.MaxBytesError
		tre *request.TransitionError
		br  bulkRefused
	)
	switch {
	case errors.As(err, &br):
		s.writeBulkRefused(w, r, br)
	case errors.As(err, &pe):
		for k, v := range pe.header {
			w.Header()[k] = v
		}
		httpx.WriteProblem(w, pe.Problem)
	case errors.As(err, &ve):
		s.writeFields(w, r, http.StatusUnprocessableEntity, typeValidation, "The request has invalid fields",
			"Nothing was saved; fix these fields: "+fieldList(ve)+".", ve)
	case errors.As(err, &te):
		s.writeFields(w, r, http.StatusUnprocessableEntity, typeValidation, "The request has invalid fields",
			"Nothing was saved; these fields have the wrong JSON type: "+fieldList(te)+".", te)
	case errors.As(err, &bre):
		title := "The request body is invalid"
		if bre.typ == typeInvalidParameter {
			title = "A query parameter is invalid"
		}
		s.writeFields(w, r, http.StatusBadRequest, bre.typ, title, bre.detail, bre.fields)
	case errors.As(err, &mbe):
		httpx.WriteProblem(w, httpx.Problem{Status: http.StatusRequestEntityTooLarge,
			Detail: fmt.Sprintf("The body is over the limit of %d bytes.", mbe.Limit)})
	case errors.Is(err, people.ErrNotFound):
		httpx.WriteProblem(w, httpx.Problem{Status: http.StatusNotFound, Detail: "No person has this id."})
	case errors.Is(err, people.ErrBadCursor):
		s.writeError(w, r, invalidParameter("cursor", "cursor must be a next_cursor returned by a previous page."))
	case errors.Is(err, request.ErrNotFound):
		// The same answer whether the request does not exist or the token may not see it, so
		// that a confidential request's existence is not revealed.
		httpx.WriteProblem(w, httpx.Problem{Status: http.StatusNotFound,
			Detail: "No request has this number, or this token may not see it."})
	case errors.As(err, &tre):
		httpx.WriteProblem(w, httpx.Problem{Type: typeInvalidTransition, Title: "The status change is not allowed",
			Status: http.StatusConflict, Detail: transitionDetail(tre.From, tre.To)})
	case errors.Is(err, request.ErrInvalidTransition):
		httpx.WriteProblem(w, httpx.Problem{Type: typeInvalidTransition, Title: "The status change is not allowed",
			Status: http.StatusConflict, Detail: "The request's status does not allow this."})
	case errors.Is(err, request.ErrClosed):
		httpx.WriteProblem(w, httpx.Problem{Type: typeRequestClosed, Title: "The request is closed",
			Status: http.StatusConflict, Detail: "A closed request takes no more replies; file a new request instead."})
	case errors.Is(err, request.ErrForbidden):
		httpx.WriteProblem(w, httpx.Problem{Status: http.StatusForbidden, Detail: "The role of this token does not allow this."})
	default:
		level := slog.LevelError
		if errors.Is(err, context.Canceled) {
			level = slog.LevelInfo // the caller went away: nothing to fix on our side
		}
		s.Log.Log(r.Context(), level, "api", "request_id", httpx.RequestID(r.Context()),
			"method", r.Method, "path", r.URL.Path, "err", err)
		detail := "Something went wrong on our side; nothing you sent caused it. Try again in a moment."
		if id := httpx.RequestID(r.Context()); id != "" {
			detail += " If it persists, quote reference " + id + " to whoever runs Majordome."
		}
		httpx.WriteProblem(w, httpx.Problem{Status: http.StatusInternalServerError, Detail: detail})
	}
}

// writeFields sends a problem listing fields, each with a sentence in the caller's language.
func (s *server) writeFields(w http.ResponseWriter, r *http.Request, status int, typ, title, detail string, fields []fieldError) {
	l := lang(r)
	list := make([]httpx.ProblemField, len(fields))
	for i, fe := range fields {
		list[i] = httpx.ProblemField{Field: fe.Field, Code: fe.Code, Message: s.message(l, fe)}
	}
	httpx.WriteProblem(w, httpx.Problem{Type: typ, Title: title, Status: status, Detail: detail, Errors: list})
}

// catalogueField names the API fields that the catalogue knows under another name: the API
// assigns a request by email, the desk (and its messages) by account.
var catalogueField = map[string]string{"assignee_email": "assignee",
	// A routing rule's members (rules.go) are the rule form's fields.
	"conditions.words": "if_words", "conditions.category": "if_category", "conditions.team": "if_team",
	"conditions.site": "if_site", "conditions.channel": "if_channel", "actions": "rule_actions",
	"actions.category": "category", "actions.priority": "priority", "actions.assignee_email": "assignee",
	"actions.tags": "tags", "actions.confidential": "confidential", "enabled": "rule_enabled", "stop": "rule_stop",
	// A bulk action (bulk.go) and focus time (focus.go).
	"add_tags": "tags", "incident_id": "incident", "merge_into": "into",
	"days": "focus_days", "start": "focus_start", "end": "focus_end", "minutes": "focus_duration"}

// message is fe in words. A field the catalogue does not name (an unknown body field, a query
// parameter) is named as sent, with the catalogue's generic "is not valid" sentence.
func (s *server) message(l string, fe fieldError) string {
	if name, ok := catalogueField[fe.Field]; ok {
		fe.Field = name
	}
	if s.I18n.Has("field." + fe.Field) {
		return s.I18n.FieldError(l, fe) // an unknown code falls back to "is not valid"
	}
	return s.I18n.T(l, "error.invalid", "field", fe.Field)
}

// transitionDetail says why a request cannot go from one status to another, and where it may go.
func transitionDetail(from, to request.Status) string {
	var next []string
	for _, st := range request.Statuses {
		if st != from && request.CanMove(from, st) {
			next = append(next, string(st))
		}
	}
	d := "A request that is " + string(from) + " cannot become " + string(to) + "; "
	if len(next) == 0 {
		return d + string(from) + " is final."
	}
	return d + "from " + string(from) + " it may become " + strings.Join(next, ", ") + "."
}

// fieldList names the fields of errs once each, in order: "email, start_date".
func fieldList(errs []fieldError) string {
	var names []string
	seen := map[string]bool{}
	for _, fe := range errs {
		if !seen[fe.Field] {
			seen[fe.Field] = true
			names = append(names, fe.Field)
		}
	}
	return strings.Join(names, ", ")
}
