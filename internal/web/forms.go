package web

import (
	"errors"
	"net/http"
	"strconv"

	"majordome/internal/valid"
)

// formErrors puts a validation failure on the page and reports whether there was one; any other
// error is left to the caller.
func (s *Server) formErrors(p *Page, err error) bool {
	var ve valid.Errors
	if !errors.As(err, &ve) {
		return false
	}
	p.setErrors(ve)
	p.Flash = &flash{Kind: "error", Message: p.T("form.fix_errors")}
	return true
}

// pathID reads the {id} of the URL; a malformed id is a page that does not exist.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}
