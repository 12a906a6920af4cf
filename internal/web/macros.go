package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"majordome/internal/request"
)

// macroChoice is a macro in the reply box's picker, already filled for the request: the
// browser inserts Text as is, and points out the placeholders it could not fill.
type macroChoice struct {
	ID      int64
	Name    string
	Text    string
	Unknown string // the unknown placeholders, space-separated: "{{code}} {{salle}}"
	Preview string // the start of Text on one line
	Shared  bool
}

// macroChoices fills every macro agent may use for req. The desk's macros are for agents;
// others get none.
func (s *Server) macroChoices(ctx context.Context, v request.Viewer, req request.Request) ([]macroChoice, error) {
	if !v.IsAgent() {
		return nil, nil
	}
	macros, err := s.Requests.Macros(ctx, v)
	if err != nil {
		return nil, err
	}
	out := make([]macroChoice, 0, len(macros))
	for _, m := range macros {
		e, err := s.Requests.Expand(ctx, m.Body, req, v)
		if err != nil {
			return nil, err
		}
		out = append(out, macroChoice{ID: m.ID, Name: m.Name, Text: e.Text, Unknown: strings.Join(e.Unknown, " "),
			Preview: preview(e.Text, 90), Shared: m.Shared})
	}
	return out, nil
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
	m, err := s.Requests.Macro(r.Context(), v, id)
	if errors.Is(err, request.ErrMacroNotFound) {
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
