package web

import (
	"net/http"

	"majordome/internal/article"
	"majordome/internal/auth"
	"majordome/internal/civil"
	"majordome/internal/httpx"
)

// bibleListData is the bible's front page: a search box, filters and the articles found.
type bibleListData struct {
	Articles []article.Article
	Filter   article.Filter
	CanWrite bool // agents and admins write, and filter on status, audience and staleness
	Today    civil.Date
	Options  bibleChoices
	Empty    bool // the bible has nothing the reader may read, before any filter
}

// bibleList is /bible: search first, then the filters ("À vérifier" lists the articles past
// their "verified until" date). Employees see the published articles meant for everyone.
func (s *Server) bibleList(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := article.Filter{Text: q.Get("q"), Kind: q.Get("kind")}
	if v.IsAgent() {
		f.Status, f.Audience, f.Stale = q.Get("status"), q.Get("audience"), q.Get("stale") == "1"
	}
	list, err := s.Articles.List(r.Context(), v, f)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "bible")
	p.Title = p.T("bible.title")
	id, _ := httpx.IdentityFrom(r.Context())
	d := bibleListData{Articles: list, Filter: f, CanWrite: id.Can(auth.RequestsWork), Today: s.Articles.Today(),
		Options: bibleOptions}
	if len(list) == 0 && f == (article.Filter{}) {
		d.Empty = true
	}
	p.Data = d
	if wantsFragment(r) {
		return s.tmpl.fragment(w, "bible_list", "bible-results", p)
	}
	return s.render(w, p, "bible_list")
}
