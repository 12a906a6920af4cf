package web

import (
	"net/http"

	"majordome/internal/people"
)

// sitesData is what the sites and teams page shows.
type sitesData struct {
	Sites     []people.Site
	Teams     []people.Team
	Timezones []timezone
	Regions   []string

	// New fills the form that adds a site; EditID and Edit re-open the inline form of a site
	// whose change failed, with what was typed and EditErrors (kept apart from the page's
	// FieldErrors so the other forms, which share the field names, stay clean).
	New        people.SiteInput
	EditID     int64
	Edit       people.SiteInput
	EditErrors map[string]string
}

// sitesPage lists the sites with their timezone and public-holiday calendar, and the teams.
func (s *Server) sitesPage(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "settings.sites.title")
	return s.renderSites(w, r, p, http.StatusOK, sitesData{
		New: people.SiteInput{Timezone: p.Company.Timezone, HolidayRegion: people.HolidayRegions[0]}})
}

// siteCreate adds a site.
func (s *Server) siteCreate(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "settings.sites.title")
	in := siteInput(r)
	site, err := s.People.SaveSite(r.Context(), 0, in)
	if s.formErrors(p, err) {
		return s.renderSites(w, r, p, http.StatusUnprocessableEntity, sitesData{New: in})
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("settings.sites.created", "name", site.Name))
	http.Redirect(w, r, "/settings/sites", http.StatusSeeOther)
	return nil
}

// siteUpdate edits a site from its inline form.
func (s *Server) siteUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := s.settingsFrame(w, r, "settings.sites.title")
	in := siteInput(r)
	site, err := s.People.SaveSite(r.Context(), id, in)
	if s.formErrors(p, err) {
		d := sitesData{New: people.SiteInput{Timezone: p.Company.Timezone, HolidayRegion: people.HolidayRegions[0]},
			EditID: id, Edit: in, EditErrors: p.FieldErrors}
		p.FieldErrors = nil
		return s.renderSites(w, r, p, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("settings.sites.saved", "name", site.Name))
	http.Redirect(w, r, "/settings/sites", http.StatusSeeOther)
	return nil
}

func siteInput(r *http.Request) people.SiteInput {
	return people.SiteInput{Name: r.PostFormValue("name"), Timezone: r.PostFormValue("timezone"),
		HolidayRegion: r.PostFormValue("holiday_region")}
}

// renderSites loads the sites and teams around the forms of d and sends the page.
func (s *Server) renderSites(w http.ResponseWriter, r *http.Request, p *Page, status int, d sitesData) error {
	var err error
	if d.Sites, err = s.People.Sites(r.Context()); err != nil {
		return err
	}
	if d.Teams, err = s.People.Teams(r.Context()); err != nil {
		return err
	}
	inUse := []string{p.Company.Timezone}
	for _, st := range d.Sites {
		inUse = append(inUse, st.Timezone)
	}
	d.Timezones = timezoneOptions(inUse...)
	d.Regions = people.HolidayRegions
	p.Form = nil
	p.Data = d
	return s.renderStatus(w, status, p, "settings_sites")
}
