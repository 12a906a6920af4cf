package web

import (
	"net/http"
	"strconv"
	"strings"

	"majordome/internal/article"
)

// maxSuggestions is how many articles the portal suggests while an employee types.
const maxSuggestions = 3

// bibleSuggestData is the portal's suggestions: the articles that may answer what the
// employee is typing.
type bibleSuggestData struct {
	Articles []article.Article
}

// suggestionText is what the employee typed: ?text=, or the title and details of the portal's
// form as htmx sends them.
func suggestionText(r *http.Request) string {
	q := r.URL.Query()
	if t := q.Get("text"); t != "" {
		return strings.TrimSpace(t)
	}
	return strings.TrimSpace(q.Get("title") + "\n" + q.Get("description"))
}

// portalSuggestions is GET /portal/suggestions?text=: the best published articles for the
// text, as a fragment of the portal's form (htmx, a moment after the employee stops typing).
func (s *Server) portalSuggestions(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	text := suggestionText(r)
	list, err := s.Articles.Suggest(r.Context(), v, text, maxSuggestions)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "portal")
	p.Data = bibleSuggestData{Articles: list}
	return s.tmpl.fragment(w, "bible_suggest", "bible-suggestions", p)
}

// portalHelped is "Ça m'a aidé": the article answered the question, nothing is filed, and the
// bible is credited in the reports. It takes the portal's form (title, description) or a text.
func (s *Server) portalHelped(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostFormValue("article"), 10, 64)
	if err != nil {
		return errNotFound
	}
	a, err := s.Articles.ReadID(r.Context(), v, id)
	if err != nil {
		return bibleErr(err)
	}
	text := r.PostFormValue("text")
	if text == "" { // the portal's form, sent by its "Ça m'a aidé" button
		text = strings.TrimSpace(r.PostFormValue("title") + "\n" + r.PostFormValue("description"))
	}
	if err := s.Articles.Deflect(r.Context(), v, id, text); err != nil {
		return bibleErr(err)
	}
	p := s.newPage(w, r, "portal")
	p.Title = p.T("bible.helped.title")
	p.Data = a
	return s.render(w, p, "bible_helped")
}
