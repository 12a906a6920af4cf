package web

import (
	"net/http"
	"slices"
	"strconv"

	"majordome/internal/article"
)

// bibleHistoryData is an article's versions, and the change made by one of them: its lines
// compared with the version before.
type bibleHistoryData struct {
	Article  article.Article
	Versions []article.Version
	Shown    article.Version // the version whose change is shown, the newest by default
	Diff     []article.DiffLine
	Changed  []string // the fields other than the text that changed, by form label key
	First    bool     // Shown is version 1: everything was added
}

// bibleHistory is /bible/{slug}/history?v=N: the versions, newest first, and what version N
// changed.
func (s *Server) bibleHistory(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	a, err := s.bibleArticle(r, v)
	if err != nil {
		return err
	}
	ctx := r.Context()
	vers, err := s.Articles.Versions(ctx, a)
	if err != nil {
		return err
	}
	d := bibleHistoryData{Article: a, Versions: vers}
	if len(vers) > 0 {
		d.Shown = vers[0]
		if n, err := strconv.Atoi(r.URL.Query().Get("v")); err == nil {
			for _, ver := range vers {
				if ver.Version == n {
					d.Shown = ver
				}
			}
		}
		var prev article.Version
		for _, ver := range vers {
			if ver.Version == d.Shown.Version-1 {
				prev = ver
			}
		}
		d.First = prev.Version == 0
		d.Diff = article.Diff(prev.Body, d.Shown.Body)
		d.Changed = changedFields(prev, d.Shown)
	}
	p := s.newPage(w, r, "bible")
	p.Title = p.T("bible.history.title", "title", a.Title)
	p.Data = d
	return s.render(w, p, "bible_history")
}

// changedFields names the fields besides the text that differ between two versions.
func changedFields(a, b article.Version) []string {
	if a.Version == 0 {
		return nil
	}
	var out []string
	add := func(changed bool, field string) {
		if changed {
			out = append(out, "field."+field)
		}
	}
	add(a.Title != b.Title, "title")
	add(a.Kind != b.Kind, "kind")
	add(a.Category != b.Category, "category")
	add(!slices.Equal(a.Tags, b.Tags), "tags")
	add(a.Audience != b.Audience, "audience")
	add(a.Status != b.Status, "status")
	add(a.OwnerEmail != b.OwnerEmail, "owner_email")
	add(a.VerifiedUntil != b.VerifiedUntil, "verified_until")
	return out
}

// bibleRestore makes a former version current again, as a new version.
func (s *Server) bibleRestore(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	a, err := s.bibleArticle(r, v)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		return errNotFound
	}
	restored, err := s.Articles.Restore(r.Context(), v, a.ID, n)
	if err != nil {
		return bibleErr(err)
	}
	p := s.newPage(w, r, "bible")
	s.setFlash(w, "success", p.T("bible.restored", "version", strconv.Itoa(n), "new", strconv.Itoa(restored.Version)))
	http.Redirect(w, r, "/bible/"+restored.Slug, http.StatusSeeOther)
	return nil
}
