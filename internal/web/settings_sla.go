package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"majordome/internal/request"
	"majordome/internal/valid"
)

// slaSettingsData is what the service levels page shows: the targets per priority (in the
// form, as hours) and every site with its working hours.
type slaSettingsData struct {
	Priorities []request.Priority
	Sites      []request.SiteHours
	Weekdays   []time.Weekday // Monday first, as a French week is read
	Workday    string         // the default working day in hours: "9"
	TwoDays    string
	Goals      []string // the two targets' keys, in the order of the columns
	HourFields []string // the hours form's two times

	// EditID and Edit re-open the hours form of a site whose change failed, with what was typed
	// and EditErrors (apart from the targets form's FieldErrors).
	EditID     int64
	Edit       request.SiteHoursInput
	EditErrors map[string]string
}

var frenchWeek = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// slaSettingsPage shows the targets and the sites' working hours.
func (s *Server) slaSettingsPage(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "sla.settings.title")
	if err := s.fillTargets(r, p); err != nil {
		return err
	}
	return s.renderSLASettings(w, r, p, http.StatusOK, slaSettingsData{})
}

// slaTargetsSave replaces the targets from the form, all or nothing.
func (s *Server) slaTargetsSave(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "sla.settings.title")
	if err := r.ParseForm(); err != nil {
		return err
	}
	var errs valid.Errors
	var targets []request.SLATarget
	for _, pr := range request.Priorities {
		t := request.SLATarget{Priority: pr}
		for _, f := range []struct {
			which string
			d     *time.Duration
		}{{"first_response", &t.FirstResponse}, {"resolution", &t.Resolution}} {
			name := request.SLATargetField(f.which, pr)
			v := strings.TrimSpace(r.PostForm.Get(name))
			d, ok := parseHours(v)
			if !ok {
				errs.Add(name, "sla_hours_invalid", "value", v)
			}
			*f.d = d
		}
		targets = append(targets, t)
	}
	err := errs.Err()
	if err == nil {
		err = s.Requests.SaveSLATargets(r.Context(), targets)
	}
	if s.formErrors(p, err) {
		p.Form = r.PostForm
		return s.renderSLASettings(w, r, p, http.StatusUnprocessableEntity, slaSettingsData{})
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("sla.settings.saved"))
	http.Redirect(w, r, "/settings/sla", http.StatusSeeOther)
	return nil
}

// slaSiteHoursSave sets a site's working hours from its inline form.
func (s *Server) slaSiteHoursSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := s.settingsFrame(w, r, "sla.settings.title")
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := request.SiteHoursInput{Start: r.PostForm.Get("work_start"), End: r.PostForm.Get("work_end"),
		WorkWhitMonday: r.PostForm.Get("work_whit_monday") != ""}
	for _, v := range r.PostForm["work_days"] {
		if d, err := strconv.Atoi(v); err == nil {
			in.Days = append(in.Days, time.Weekday(d))
		}
	}
	h, err := s.Requests.SaveSiteHours(r.Context(), id, in)
	if errors.Is(err, request.ErrNotFound) {
		return errNotFound
	}
	if s.formErrors(p, err) {
		in.Start, in.End = timeInput(in.Start), timeInput(in.End)
		d := slaSettingsData{EditID: id, Edit: in, EditErrors: p.FieldErrors}
		p.FieldErrors = nil
		if err := s.fillTargets(r, p); err != nil {
			return err
		}
		return s.renderSLASettings(w, r, p, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("sla.settings.hours_saved", "name", h.Site))
	http.Redirect(w, r, "/settings/sla#site-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// fillTargets puts the stored targets in the targets form.
func (s *Server) fillTargets(r *http.Request, p *Page) error {
	targets, err := s.Requests.SLATargets(r.Context())
	if err != nil {
		return err
	}
	p.Form = url.Values{}
	for _, t := range targets {
		p.Form.Set(request.SLATargetField("first_response", t.Priority), p.hours(t.FirstResponse))
		p.Form.Set(request.SLATargetField("resolution", t.Priority), p.hours(t.Resolution))
	}
	return nil
}

// renderSLASettings loads the sites around d and sends the page.
func (s *Server) renderSLASettings(w http.ResponseWriter, r *http.Request, p *Page, status int, d slaSettingsData) error {
	var err error
	if d.Sites, err = s.Requests.SitesHours(r.Context()); err != nil {
		return err
	}
	d.Priorities, d.Weekdays = request.Priorities, frenchWeek
	d.Goals, d.HourFields = []string{"first_response", "resolution"}, []string{"work_start", "work_end"}
	d.Workday, d.TwoDays = p.hours(9*time.Hour), p.hours(18*time.Hour)
	p.Data = d
	return s.renderStatus(w, status, p, "settings_sla")
}

// parseHours reads a number of hours as typed in French or English ("4", "1,5", "0.25") and
// returns it to the nearest minute.
func parseHours(s string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), ",", "."), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e6 {
		return 0, false
	}
	return time.Duration(math.Round(f*60)) * time.Minute, true
}

// hours writes d as a number of hours in the reader's language: "1,5" in French.
func (p *Page) hours(d time.Duration) string {
	s := strconv.FormatFloat(math.Round(d.Hours()*100)/100, 'f', -1, 64)
	if p.Lang == "fr" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// ClockOf writes a time since midnight as HH:MM, for the hours forms.
func (p *Page) ClockOf(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// DaysOf writes a site's working days shortly, Monday first: "lun. mar. mer. jeu. ven.".
func (p *Page) DaysOf(days [7]bool) string {
	var out []string
	for _, d := range frenchWeek {
		if days[d] {
			out = append(out, p.T("sla.day."+strconv.Itoa(int(d))))
		}
	}
	return strings.Join(out, " ")
}

// HasDay reports whether a site's hours, or the days typed in its failed form, include d.
func (d slaSettingsData) HasDay(site request.SiteHours, day time.Weekday) bool {
	if d.EditID == site.SiteID {
		for _, x := range d.Edit.Days {
			if x == day {
				return true
			}
		}
		return false
	}
	return site.Days[day]
}

// WorksWhitMonday reports whether a site works Whit Monday, or whether its failed form said so.
func (d slaSettingsData) WorksWhitMonday(site request.SiteHours) bool {
	if d.EditID == site.SiteID {
		return d.Edit.WorkWhitMonday
	}
	return site.WorkWhitMonday
}

// timeInput writes a typed time as an <input type="time"> shows it again: "8:00" or "8h" as
// "08:00"; what it cannot read is kept as typed.
func timeInput(v string) string {
	for _, layout := range []string{"15:04", "15h04", "15h", "3:04"} {
		if t, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
			return t.Format("15:04")
		}
	}
	return v
}
