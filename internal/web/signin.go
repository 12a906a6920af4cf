package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"majordome/internal/auth"
	"majordome/internal/httpx"
	"majordome/internal/i18n"
)

// signInPage shows the sign-in form. ?lang= switches the language before signing in.
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	if l := r.URL.Query().Get("lang"); i18n.Supported(l) {
		s.setCookie(w, langCookie, l, 365*24*time.Hour)
		q := r.URL.Query()
		q.Del("lang")
		r.URL.RawQuery = q.Encode()
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusSeeOther)
		return nil
	}
	if _, ok := httpx.IdentityFrom(r.Context()); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	p := s.newPage(w, r, "")
	p.Title = p.T("signin.title")
	p.Form = map[string][]string{"next": {r.URL.Query().Get("next")}}
	p.Data = s.signInData(r)
	return s.render(w, p, "signin")
}

// signIn checks the email and password and opens a session.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "")
	p.Title = p.T("signin.title")
	p.Form = r.PostForm
	p.Data = s.signInData(r)
	token, sess, err := s.Auth.SignIn(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"),
		r.UserAgent(), httpx.ClientIP(r))
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		p.Flash = &flash{Kind: "error", Message: p.T("signin.bad")}
		return s.renderStatus(w, http.StatusUnauthorized, p, "signin")
	case errors.Is(err, auth.ErrRateLimited):
		p.Flash = &flash{Kind: "error", Message: p.T("signin.throttled")}
		return s.renderStatus(w, http.StatusTooManyRequests, p, "signin")
	case err != nil:
		return err
	}
	s.startSession(w, token, sess)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// signInLink consumes a one-time link (printed at first start, or made by an admin) and signs
// the person in. The first admin then goes to the welcome page to choose their name and password.
func (s *Server) signInLink(w http.ResponseWriter, r *http.Request) error {
	token, sess, purpose, err := s.Auth.UseLink(r.Context(), r.URL.Query().Get("token"), r.UserAgent(), httpx.ClientIP(r))
	if errors.Is(err, auth.ErrInvalidLink) {
		p := s.newPage(w, r, "")
		p.Title = p.T("signin.title")
		p.Flash = &flash{Kind: "error", Message: p.T("signin.link_invalid")}
		p.Data = s.signInData(r)
		return s.renderStatus(w, http.StatusGone, p, "signin")
	}
	if err != nil {
		return err
	}
	s.startSession(w, token, sess)
	next := "/"
	if purpose == auth.LinkFirstAdmin || (!sess.User.HasPassword && purpose != auth.LinkEmail) {
		next = "/welcome"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// signOut ends the session.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Auth.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

// welcomePage asks a person signed in by link for their name, email and a password; for the
// first admin, also the company's name.
func (s *Server) welcomePage(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "")
	p.Title = p.T("welcome.title")
	id, _ := httpx.IdentityFrom(r.Context())
	u, err := s.Auth.User(r.Context(), id.UserID)
	if err != nil {
		return err
	}
	email := u.Email
	if email == auth.FirstAdminEmail {
		email = ""
	}
	p.Form = map[string][]string{"name": {u.Name}, "email": {email}, "company": {p.Company.Name}}
	return s.render(w, p, "welcome")
}

// welcome saves the welcome form.
func (s *Server) welcome(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "")
	p.Title = p.T("welcome.title")
	p.Form = r.PostForm
	id, _ := httpx.IdentityFrom(r.Context())
	name, email, pw := strings.TrimSpace(r.PostFormValue("name")), strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	u, err := s.Auth.UpdateUser(r.Context(), id.UserID, auth.UserChange{Name: &name, Email: &email, Password: &pw})
	if s.formErrors(p, err) {
		return s.renderStatus(w, http.StatusUnprocessableEntity, p, "welcome")
	}
	if err != nil {
		return err
	}
	if id.Role == auth.Admin && r.PostFormValue("company") != "" {
		c := p.Company
		c.Name = r.PostFormValue("company")
		if _, err := s.Settings.SetCompany(r.Context(), c); s.formErrors(p, err) {
			return s.renderStatus(w, http.StatusUnprocessableEntity, p, "welcome")
		} else if err != nil {
			return err
		}
	}
	// A new password ended every session, this one included: open a fresh one.
	token, sess, err := s.Auth.SignIn(r.Context(), u.Email, pw, r.UserAgent(), httpx.ClientIP(r))
	if err != nil {
		return err
	}
	s.startSession(w, token, sess)
	s.setFlash(w, "success", p.T("welcome.done", "name", u.Name))
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
