package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"majordome/internal/auth"
)

// settingsFrame prepares a page of the settings area: "Réglages" is the current entry of the
// sidebar and the title is the translation of titleKey.
func (s *Server) settingsFrame(w http.ResponseWriter, r *http.Request, titleKey string) *Page {
	p := s.newPage(w, r, "settings")
	p.Title = p.T(titleKey)
	return p
}

// commonTimezones are the zones offices of French-speaking companies sit in, Paris first, so
// the Office Manager picks from a short list instead of typing an IANA name. Etc/UTC stands for
// UTC because the domain only accepts "Area/City" names.
var commonTimezones = []string{
	"Europe/Paris", "Europe/Brussels", "Europe/Luxembourg", "Europe/Zurich", "Europe/Monaco",
	"America/Montreal", "Indian/Reunion", "Indian/Mayotte", "America/Martinique",
	"America/Guadeloupe", "America/Cayenne", "Pacific/Noumea", "Pacific/Tahiti",
	"Europe/London", "Europe/Dublin", "Europe/Berlin", "Europe/Madrid", "Europe/Lisbon",
	"Europe/Amsterdam", "Africa/Casablanca", "Africa/Dakar", "Africa/Abidjan", "Africa/Tunis",
	"America/New_York", "America/Los_Angeles", "Asia/Singapore", "Etc/UTC",
}

// timezone is one option of a timezone select.
type timezone struct {
	ID    string // IANA name, what is stored
	Label string // the name with its offset today: "Europe/Paris (UTC+01:00)"
}

// timezoneOptions lists the curated zones plus those already in use (a site imported with
// another zone, a value set from the command line), so saving a form never changes a zone
// behind the Office Manager's back.
func timezoneOptions(inUse ...string) []timezone {
	ids := slices.Clone(commonTimezones)
	for _, z := range inUse {
		if z != "" && !slices.Contains(ids, z) {
			ids = append(ids, z)
		}
	}
	now := time.Now()
	out := make([]timezone, 0, len(ids))
	for _, id := range ids {
		label := id
		if id == "Etc/UTC" {
			label = "UTC"
		} else if loc, err := time.LoadLocation(id); err == nil {
			label += " (UTC" + now.In(loc).Format("-07:00") + ")"
		}
		out = append(out, timezone{ID: id, Label: label})
	}
	return out
}

// secretReveal is a secret shown once, right after it was made (a sign-in link, an API token):
// it is stored only hashed, so this page is the only chance to copy it.
type secretReveal struct {
	Title   string
	Text    string
	Value   string
	Warning bool   // a token: the amber callout that says it will never be shown again
	Example string // how to use it, e.g. a curl command
}

// signInURL is the address of the one-time sign-in link token.
func (s *Server) signInURL(token string) string {
	return s.Config.BaseURL + "/signin/link?token=" + url.QueryEscape(token)
}

// formRole reads the role field of a form; an unknown value is left for the domain to refuse.
func formRole(r *http.Request) auth.Role { return auth.Role(r.PostFormValue("role")) }
