package web

import (
	"net/http"
	"net/url"

	"majordome/internal/mailin"
)

// mailInboundData is what the incoming email settings page shows besides its form.
type mailInboundData struct {
	Recent []mailin.Received
}

// mailInboundPage shows what happens to the emails the desk receives: unknown senders, the IMAP
// folder processed mail goes to, and the latest emails with what became of each.
func (s *Server) mailInboundPage(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "mailin.settings.title")
	if s.MailIn == nil {
		return errNotFound
	}
	st, err := s.MailIn.Settings(r.Context())
	if err != nil {
		return err
	}
	p.Form = url.Values{"unknown_sender": {st.UnknownSender}, "move_to": {st.MoveTo}}
	return s.renderMailInbound(w, r, p, http.StatusOK)
}

func (s *Server) renderMailInbound(w http.ResponseWriter, r *http.Request, p *Page, status int) error {
	recent, err := s.MailIn.Recent(r.Context(), 20)
	if err != nil {
		return err
	}
	p.Data = mailInboundData{Recent: recent}
	return s.renderStatus(w, status, p, "settings_mail_inbound")
}

// mailInboundSave saves the page's settings, then goes back to it (post/redirect/get).
func (s *Server) mailInboundSave(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "mailin.settings.title")
	if s.MailIn == nil {
		return errNotFound
	}
	p.Form = r.PostForm
	_, err := s.MailIn.SetSettings(r.Context(), mailin.Settings{UnknownSender: r.PostFormValue("unknown_sender"),
		MoveTo: r.PostFormValue("move_to")})
	if s.formErrors(p, err) {
		return s.renderMailInbound(w, r, p, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("mailin.settings.saved"))
	http.Redirect(w, r, "/settings/mail/inbound", http.StatusSeeOther)
	return nil
}
