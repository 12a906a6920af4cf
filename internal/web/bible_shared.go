package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"majordome/internal/article"
	"majordome/internal/civil"
	"majordome/internal/httpx"
	"majordome/internal/valid"
)

// This file holds what the bible's pages share: who reads (the article.Viewer), the article of
// the URL, the mapping of the bible's errors, and the article form.

// bibleViewer is the caller as the bible sees them.
func (s *Server) bibleViewer(r *http.Request) (article.Viewer, error) {
	v, err := s.viewer(r)
	if err != nil {
		return article.Viewer{}, err
	}
	id, _ := httpx.IdentityFrom(r.Context())
	return article.Viewer{UserID: v.UserID, PersonID: v.PersonID, Name: v.Name, Email: id.Email, Role: v.Role}, nil
}

// bibleErr maps the bible's errors to pages: an article one may not read does not exist for
// them.
func bibleErr(err error) error {
	switch {
	case errors.Is(err, article.ErrNotFound):
		return fmt.Errorf("%w: %w", errNotFound, err)
	case errors.Is(err, article.ErrForbidden):
		return fmt.Errorf("%w: %w", errForbidden, err)
	}
	return err
}

// bibleArticle reads the article of the URL's {slug} for v.
func (s *Server) bibleArticle(r *http.Request, v article.Viewer) (article.Article, error) {
	a, err := s.Articles.Read(r.Context(), v, r.PathValue("slug"))
	return a, bibleErr(err)
}

// articleForm is an article as its form shows it.
func articleForm(a article.Article) url.Values {
	return url.Values{"title": {a.Title}, "slug": {a.Slug}, "kind": {a.Kind}, "category": {a.Category},
		"tags": {strings.Join(a.Tags, ", ")}, "audience": {a.Audience}, "status": {a.Status},
		"owner_email": {a.OwnerEmail}, "verified_until": {a.VerifiedUntil.French()}, "body": {a.Body}}
}

// articleFromForm reads the article form. A date that is not one is a field error.
func articleFromForm(f url.Values) (article.Article, valid.Errors) {
	a := article.Article{Title: f.Get("title"), Slug: strings.TrimSpace(f.Get("slug")), Kind: f.Get("kind"),
		Category: f.Get("category"), Tags: article.ParseTags(f.Get("tags")), Audience: f.Get("audience"),
		Status: f.Get("status"), OwnerEmail: f.Get("owner_email"), Body: f.Get("body")}
	var errs valid.Errors
	if d := strings.TrimSpace(f.Get("verified_until")); d != "" {
		date, err := civil.Parse(d)
		if err != nil {
			errs.Add("verified_until", "date_invalid", "value", d)
		}
		a.VerifiedUntil = date
	}
	return a, errs
}

// withDomainErrors adds to errs, the form's own, what the bible finds wrong with a, so that
// the editor shows every error at once.
func withDomainErrors(errs valid.Errors, a article.Article) valid.Errors {
	var ve valid.Errors
	if errors.As(article.Validate(a), &ve) {
		for _, fe := range ve {
			if !errs.Has(fe.Field) {
				errs = append(errs, fe)
			}
		}
	}
	return errs
}

// bibleChoices are the values of the form's selects and the list's filters.
type bibleChoices struct {
	Kinds, Audiences, Statuses []string
}

var bibleOptions = bibleChoices{Kinds: article.Kinds, Audiences: article.Audiences, Statuses: article.Statuses}
