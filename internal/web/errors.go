package web

import (
	"net/http"

	"majordome/internal/httpx"
)

// errorData is what the error page shows.
type errorData struct {
	Status    int
	RequestID string
}

// renderError shows a page for status in the reader's language; for a 500, the request id to
// quote to whoever runs Majordome.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, err error) {
	p := s.newPage(w, r, "")
	p.Title = p.T("error.title." + http.StatusText(status))
	if !s.I18n.Has("error.title." + http.StatusText(status)) {
		p.Title = http.StatusText(status)
	}
	p.Data = errorData{Status: status, RequestID: httpx.RequestID(r.Context())}
	if rerr := s.tmpl.render(w, status, "error", p); rerr != nil {
		s.Log.Error("error page failed", "err", rerr, "cause", err)
		http.Error(w, http.StatusText(status), status)
	}
}
