package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"majordome/internal/auth"
	"majordome/internal/httpx"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// viewer is the caller as the desk sees it. A token is neither a person nor an account, so it
// sees what its role alone allows: every request for an admin, those not confidential for an
// agent, and none for an employee or manager, who file requests but have none of their own.
func viewer(r *http.Request) request.Viewer {
	id, _ := httpx.IdentityFrom(r.Context())
	return request.Viewer{Role: id.Role, Name: id.Name}
}

// requestCreate answers POST /api/v1/requests.
func (s *server) requestCreate(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(w, r, newRequestFields, "application/json")
	if err != nil {
		return err
	}
	in, err := decodeNewRequest(obj)
	if err != nil {
		return err
	}
	req, err := s.Requests.Create(r.Context(), in)
	if err != nil {
		return err
	}
	out, err := s.requestsOut(r.Context(), req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", requestPath(req.Number))
	httpx.WriteJSON(w, http.StatusCreated, out(req))
	return nil
}

// requestGet answers GET /api/v1/requests/{number}.
func (s *server) requestGet(w http.ResponseWriter, r *http.Request) error {
	number, err := pathNumber(r)
	if err != nil {
		return err
	}
	req, err := s.Requests.Get(r.Context(), viewer(r), number)
	if err != nil {
		return err
	}
	out, err := s.requestsOut(r.Context(), req)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out(req))
	return nil
}

// requestPatch answers PATCH /api/v1/requests/{number} with JSON merge-patch semantics.
func (s *server) requestPatch(w http.ResponseWriter, r *http.Request) error {
	number, err := pathNumber(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, requestPatchFields, "application/merge-patch+json", "application/json")
	if err != nil {
		return err
	}
	p, err := decodeRequestPatch(obj)
	if err != nil {
		return err
	}
	if p.change.AssigneeID, err = s.assigneeID(r.Context(), p.assigneeEmail); err != nil {
		return err
	}
	req, err := s.Requests.Update(r.Context(), viewer(r), number, p.change)
	if err != nil {
		return renameField(err, "assignee", "assignee_email")
	}
	out, err := s.requestsOut(r.Context(), req)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out(req))
	return nil
}

// noSuchAccount is an id no account has. An assignee_email that names no account is passed as
// this id, so the desk refuses it as assignee_unknown together with any other wrong field, and
// writes nothing.
const noSuchAccount = -1

// assigneeID resolves an assignee's email to an account id: nil leaves the assignee as it is,
// "" unassigns. Whether the account may be assigned (an active agent or admin) is the desk's
// rule, checked there.
func (s *server) assigneeID(ctx context.Context, email *string) (*int64, error) {
	if email == nil {
		return nil, nil
	}
	id := int64(0)
	if *email != "" {
		u, err := s.Auth.UserByEmail(ctx, *email)
		switch {
		case errors.Is(err, auth.ErrNotFound):
			id = noSuchAccount
		case err != nil:
			return nil, err
		default:
			id = u.ID
		}
	}
	return &id, nil
}

// renameField gives the fields of a validation failure their API names, where the desk names
// them otherwise (it assigns an account; the API takes its email).
func renameField(err error, from, to string) error {
	var ve valid.Errors
	if !errors.As(err, &ve) {
		return err
	}
	out := make(valid.Errors, len(ve))
	for i, fe := range ve {
		if fe.Field == from {
			fe.Field = to
		}
		out[i] = fe
	}
	return out
}

func requestPath(number int64) string { return "/api/v1/requests/" + strconv.FormatInt(number, 10) }

// pathNumber reads the {number} of the path. A number that is not positive names no request.
func pathNumber(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	if err != nil || n <= 0 {
		return 0, request.ErrNotFound
	}
	return n, nil
}
