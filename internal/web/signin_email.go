package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"majordome/internal/auth"
	"majordome/internal/httpx"
	"majordome/internal/people"
)

// signInData is what the sign-in page needs besides its form: whether a link can be sent by
// email, and whether one was just asked for.
type signInData struct {
	EmailLink bool
	LinkSent  bool
}

func (s *Server) signInData(r *http.Request) signInData {
	return signInData{EmailLink: s.Mail != nil && s.Mail.Ready(r.Context())}
}

// signInEmail sends a one-time sign-in link to the address typed, valid 15 minutes. The
// answer is the same whether the address is known or not, and whether the request was
// throttled, so the form reveals nobody. Any active account may receive one (an agent who lost
// their password as well as an employee who never had one); a person of the directory without
// an account gets an employee account on their first link.
func (s *Server) signInEmail(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "")
	p.Title = p.T("signin.title")
	p.Data = s.signInData(r)
	if s.Mail == nil {
		return errNotFound
	}
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("link_email")))
	if email != "" && strings.Contains(email, "@") {
		if err := s.sendSignInLink(r, email); err != nil {
			s.Log.Warn("sign-in link", "err", err)
		}
	}
	s.setFlash(w, "success", p.T("mailout.signin_form.sent"))
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

func (s *Server) sendSignInLink(r *http.Request, email string) error {
	ctx := r.Context()
	ok, err := s.Auth.AllowSignInEmail(ctx, email, httpx.ClientIP(r))
	if err != nil || !ok {
		return err
	}
	u, err := s.Auth.UserByEmail(ctx, email)
	if errors.Is(err, auth.ErrNotFound) {
		person, perr := s.People.GetByEmail(ctx, email)
		if errors.Is(perr, people.ErrNotFound) || (perr == nil && (!person.Active || person.External)) {
			return nil
		}
		if perr != nil {
			return perr
		}
		u, err = s.Auth.CreateUser(ctx, auth.NewUser{Email: person.Email, Name: person.FullName(),
			Role: auth.Employee, Language: person.Language})
	}
	if err != nil {
		return err
	}
	if !u.Active {
		return nil
	}
	token, err := s.Auth.CreateLink(ctx, u.ID, auth.LinkEmail, auth.MagicLinkTTL)
	if err != nil {
		return err
	}
	link := fmt.Sprintf("%s/signin/link?token=%s", s.Config.BaseURL, url.QueryEscape(token))
	return s.Mail.SendSignInLink(ctx, u.Email, u.Name, u.Language, link, int(auth.MagicLinkTTL.Minutes()))
}
