package web

import (
	"net/http"
	"net/url"

	"majordome/internal/mailout"
)

// mailSettingsData is what the email settings page shows besides its form.
type mailSettingsData struct {
	Settings  mailout.Settings
	Failures  []mailout.Failure
	Failing   []mailout.FailingAddress
	UserEmail string
}

// mailSettingsPage shows the email settings, the test button and the recent failures.
func (s *Server) mailSettingsPage(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "mailout.settings.title")
	if s.Mail == nil {
		return errNotFound
	}
	st, err := s.Mail.Settings(r.Context())
	if err != nil {
		return err
	}
	p.Form = url.Values{"address": {st.Address}, "smtp_url": {st.SMTPDisplay()}, "imap_url": {st.IMAPDisplay()}, "smtp_listen": {st.SMTPListen}}
	return s.renderMailSettings(w, r, p, http.StatusOK)
}

func (s *Server) renderMailSettings(w http.ResponseWriter, r *http.Request, p *Page, status int) error {
	st, err := s.Mail.Settings(r.Context())
	if err != nil {
		return err
	}
	fails, failing, err := s.Mail.Failures(r.Context(), 20)
	if err != nil {
		return err
	}
	d := mailSettingsData{Settings: st, Failures: fails, Failing: failing}
	if p.User != nil {
		d.UserEmail = p.User.Email
	}
	p.Data = d
	return s.renderStatus(w, status, p, "settings_mail")
}

// mailSettingsSave saves the settings of the page; passwords left empty are kept.
func (s *Server) mailSettingsSave(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "mailout.settings.title")
	if s.Mail == nil {
		return errNotFound
	}
	p.Form = r.PostForm
	err := s.Mail.SaveSettings(r.Context(), mailout.SettingsInput{Address: r.PostFormValue("address"),
		SMTPURL: r.PostFormValue("smtp_url"), SMTPPassword: r.PostFormValue("smtp_password"),
		IMAPURL: r.PostFormValue("imap_url"), IMAPPassword: r.PostFormValue("imap_password"),
		SMTPListen: r.PostFormValue("smtp_listen")})
	if s.formErrors(p, err) {
		return s.renderMailSettings(w, r, p, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("mailout.settings.saved"))
	http.Redirect(w, r, "/settings/mail", http.StatusSeeOther)
	return nil
}

// mailSettingsTest queues a test email to the admin's own address.
func (s *Server) mailSettingsTest(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "mailout.settings.title")
	if s.Mail == nil || p.User == nil {
		return errNotFound
	}
	err := s.Mail.SendTest(r.Context(), p.User.Email, p.User.Name, p.Lang)
	switch {
	case err == mailout.ErrNotSetUp:
		s.setFlash(w, "error", p.T("mailout.settings.test_off"))
	case err != nil:
		return err
	default:
		s.setFlash(w, "success", p.T("mailout.settings.test_sent"))
	}
	http.Redirect(w, r, "/settings/mail", http.StatusSeeOther)
	return nil
}

// mailFailingClear lets Majordome write to a bounced address again.
func (s *Server) mailFailingClear(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "mailout.settings.title")
	if s.Mail == nil {
		return errNotFound
	}
	addr := r.PostFormValue("address")
	if err := s.Mail.ClearFailing(r.Context(), addr); err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("mailout.settings.bounced_cleared", "address", addr))
	http.Redirect(w, r, "/settings/mail", http.StatusSeeOther)
	return nil
}
