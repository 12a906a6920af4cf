package web

import (
	"errors"
	"fmt"
	"net/http"

	"majordome/internal/httpx"
	"majordome/internal/i18n"
	"majordome/internal/importfile"
	"majordome/internal/request"
)

// errorData is what the error page shows.
type errorData struct {
	Status    int
	RequestID string
	Help      string // what to do, when the error says more than its status
}

// renderError shows a page for status in the reader's language; for a 500, the request id to
// quote to whoever runs Majordome.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, err error) {
	p := s.newPage(w, r, "")
	p.Title = p.T("error.title." + http.StatusText(status))
	if !s.I18n.Has("error.title." + http.StatusText(status)) {
		p.Title = http.StatusText(status)
	}
	data := errorData{Status: status, RequestID: httpx.RequestID(r.Context())}
	if tl := (tooLargeError{}); errors.As(err, &tl) {
		switch tl.kind {
		case "import":
			data.Help = p.T("error.page.413.help.import", "max", i18n.Size(p.Lang, importfile.MaxFileSize))
		case "upload":
			data.Help = p.T("error.page.413.help.upload", "max", i18n.Size(p.Lang, request.MaxAttachmentSize),
				"count", fmt.Sprint(request.MaxAttachmentsPerMessage))
		default:
			data.Help = p.T("error.page.413.help.form", "max", i18n.Size(p.Lang, tl.limit))
		}
	}
	p.Data = data
	if rerr := s.tmpl.render(w, status, "error", p); rerr != nil {
		s.Log.Error("error page failed", "err", rerr, "cause", err)
		http.Error(w, http.StatusText(status), status)
	}
}
