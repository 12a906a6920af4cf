package web

import (
	"net/http"
	"time"

	"majordome/internal/auth"
	"majordome/internal/httpx"
	"majordome/internal/i18n"
)

// mePage shows the reader's own account: name, language, password.
func (s *Server) mePage(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "")
	p.Title = p.T("me.title")
	u, err := s.Auth.User(r.Context(), p.User.UserID)
	if err != nil {
		return err
	}
	p.Form = map[string][]string{"name": {u.Name}, "language": {u.Language}}
	p.Data = u
	return s.render(w, p, "me")
}

// meSave changes the reader's name, language and, when given, password.
func (s *Server) meSave(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "")
	p.Title = p.T("me.title")
	p.Form = r.PostForm
	ch := auth.UserChange{}
	name, lang := r.PostFormValue("name"), r.PostFormValue("language")
	ch.Name, ch.Language = &name, &lang
	pw := r.PostFormValue("password")
	if pw != "" {
		ch.Password = &pw
	}
	u, err := s.Auth.UpdateUser(r.Context(), p.User.UserID, ch)
	if s.formErrors(p, err) {
		cur, _ := s.Auth.User(r.Context(), p.User.UserID)
		p.Data = cur
		return s.renderStatus(w, http.StatusUnprocessableEntity, p, "me")
	}
	if err != nil {
		return err
	}
	if pw != "" { // a new password ends every session: open a fresh one here
		token, sess, err := s.Auth.SignIn(r.Context(), u.Email, pw, r.UserAgent(), httpx.ClientIP(r))
		if err != nil {
			return err
		}
		s.startSession(w, token, sess)
	}
	s.setFlash(w, "success", s.I18n.T(u.Language, "me.saved"))
	http.Redirect(w, r, "/me", http.StatusSeeOther)
	return nil
}

// setLanguage switches the interface language from the sidebar, and stays on the same page.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	lang := r.PostFormValue("language")
	if !i18n.Supported(lang) {
		return errNotFound
	}
	id, _ := httpx.IdentityFrom(r.Context())
	if _, err := s.Auth.UpdateUser(r.Context(), id.UserID, auth.UserChange{Language: &lang}); err != nil {
		return err
	}
	s.setCookie(w, langCookie, lang, 365*24*time.Hour)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}
