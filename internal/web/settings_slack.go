package web

import (
	"mime"
	"net/http"
	"net/url"

	"majordome/internal/slackbot"
)

// slackSettingsData is what the Slack settings page shows besides its form.
type slackSettingsData struct {
	Settings   slackbot.Settings
	Connection slackbot.Connection
	Socket     slackbot.SocketState // the Socket Mode connection, as its lease's holder recorded it
	Masked     map[string]string    // the stored secrets, masked
	Manifest   string               // the app manifest for this instance, to copy
	BaseURL    string
	Command    string
}

// slackSettingsPage shows the state of the Slack connection, how to create the app, and the
// settings an admin may paste (tokens, triage channel, unknown users).
func (s *Server) slackSettingsPage(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "slackbot.settings.title")
	if s.Slack == nil {
		return errNotFound
	}
	st, err := s.Slack.Settings(r.Context())
	if err != nil {
		return err
	}
	p.Form = url.Values{"triage_channel": {st.TriageChannel}, "unknown_users": {st.UnknownUsers}}
	return s.renderSlackSettings(w, r, p, http.StatusOK)
}

func (s *Server) renderSlackSettings(w http.ResponseWriter, r *http.Request, p *Page, status int) error {
	st, err := s.Slack.Settings(r.Context())
	if err != nil {
		return err
	}
	conn, err := s.Slack.Check(r.Context())
	if err != nil {
		return err
	}
	socket, err := s.Slack.SocketState(r.Context())
	if err != nil {
		return err
	}
	env := s.Slack.Env()
	p.Data = slackSettingsData{Settings: st, Connection: conn, Socket: socket, BaseURL: s.Config.BaseURL, Command: env.Command,
		Masked: map[string]string{"bot_token": slackbot.Mask(st.BotToken), "signing_secret": slackbot.Mask(st.SigningSecret),
			"app_token": slackbot.Mask(st.AppToken)},
		Manifest: string(slackbot.ManifestJSON(s.Config.BaseURL, env.Command, st.SocketMode()))}
	return s.renderStatus(w, status, p, "settings_slack")
}

// slackSettingsSave saves the page's settings; secrets left empty are kept.
func (s *Server) slackSettingsSave(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "slackbot.settings.title")
	if s.Slack == nil {
		return errNotFound
	}
	p.Form = url.Values{"triage_channel": r.PostForm["triage_channel"], "unknown_users": r.PostForm["unknown_users"]} // never the secrets
	err := s.Slack.Save(r.Context(), slackbot.SettingsInput{
		BotToken: r.PostFormValue("bot_token"), SigningSecret: r.PostFormValue("signing_secret"),
		AppToken: r.PostFormValue("app_token"), ClearBot: r.PostFormValue("clear_bot_token") == "1",
		ClearSigning: r.PostFormValue("clear_signing_secret") == "1", ClearApp: r.PostFormValue("clear_app_token") == "1",
		TriageChannel: r.PostFormValue("triage_channel"), UnknownUsers: r.PostFormValue("unknown_users")})
	if s.formErrors(p, err) {
		return s.renderSlackSettings(w, r, p, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("slackbot.settings.saved"))
	http.Redirect(w, r, "/settings/slack", http.StatusSeeOther)
	return nil
}

// slackManifest downloads the app manifest for this instance.
func (s *Server) slackManifest(w http.ResponseWriter, r *http.Request) error {
	if s.Slack == nil {
		return errNotFound
	}
	st, err := s.Slack.Settings(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "majordome-slack-manifest.json"}))
	_, err = w.Write(slackbot.ManifestJSON(s.Config.BaseURL, s.Slack.Env().Command, st.SocketMode()))
	return err
}
