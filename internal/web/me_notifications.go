package web

import (
	"net/http"
	"net/url"
	"strconv"

	"majordome/internal/notify"
)

// mePrefsData is what the notification preferences page offers.
type mePrefsData struct {
	Modes []notify.Mode
	Hours []int
}

// meNotificationsPage shows how the reader wants to hear of things outside the app.
func (s *Server) meNotificationsPage(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "")
	p.Title = p.T("mailout.prefs.title")
	prefs, err := s.Notify.Prefs(r.Context(), p.User.UserID)
	if err != nil {
		return err
	}
	p.Form = url.Values{"mode": {string(prefs.Mode)}, "digest_hour": {strconv.Itoa(prefs.DigestHour)}}
	p.Data = s.mePrefsData()
	return s.render(w, p, "me_notifications")
}

// meNotificationsSave saves the reader's notification preferences.
func (s *Server) meNotificationsSave(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "")
	p.Title = p.T("mailout.prefs.title")
	p.Form = r.PostForm
	hour, err := strconv.Atoi(r.PostFormValue("digest_hour"))
	if err != nil {
		hour = -1
	}
	prefs := notify.Prefs{Mode: notify.Mode(r.PostFormValue("mode")), DigestHour: hour, Timezone: p.Company.Timezone}
	err = s.Notify.SetPrefs(r.Context(), p.User.UserID, prefs)
	if s.formErrors(p, err) {
		p.Data = s.mePrefsData()
		return s.renderStatus(w, http.StatusUnprocessableEntity, p, "me_notifications")
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("mailout.prefs.saved"))
	http.Redirect(w, r, "/me/notifications", http.StatusSeeOther)
	return nil
}

func (s *Server) mePrefsData() mePrefsData {
	d := mePrefsData{Modes: notify.Modes}
	for h := 0; h < 24; h++ {
		d.Hours = append(d.Hours, h)
	}
	return d
}
