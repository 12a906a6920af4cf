package web

import (
	"net/http"
	"net/url"
	"time"

	"majordome/internal/auth"
)

// newAccountLinkTTL is how long the sign-in link of a new account works: a week leaves time
// to hand it over, since Majordome does not send it by e-mail yet.
const newAccountLinkTTL = 7 * 24 * time.Hour

// usersData is what the accounts page shows.
type usersData struct {
	Users  []auth.User
	Roles  []auth.Role
	Self   int64
	Reveal *secretReveal // the sign-in link of the account just created
}

// usersPage lists the accounts and offers a form to create one.
func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "settings.users.title")
	p.Form = url.Values{"role": {string(auth.Agent)}}
	return s.renderUsers(w, r, p, http.StatusOK, nil)
}

// userCreate creates an account and shows, once, the link that signs its owner in. The page is
// rendered rather than redirected to, so the link is never stored anywhere to be shown later.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "settings.users.title")
	in := auth.NewUser{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: formRole(r),
		Language: p.Company.Language}
	p.Form = r.PostForm
	u, err := s.Auth.CreateUser(r.Context(), in)
	if s.formErrors(p, err) {
		return s.renderUsers(w, r, p, http.StatusUnprocessableEntity, nil)
	}
	if err != nil {
		return err
	}
	token, err := s.Auth.CreateLink(r.Context(), u.ID, auth.LinkReset, newAccountLinkTTL)
	if err != nil {
		return err
	}
	p.Form = url.Values{"role": {string(auth.Agent)}}
	p.Flash = &flash{Kind: "success", Message: p.T("settings.users.created", "name", u.Name)}
	return s.renderUsers(w, r, p, http.StatusOK, &secretReveal{
		Title: p.T("settings.users.link_title", "name", firstWord(u.Name)),
		Text:  p.T("settings.users.link_text", "name", firstWord(u.Name)),
		Value: s.signInURL(token),
	})
}

// renderUsers loads the accounts and sends the page.
func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, p *Page, status int, reveal *secretReveal) error {
	users, err := s.Auth.Users(r.Context())
	if err != nil {
		return err
	}
	p.Data = usersData{Users: users, Roles: auth.Roles, Self: p.User.UserID, Reveal: reveal}
	return s.renderStatus(w, status, p, "settings_users")
}
