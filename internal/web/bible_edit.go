package web

import (
	"html/template"
	"net/http"
	"slices"

	"majordome/internal/article"
	"majordome/internal/markdown"
)

// bibleFormData is the editor: the fields, a live preview of the body, and the article's files
// to insert (an existing article only).
type bibleFormData struct {
	Article article.Article // ID 0 for a new one
	Preview template.HTML
	Files   []article.File
	Options bibleChoices
}

// bibleNew is the editor for a new article; ?kind=reply_template starts a reply template.
func (s *Server) bibleNew(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "bible")
	a := article.Article{Kind: article.KindArticle, Audience: article.AudienceEveryone, Status: article.StatusDraft}
	if k := r.URL.Query().Get("kind"); slices.Contains(article.Kinds, k) {
		a.Kind = k
	}
	if a.Kind == article.KindReplyTemplate {
		a.Audience, a.Status = article.AudienceAgents, article.StatusPublished
	}
	if p.User != nil {
		a.OwnerEmail = p.User.Email
	}
	p.Form = articleForm(a)
	p.Form.Set("verified_until", "")
	return s.renderBibleForm(w, r, p, a, http.StatusOK)
}

// bibleCreate saves a new article and opens it.
func (s *Server) bibleCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "bible")
	if err := r.ParseForm(); err != nil {
		return err
	}
	in, errs := articleFromForm(r.PostForm)
	p.Form = r.PostForm
	if len(errs) > 0 {
		s.formErrors(p, withDomainErrors(errs, in))
		return s.renderBibleForm(w, r, p, article.Article{}, http.StatusUnprocessableEntity)
	}
	a, err := s.Articles.Create(r.Context(), v, in)
	if s.formErrors(p, err) {
		return s.renderBibleForm(w, r, p, article.Article{}, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return bibleErr(err)
	}
	s.setFlash(w, "success", p.T("bible.created", "title", a.Title))
	http.Redirect(w, r, "/bible/"+a.Slug, http.StatusSeeOther)
	return nil
}

// bibleEdit is the editor of an existing article.
func (s *Server) bibleEdit(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	a, err := s.bibleArticle(r, v)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "bible")
	p.Form = articleForm(a)
	return s.renderBibleForm(w, r, p, a, http.StatusOK)
}

// bibleUpdate saves an article as a new version.
func (s *Server) bibleUpdate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	before, err := s.bibleArticle(r, v)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "bible")
	if err := r.ParseForm(); err != nil {
		return err
	}
	in, errs := articleFromForm(r.PostForm)
	p.Form = r.PostForm
	if len(errs) > 0 {
		s.formErrors(p, withDomainErrors(errs, in))
		return s.renderBibleForm(w, r, p, before, http.StatusUnprocessableEntity)
	}
	a, err := s.Articles.Update(r.Context(), v, before.ID, in)
	if s.formErrors(p, err) {
		return s.renderBibleForm(w, r, p, before, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return bibleErr(err)
	}
	s.setFlash(w, "success", p.T("bible.saved", "title", a.Title))
	http.Redirect(w, r, "/bible/"+a.Slug, http.StatusSeeOther)
	return nil
}

// renderBibleForm shows the editor with p.Form, its preview and a's files.
func (s *Server) renderBibleForm(w http.ResponseWriter, r *http.Request, p *Page, a article.Article, status int) error {
	if a.ID == 0 {
		p.Title = p.T("bible.new.title")
	} else {
		p.Title = p.T("bible.edit.title", "title", a.Title)
		files, err := s.Articles.Files(r.Context(), a)
		if err != nil {
			return err
		}
		p.Data = bibleFormData{Article: a, Files: files}
	}
	d, _ := p.Data.(bibleFormData)
	d.Article, d.Options = a, bibleOptions
	d.Preview, _ = markdown.RenderDoc(p.Form.Get("body"))
	p.Data = d
	return s.renderStatus(w, status, p, "bible_form")
}

// biblePreview renders the editor's text as the article page will show it, for the live
// preview (htmx, a moment after each keystroke).
func (s *Server) biblePreview(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := s.newPage(w, r, "bible")
	html, _ := markdown.RenderDoc(r.PostForm.Get("body"))
	p.Data = bibleFormData{Preview: html}
	return s.tmpl.fragment(w, "bible_form", "bible-preview", p)
}
