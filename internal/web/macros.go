package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"majordome/internal/article"
	"majordome/internal/request"
)

// macroChoice is a reply template of the bible in the reply box's picker, already filled for
// the request: the browser inserts Text as is, and points out the placeholders it could not
// fill. (The desk's macros became the bible's reply templates; the web joins the two, so that
// the desk knows nothing of the bible.)
type macroChoice struct {
	ID      int64
	Name    string
	Text    string
	Unknown string // the unknown placeholders, space-separated: "{{code}} {{salle}}"
	Preview string // the start of Text on one line
	Shared  bool
}

// macroChoices fills every published reply template agent may use for req. They are for
// agents; others get none.
func (s *Server) macroChoices(ctx context.Context, v request.Viewer, req request.Request) ([]macroChoice, error) {
	if !v.IsAgent() {
		return nil, nil
	}
	templates, err := s.Articles.ReplyTemplates(ctx, articleViewer(v))
	if err != nil {
		return nil, err
	}
	out := make([]macroChoice, 0, len(templates))
	for _, m := range templates {
		e, err := s.Requests.Expand(ctx, m.Body, req, v)
		if err != nil {
			return nil, err
		}
		out = append(out, macroChoice{ID: m.ID, Name: m.Title, Text: e.Text, Unknown: strings.Join(e.Unknown, " "),
			Preview: preview(e.Text, 90), Shared: true})
	}
	return out, nil
}

// articleViewer is a desk viewer as the bible sees them.
func articleViewer(v request.Viewer) article.Viewer {
	return article.Viewer{UserID: v.UserID, PersonID: v.PersonID, Name: v.Name, Role: v.Role}
}

// preview is s on one line, cut to n characters.
func preview(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// insertMacro is the reply box's macro picker without JavaScript: the picker's buttons submit
// the reply form with "macro", and the page comes back with the macro's text added to what was
// typed, nothing sent. Unknown placeholders are pointed out.
func (s *Server) insertMacro(w http.ResponseWriter, r *http.Request, p *Page, v request.Viewer, n int64) error {
	req, err := s.Requests.Get(r.Context(), v, n)
	if err != nil {
		return deskErr(err)
	}
	id, _ := strconv.ParseInt(r.PostForm.Get("macro"), 10, 64)
	m, err := s.Articles.ReadID(r.Context(), articleViewer(v), id)
	if errors.Is(err, article.ErrNotFound) || (err == nil && (m.Kind != article.KindReplyTemplate || m.Status != article.StatusPublished)) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	e, err := s.Requests.Expand(r.Context(), m.Body, req, v)
	if err != nil {
		return err
	}
	p.Form = requestForm(req, r.PostForm)
	body := strings.TrimRight(p.Form.Get("body"), " \n")
	if body != "" {
		body += "\n\n"
	}
	p.Form.Set("body", body+e.Text)
	p.Form.Del("macro")
	if len(e.Unknown) > 0 {
		p.Flash = &flash{Kind: "info", Message: p.T("macros.unknown", "list", strings.Join(e.Unknown, ", "))}
	}
	return s.renderRequest(w, r, p, v, req, http.StatusOK)
}
