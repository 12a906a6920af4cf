package web

import (
	"errors"
	"fmt"
	"net/http"

	"majordome/internal/httpx"
	"majordome/internal/mailin"
)

// requestEmails is the fragment of a request's page that lists the emails it was filed from or
// answered by, each with "Voir l'email d'origine", loaded by htmx for agents.
func (s *Server) requestEmails(w http.ResponseWriter, r *http.Request) error {
	n, err := pathNumber(r)
	if err != nil {
		return err
	}
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	if s.MailIn == nil {
		return errNotFound
	}
	req, err := s.Requests.Get(r.Context(), v, n)
	if err != nil {
		return deskErr(err)
	}
	list, err := s.MailIn.Originals(r.Context(), req.Number)
	if err != nil {
		return err
	}
	p := s.fragmentPage(r, "")
	p.Data = struct {
		Number int64
		Emails []mailin.Original
	}{req.Number, list}
	return s.tmpl.fragment(w, "settings_mail_inbound", "request-emails-fragment", p)
}

// requestEmail sends an email of a request as it came, its source shown in the browser, or
// saved as an .eml file a mail client opens (?download=1). Agents only; one of a request they
// may not see does not exist.
func (s *Server) requestEmail(w http.ResponseWriter, r *http.Request) error {
	n, err := pathNumber(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	if s.MailIn == nil {
		return errNotFound
	}
	raw, err := s.MailIn.OriginalEmail(r.Context(), v, n, id)
	if errors.Is(err, mailin.ErrOriginalNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	d := httpx.Download{Name: fmt.Sprintf("email-%d-%d.txt", n, id), ContentType: "text/plain; charset=utf-8",
		Data: raw, Inline: true}
	if r.URL.Query().Get("download") == "1" {
		d = httpx.Download{Name: fmt.Sprintf("email-%d-%d.eml", n, id), ContentType: "message/rfc822", Data: raw}
	}
	httpx.ServeDownload(w, r, d)
	return nil
}
