package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"

	"majordome/internal/announce"
)

// announceCancel cancels an announcement that has not gone yet.
func (s *Server) announceCancel(w http.ResponseWriter, r *http.Request) error {
	a, err := s.announcement(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "announcements")
	err = s.Announce.Cancel(r.Context(), a.ID)
	switch {
	case errors.Is(err, announce.ErrAlreadySent):
		s.setFlash(w, "error", p.T("announcecompose.flash.too_late"))
	case errors.Is(err, announce.ErrCancelled):
	case err != nil:
		return announceErr(err)
	default:
		s.setFlash(w, "success", p.T("announcecompose.flash.cancelled", "title", a.Title))
	}
	http.Redirect(w, r, "/announcements/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
	return nil
}

// announceRemind tells again, briefly, everyone who has not acknowledged yet.
func (s *Server) announceRemind(w http.ResponseWriter, r *http.Request) error {
	a, err := s.announcement(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "announcements")
	n, err := s.Announce.Remind(r.Context(), a.ID)
	switch {
	case errors.Is(err, announce.ErrNotSent):
		s.setFlash(w, "error", p.T("announcecompose.flash.not_sent"))
	case err != nil:
		return announceErr(err)
	case n == 0 && a.Status == announce.StatusSending:
		// Only those a Slack message or an email reached can be reminded.
		s.setFlash(w, "info", p.T("announcecompose.flash.remind_still_sending"))
	case n == 0 && a.Counts.Acknowledged < a.Counts.Recipients:
		s.setFlash(w, "info", p.T("announcecompose.flash.remind_portal_only"))
	case n == 0:
		s.setFlash(w, "info", p.T("announcecompose.flash.nobody_to_remind"))
	default:
		s.setFlash(w, "success", p.T("announcecompose.flash.reminded", "n", n, "count", p.Num(n)))
	}
	http.Redirect(w, r, "/announcements/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
	return nil
}

// announceExport sends the recipients with their delivery and acknowledgement, as proof:
// ?format=xlsx for Excel's workbook, CSV (as Excel in French opens it) otherwise.
func (s *Server) announceExport(w http.ResponseWriter, r *http.Request) error {
	a, err := s.announcement(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "announcements")
	format, ext, ctype := "csv", "csv", "text/csv; charset=utf-8"
	if r.URL.Query().Get("format") == "xlsx" {
		format, ext, ctype = "xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	var buf bytes.Buffer
	if err := s.Announce.Export(r.Context(), a.ID, format, &buf); err != nil {
		return announceErr(err)
	}
	name := p.T("announcecompose.export.filename", "id", a.ID) + "." + ext
	return sendReportFile(w, name, ctype, buf.Bytes())
}

// announceFile sends an attachment of an announcement to the office, as its recipients get it.
func (s *Server) announceFile(w http.ResponseWriter, r *http.Request) error {
	a, err := s.announcement(r)
	if err != nil {
		return err
	}
	return s.serveAnnouncementFile(w, r, a.ID, a.UpdatedAt)
}
