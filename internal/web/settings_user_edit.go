package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"majordome/internal/auth"
)

// resetLinkTTL is how long a sign-in link made by an admin for a locked-out person works.
const resetLinkTTL = 24 * time.Hour

// userEditData is what the page of one account shows.
type userEditData struct {
	User   auth.User
	Roles  []auth.Role
	Self   bool          // the reader's own account: the password is changed from "Mon compte"
	Reveal *secretReveal // a sign-in link just made
}

// userEdit shows one account: name, email, role, active, and the two ways to reset access.
func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pathUser(r)
	if err != nil {
		return err
	}
	p := s.settingsFrame(w, r, "settings.user.title")
	p.Form = url.Values{"name": {u.Name}, "email": {u.Email}, "role": {string(u.Role)}, "active": {strconv.FormatBool(u.Active)}}
	return s.renderUser(w, p, http.StatusOK, u, nil)
}

// userUpdate saves the account. Only what changed is sent to the domain, so the audit trail
// says "changed a role" or "changed a password" rather than a vague edit.
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pathUser(r)
	if err != nil {
		return err
	}
	p := s.settingsFrame(w, r, "settings.user.title")
	name, email, role := r.PostFormValue("name"), r.PostFormValue("email"), formRole(r)
	active, pw := r.PostFormValue("active") == "true", r.PostFormValue("password")
	p.Form = r.PostForm
	self := u.ID == p.User.UserID
	var ch auth.UserChange
	if name != u.Name {
		ch.Name = &name
	}
	if email != u.Email {
		ch.Email = &email
	}
	if role != u.Role {
		ch.Role = &role
	}
	if active != u.Active {
		ch.Active = &active
	}
	if pw != "" && !self { // one's own password is changed from "Mon compte", which keeps the session
		ch.Password = &pw
	}
	if ch != (auth.UserChange{}) {
		_, err = s.Auth.UpdateUser(r.Context(), u.ID, ch)
	}
	if errors.Is(err, auth.ErrLastAdmin) {
		p.Flash = &flash{Kind: "error", Message: p.T("settings.user.last_admin")}
		return s.renderUser(w, p, http.StatusUnprocessableEntity, u, nil)
	}
	if s.formErrors(p, err) {
		return s.renderUser(w, p, http.StatusUnprocessableEntity, u, nil)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("settings.user.saved", "name", name))
	next := "/settings/users"
	if self && (role != auth.Admin || !active) { // the reader just gave up the right to see this list
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// userSignInLink makes a fresh one-time sign-in link for a person who lost their password:
// the admin hands it over, the person signs in and chooses a new password.
func (s *Server) userSignInLink(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pathUser(r)
	if err != nil {
		return err
	}
	p := s.settingsFrame(w, r, "settings.user.title")
	p.Form = url.Values{"name": {u.Name}, "email": {u.Email}, "role": {string(u.Role)}, "active": {strconv.FormatBool(u.Active)}}
	if !u.Active { // UseLink refuses inactive accounts: a link would only disappoint
		p.Flash = &flash{Kind: "error", Message: p.T("settings.user.link_inactive")}
		return s.renderUser(w, p, http.StatusUnprocessableEntity, u, nil)
	}
	token, err := s.Auth.CreateLink(r.Context(), u.ID, auth.LinkReset, resetLinkTTL)
	if err != nil {
		return err
	}
	textKey := "settings.user.link_text"
	if !u.HasPassword {
		textKey = "settings.user.link_text_nopw"
	}
	return s.renderUser(w, p, http.StatusOK, u, &secretReveal{
		Title: p.T("settings.users.link_title", "name", firstWord(u.Name)),
		Text:  p.T(textKey, "name", firstWord(u.Name)),
		Value: s.signInURL(token),
	})
}

// pathUser is the account named by the URL's {id}.
func (s *Server) pathUser(r *http.Request) (auth.User, error) {
	id, err := pathID(r)
	if err != nil {
		return auth.User{}, err
	}
	return s.Auth.User(r.Context(), id)
}

func (s *Server) renderUser(w http.ResponseWriter, p *Page, status int, u auth.User, reveal *secretReveal) error {
	p.Data = userEditData{User: u, Roles: auth.Roles, Self: u.ID == p.User.UserID, Reveal: reveal}
	return s.renderStatus(w, status, p, "settings_user")
}
