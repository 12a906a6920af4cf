package web

import (
	"html/template"
	"net/http"

	"majordome/internal/article"
	"majordome/internal/auth"
	"majordome/internal/civil"
	"majordome/internal/httpx"
	"majordome/internal/markdown"
)

// bibleShowData is an article as read: its text with a table of contents, who keeps it and
// until when it is verified, its files and the articles that link to it.
type bibleShowData struct {
	Article    article.Article
	Body       template.HTML
	TOC        []markdown.Heading
	Files      []article.File
	LinkedFrom []article.Article
	Stale      bool
	CanWrite   bool
	Today      civil.Date
}

// bibleShow is /bible/{slug}.
func (s *Server) bibleShow(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	a, err := s.bibleArticle(r, v)
	if err != nil {
		return err
	}
	ctx := r.Context()
	id, _ := httpx.IdentityFrom(ctx)
	d := bibleShowData{Article: a, Today: s.Articles.Today(), CanWrite: id.Can(auth.RequestsWork)}
	d.Body, d.TOC = markdown.RenderDoc(a.Body)
	d.Stale = a.IsStale(d.Today)
	if d.Files, err = s.Articles.Files(ctx, a); err != nil {
		return err
	}
	if d.LinkedFrom, err = s.Articles.LinkedFrom(ctx, v, a.Slug); err != nil {
		return err
	}
	p := s.newPage(w, r, "bible")
	p.Title = a.Title
	p.Data = d
	return s.render(w, p, "bible_show")
}
