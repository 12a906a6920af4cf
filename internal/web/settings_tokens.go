package web

import (
	"net/http"
	"net/url"

	"majordome/internal/auth"
)

// tokensData is what the API tokens page shows.
type tokensData struct {
	Tokens  []auth.Token
	Roles   []auth.Role
	BaseURL string
	Reveal  *secretReveal // the secret of the token just created
}

// tokensPage lists the API tokens (never their secrets) and offers a form to create one.
func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "settings.tokens.title")
	p.Form = url.Values{"role": {string(auth.Agent)}}
	return s.renderTokens(w, r, p, http.StatusOK, nil)
}

// tokenCreate makes a token and shows its secret this once: only its hash is stored. Like a new
// account's link, the page is rendered, not redirected to, so the secret is kept nowhere.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "settings.tokens.title")
	name, role := r.PostFormValue("name"), formRole(r)
	p.Form = r.PostForm
	t, secret, err := s.Auth.CreateToken(r.Context(), name, role, p.User.UserID)
	if s.formErrors(p, err) {
		return s.renderTokens(w, r, p, http.StatusUnprocessableEntity, nil)
	}
	if err != nil {
		return err
	}
	p.Form = url.Values{"role": {string(auth.Agent)}}
	p.Flash = &flash{Kind: "success", Message: p.T("settings.tokens.created", "name", t.Name)}
	return s.renderTokens(w, r, p, http.StatusOK, &secretReveal{
		Title:   p.T("settings.tokens.reveal_title"),
		Text:    p.T("settings.tokens.reveal_text", "name", t.Name),
		Value:   secret,
		Warning: true,
		Example: `curl -H "Authorization: Bearer ` + secret + `" ` + s.Config.BaseURL + "/api/v1/people",
	})
}

// tokenRevoke stops a token at once; the tools using it get 401 from then on.
func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	s.setFlash(w, "success", s.I18n.T(s.lang(r), "settings.tokens.revoked"))
	http.Redirect(w, r, "/settings/tokens", http.StatusSeeOther)
	return nil
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, p *Page, status int, reveal *secretReveal) error {
	tokens, err := s.Auth.Tokens(r.Context())
	if err != nil {
		return err
	}
	p.Data = tokensData{Tokens: tokens, Roles: auth.Roles, BaseURL: s.Config.BaseURL, Reveal: reveal}
	return s.renderStatus(w, status, p, "settings_tokens")
}
