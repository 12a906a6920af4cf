package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"majordome/internal/announce"
	"majordome/internal/markdown"
	"majordome/internal/valid"
)

// The composer's live parts: the count of recipients as the audience changes, and the previews
// of each channel as the text changes, both swapped in place by htmx.

// announceCountData is the live count: how many people the audience reaches, or why it cannot
// be counted.
type announceCountData struct {
	N       int
	Empty   bool   // nobody chosen yet
	Problem string // the audience names a team, site or person that does not exist
}

// announceCount counts the recipients of aud for the composer.
func (s *Server) announceCount(r *http.Request, p *Page, aud announce.Audience) announceCountData {
	if !aud.Everyone && len(aud.Teams)+len(aud.Sites)+len(aud.People) == 0 {
		return announceCountData{Empty: true}
	}
	n, err := s.Announce.Count(r.Context(), aud)
	var ve valid.Errors
	switch {
	case errors.As(err, &ve) && len(ve) > 0:
		return announceCountData{N: n, Problem: p.cat.FieldError(p.Lang, ve[0])}
	case err != nil:
		s.Log.Warn("announce count", "err", err)
		return announceCountData{Empty: true}
	}
	return announceCountData{N: n}
}

// announceCountFragment answers the composer's audience fields with the live count.
func (s *Server) announceCountFragment(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "announcements")
	p.Form = r.URL.Query()
	p.Data = announceFormData{Count: s.announceCount(r, p, announceAudience(p.Form))}
	return s.tmpl.fragment(w, "announcements_form", "announce-count", p)
}

// announcePreviewData is what each channel's preview shows: the text as typed, its importance
// and the acknowledgement asked.
type announcePreviewData struct {
	Title       string
	Body        template.HTML // the Markdown rendered, as the email and the portal show it
	Importance  announce.Importance
	AckRequired bool
	AckBy       *time.Time
	Empty       bool
}

// announcePreview renders the previews from the composer's fields.
func announcePreview(p *Page, f url.Values) announcePreviewData {
	in, _ := announceFromForm(f, p.loc)
	d := announcePreviewData{Title: in.Title, Importance: in.Importance, AckRequired: in.AckRequired, AckBy: in.AckBy}
	d.Body, _ = markdown.RenderDoc(in.Body)
	d.Empty = in.Title == "" && in.Body == ""
	return d
}

// announcePreviewFragment answers the composer's text with the previews (htmx, a moment after
// each keystroke).
func (s *Server) announcePreviewFragment(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := s.newPage(w, r, "announcements")
	p.Form = r.PostForm
	p.Data = announceFormData{Preview: announcePreview(p, r.PostForm)}
	return s.tmpl.fragment(w, "announcements_form", "announce-preview", p)
}
