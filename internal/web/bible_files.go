package web

import (
	"errors"
	"net/http"

	"majordome/internal/article"
	"majordome/internal/httpx"
)

// bibleFileAdd attaches the uploaded files to an article (the desk's rules: 10 Mo a file, the
// same accepted kinds), then goes back to the editor, whose file list gives the Markdown to
// insert each one: an image shows inline, another file is a link.
func (s *Server) bibleFileAdd(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	a, err := s.bibleArticle(r, v)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "bible")
	files, err := s.uploadedFiles(p, r)
	if s.formErrors(p, err) {
		s.setFlash(w, "error", p.Err("file"))
		http.Redirect(w, r, "/bible/"+a.Slug+"/edit", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	for _, f := range files {
		if _, err := s.Articles.AddFile(r.Context(), v, a, article.Upload{Name: f.Name, ContentType: f.ContentType,
			SHA256: f.SHA256, Data: f.Data}); err != nil {
			return bibleErr(err)
		}
	}
	if len(files) > 0 {
		s.setFlash(w, "success", p.T("bible.files.added", "n", len(files)))
	}
	http.Redirect(w, r, "/bible/"+a.Slug+"/edit#files", http.StatusSeeOther)
	return nil
}

// bibleFileDelete removes a file of an article.
func (s *Server) bibleFileDelete(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	a, err := s.bibleArticle(r, v)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Articles.DeleteFile(r.Context(), v, a, id); err != nil {
		return bibleErr(err)
	}
	p := s.newPage(w, r, "bible")
	s.setFlash(w, "success", p.T("bible.files.deleted"))
	http.Redirect(w, r, "/bible/"+a.Slug+"/edit#files", http.StatusSeeOther)
	return nil
}

// bibleFile serves a file of an article to whoever may read the article: images shown,
// anything else saved. The slug of the URL does not matter, so that renaming an article keeps
// its images.
func (s *Server) bibleFile(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, data, err := s.Articles.FileData(r.Context(), v, id)
	if errors.Is(err, article.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	httpx.ServeDownload(w, r, httpx.Download{Name: f.Filename, ContentType: f.ContentType, SHA256: f.SHA256,
		ModTime: f.CreatedAt, Data: data, Inline: f.IsImage()})
	return nil
}
