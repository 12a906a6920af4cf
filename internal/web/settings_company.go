package web

import (
	"net/http"
	"net/url"

	"majordome/internal/settings"
)

// companyData is what the company settings page shows besides the form.
type companyData struct {
	Timezones []timezone
}

// settingsPage shows the company settings: name, default language, timezone.
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "settings.company.title")
	c := p.Company
	p.Form = url.Values{"name": {c.Name}, "language": {c.Language}, "timezone": {c.Timezone}}
	p.Data = companyData{Timezones: timezoneOptions(c.Timezone)}
	return s.render(w, p, "settings_company")
}

// settingsSave saves the company settings, then goes back to the page (post/redirect/get).
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "settings.company.title")
	c := settings.Company{Name: r.PostFormValue("name"), Language: r.PostFormValue("language"),
		Timezone: r.PostFormValue("timezone")}
	p.Form = r.PostForm
	_, err := s.Settings.SetCompany(r.Context(), c)
	if s.formErrors(p, err) {
		p.Data = companyData{Timezones: timezoneOptions(p.Company.Timezone)}
		return s.renderStatus(w, http.StatusUnprocessableEntity, p, "settings_company")
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("settings.company.saved"))
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
	return nil
}
