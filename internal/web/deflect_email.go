package web

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/i18n"
	"majordome/internal/mailout"
	"majordome/internal/request"
)

// The page of the "C'est réglé, fermer ma demande" link that the acknowledgement of an email
// request carries (mailout/ack.go): public, the token is the secret. GET only shows the request
// and the guides the email suggested (link scanners follow links); the POST withdraws the
// request (request.Desk.Withdraw, by its requester) and credits the bible
// (article.Service.DeflectTx, channel email), in one transaction. Twice is harmless.

// deflectEmailData is the page's Data.
type deflectEmailData struct {
	Token   string
	Request request.Request
	Guides  []article.Article
	Chosen  int64
	Done    bool   // the request was withdrawn, by this POST or before
	Already bool   // the request was settled before (by the team, or by this link)
	Guide   string // the guide that settled it, after the POST
}

// deflectEmailLoad reads what the token names: the request as its requester sees it, the
// guides still published for everyone, and the viewers to act as.
func (s *Server) deflectEmailLoad(ctx context.Context, token string) (deflectEmailData, request.Viewer, article.Viewer, string, error) {
	d := deflectEmailData{Token: token}
	if s.Mail == nil || s.Articles == nil {
		return d, request.Viewer{}, article.Viewer{}, "", errNotFound
	}
	link, err := s.Mail.AckLinkOf(ctx, token)
	if errors.Is(err, mailout.ErrNoLink) {
		return d, request.Viewer{}, article.Viewer{}, "", errNotFound
	}
	if err != nil {
		return d, request.Viewer{}, article.Viewer{}, "", err
	}
	person, err := s.People.Get(ctx, link.RequesterID)
	if err != nil {
		return d, request.Viewer{}, article.Viewer{}, "", err
	}
	rv := request.Viewer{PersonID: person.ID, Name: person.FullName(), Role: auth.Employee}
	av := article.Viewer{PersonID: person.ID, Name: person.FullName(), Email: person.Email, Role: auth.Employee}
	if d.Request, err = s.Requests.Get(ctx, rv, link.Number); err != nil {
		if errors.Is(err, request.ErrNotFound) {
			return d, rv, av, "", errNotFound
		}
		return d, rv, av, "", err
	}
	for _, id := range link.ArticleIDs {
		if a, err := s.Articles.ReadID(ctx, av, id); err == nil && a.Status == article.StatusPublished {
			d.Guides = append(d.Guides, a)
		}
	}
	d.Done = d.Request.Status.IsDone()
	return d, rv, av, person.Language, nil
}

// deflectEmailPage is GET /deflect/{token}: the request and its guides, and the button that
// withdraws it.
func (s *Server) deflectEmailPage(w http.ResponseWriter, r *http.Request) error {
	d, _, _, lang, err := s.deflectEmailLoad(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	p := s.deflectEmailFrame(w, r, lang)
	d.Already = d.Done
	if len(d.Guides) > 0 {
		d.Chosen = d.Guides[0].ID
	}
	p.Data = d
	return s.render(w, p, "deflect_email")
}

// deflectEmailConfirm is POST /deflect/{token}: the requester says the guide (field article,
// one of the email's) settled it.
func (s *Server) deflectEmailConfirm(w http.ResponseWriter, r *http.Request) error {
	d, rv, av, lang, err := s.deflectEmailLoad(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	p := s.deflectEmailFrame(w, r, lang)
	p.Data = &d
	if d.Done || len(d.Guides) == 0 {
		d.Already = true
		return s.render(w, p, "deflect_email")
	}
	chosen := d.Guides[0]
	if id, err := strconv.ParseInt(r.PostFormValue("article"), 10, 64); err == nil {
		if i := slices.IndexFunc(d.Guides, func(a article.Article) bool { return a.ID == id }); i >= 0 {
			chosen = d.Guides[i]
		}
	}
	d.Chosen, d.Guide = chosen.ID, chosen.Title
	ctx := audit.WithActor(r.Context(), audit.Actor{Kind: "system", Name: rv.Name + " (email)"})
	msg := s.I18n.T(i18n.Default, "deflect.message", "title", chosen.Title) // for the team
	_, err = s.Requests.Withdraw(ctx, rv, d.Request.Number, msg, request.Email, func(tx *sql.Tx, rq request.Request) error {
		return s.Articles.DeflectTx(ctx, tx, av, chosen, strings.TrimSpace(rq.Title+"\n"+rq.Description), article.ChannelEmail, rq.ID)
	})
	switch {
	case errors.Is(err, request.ErrInvalidTransition):
		d.Already, d.Done = true, true
	case err != nil:
		return err
	default:
		d.Done = true
	}
	return s.render(w, p, "deflect_email")
}

// deflectEmailFrame is the page's frame, in the requester's language unless ?lang= says
// otherwise.
func (s *Server) deflectEmailFrame(w http.ResponseWriter, r *http.Request, lang string) *Page {
	p := s.newPage(w, r, "")
	if r.URL.Query().Get("lang") == "" && i18n.Supported(lang) {
		p.Lang = lang
	}
	p.Title = p.T("deflect.page.title")
	return p
}
