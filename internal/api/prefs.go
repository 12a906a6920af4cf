package api

import (
	"encoding/json"
	"net/http"

	"majordome/internal/httpx"
	"majordome/internal/notify"
	"majordome/internal/valid"
)

// prefsJSON is how an account hears of things outside the app: mode both, slack, email or
// digest (one email a day at digest_hour, local time in timezone). The in-app inbox is always on.
type prefsJSON struct {
	Mode       string `json:"mode"`
	DigestHour int    `json:"digest_hour"`
	Timezone   string `json:"timezone"`
}

func prefsOut(p notify.Prefs) prefsJSON {
	return prefsJSON{Mode: string(p.Mode), DigestHour: p.DigestHour, Timezone: p.Timezone}
}

// prefsGet answers GET /api/v1/me/notification-preferences.
func (s *server) prefsGet(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meOf(r)
	if err != nil {
		return err
	}
	p, err := s.Notify.Prefs(r.Context(), m.user.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, prefsOut(p))
	return nil
}

// prefsPut answers PUT /api/v1/me/notification-preferences: mode and digest_hour are required;
// without a timezone, the company's is used, as on the web page.
func (s *server) prefsPut(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.meOf(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, []string{"mode", "digest_hour", "timezone"}, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	mode, hour, tz := f.str("mode"), f.integer("digest_hour"), f.str("timezone")
	if err := f.err(); err != nil {
		return err
	}
	var missing valid.Errors
	if mode == nil {
		missing.Add("mode", "required")
	}
	if hour == nil {
		missing.Add("digest_hour", "required")
	}
	if err := missing.Err(); err != nil {
		return err
	}
	p := notify.Prefs{Mode: notify.Mode(*mode), DigestHour: *hour, Timezone: val(tz)}
	if p.Timezone == "" {
		if p.Timezone, err = s.companyTimezone(r); err != nil {
			return err
		}
	}
	if err := s.Notify.SetPrefs(ctx, m.user.ID, p); err != nil {
		return err
	}
	if p, err = s.Notify.Prefs(ctx, m.user.ID); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, prefsOut(p))
	return nil
}

// companyTimezone is the company's timezone, where focus blocks and digests are read when the
// caller names none.
func (s *server) companyTimezone(r *http.Request) (string, error) {
	if s.Settings == nil {
		return notify.DefaultTimezone, nil
	}
	c, err := s.Settings.Company(r.Context())
	if err != nil {
		return "", err
	}
	return c.Timezone, nil
}

// integer returns the whole-number member name: nil when absent, nil with a type error when
// not a whole number (null included).
func (f *fields) integer(name string) *int {
	raw, ok := f.obj[name]
	if !ok {
		return nil
	}
	var n *int
	if err := json.Unmarshal(raw, &n); err != nil || n == nil {
		f.errs = append(f.errs, fieldError{Field: name, Code: "type_invalid", Params: map[string]string{"type": "integer"}})
		return nil
	}
	return n
}
