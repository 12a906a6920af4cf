package web

import (
	"errors"
	"net/http"

	"majordome/internal/request"
)

// macrosData is what the macros page shows: the macros the agent may use, the form that adds
// one, and the inline form of a macro whose change failed, re-opened with what was typed.
type macrosData struct {
	Macros       []request.Macro
	Placeholders []placeholderHelp
	New          request.MacroInput
	EditID       int64
	Edit         request.MacroInput
	EditErrors   map[string]string
}

// placeholderHelp is a placeholder as the page explains it: "{{prenom}}", and its name for the
// catalogue's explanation.
type placeholderHelp struct{ Code, Name string }

// macrosPage lists the desk's canned replies, for every agent to manage.
func (s *Server) macrosPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	p := s.macrosFrame(w, r)
	return s.renderMacros(w, r, p, v, http.StatusOK, macrosData{New: request.MacroInput{Shared: true}})
}

// macroCreate adds a macro.
func (s *Server) macroCreate(w http.ResponseWriter, r *http.Request) error {
	return s.macroSave(w, r, 0)
}

// macroUpdate changes a macro from its inline form.
func (s *Server) macroUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.macroSave(w, r, id)
}

func (s *Server) macroSave(w http.ResponseWriter, r *http.Request, id int64) error {
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	p := s.macrosFrame(w, r)
	// The checkbox follows a hidden "0": the last value is the one the person chose.
	shared := r.PostForm["shared"]
	in := request.MacroInput{Name: r.PostFormValue("name"), Body: r.PostFormValue("body"),
		Shared: len(shared) > 0 && shared[len(shared)-1] == "1"}
	m, err := s.Requests.SaveMacro(r.Context(), v, id, in)
	if s.formErrors(p, err) {
		d := macrosData{New: in}
		if id != 0 {
			d = macrosData{New: request.MacroInput{Shared: true}, EditID: id, Edit: in, EditErrors: p.FieldErrors}
			p.FieldErrors = nil
		}
		return s.renderMacros(w, r, p, v, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return macroErr(err)
	}
	key := "macros.saved"
	if id == 0 {
		key = "macros.created"
	}
	s.setFlash(w, "success", p.T(key, "name", m.Name))
	http.Redirect(w, r, "/settings/macros", http.StatusSeeOther)
	return nil
}

// macroDelete removes a macro.
func (s *Server) macroDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	p := s.macrosFrame(w, r)
	m, err := s.Requests.Macro(r.Context(), v, id)
	if err != nil {
		return macroErr(err)
	}
	if err := s.Requests.DeleteMacro(r.Context(), v, id); err != nil {
		return macroErr(err)
	}
	s.setFlash(w, "success", p.T("macros.deleted", "name", m.Name))
	http.Redirect(w, r, "/settings/macros", http.StatusSeeOther)
	return nil
}

// macroErr maps the desk's macro errors to pages: another agent's own macro does not exist.
func macroErr(err error) error {
	if errors.Is(err, request.ErrMacroNotFound) {
		return errNotFound
	}
	return deskErr(err)
}

func (s *Server) macrosFrame(w http.ResponseWriter, r *http.Request) *Page {
	p := s.newPage(w, r, "requests")
	p.Title = p.T("macros.title")
	return p
}

// renderMacros loads the macros around the forms of d and sends the page.
func (s *Server) renderMacros(w http.ResponseWriter, r *http.Request, p *Page, v request.Viewer, status int, d macrosData) error {
	var err error
	if d.Macros, err = s.Requests.Macros(r.Context(), v); err != nil {
		return deskErr(err)
	}
	for _, ph := range request.Placeholders {
		d.Placeholders = append(d.Placeholders, placeholderHelp{Code: "{{" + ph + "}}", Name: ph})
	}
	p.Data = d
	return s.renderStatus(w, status, p, "settings_macros")
}
