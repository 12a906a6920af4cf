package web

import (
	"net/http"
	"strconv"
	"strings"

	"majordome/internal/checklist"
)

// The checklist editor: a template's fields and its task rows. Adding, removing and moving a
// row are buttons of the same form (name "row_action"), answered by the server re-rendering
// the form with what was typed, so the editor needs no script and loses nothing.

// checklistFormData is what the editor shows.
type checklistFormData struct {
	Slug     string // the stored slug, "" for a new template
	Template checklist.Template
	Rows     []taskRow
	Anchors  []string
	Recurs   []string
	Units    []string
	Owners   []string
}

// taskRow is a task as the form holds it: the owner split into its kind and its value.
type taskRow struct {
	checklist.Task
	OwnerKind  string // role:manager, role:person, role:office_manager, team, person
	OwnerValue string // the team's name or the person's email
	Offset     string // as typed, so "J-" typos come back as they were
	OffsetEnd  string
}

var ownerKinds = []string{checklist.OwnerOfficeManager, checklist.OwnerManager, checklist.OwnerPerson, "team", "person"}

func rowOf(k checklist.Task) taskRow {
	r := taskRow{Task: k, Offset: strconv.Itoa(k.Offset)}
	if k.OffsetEnd != 0 {
		r.OffsetEnd = strconv.Itoa(k.OffsetEnd)
	}
	kind, val, _ := strings.Cut(k.Owner, ":")
	switch kind {
	case "team", "person":
		r.OwnerKind, r.OwnerValue = kind, val
	default:
		r.OwnerKind = k.Owner
	}
	return r
}

// parseOffset reads "-10", "J-10", "j+3", "+30" or "" (0).
func parseOffset(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s), "JjDd"))
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s, "+"))
	return n, err == nil
}

// readChecklistForm reads the editor's fields and rows.
func readChecklistForm(r *http.Request) (checklist.Template, []taskRow, []string) {
	f := r.PostForm
	t := checklist.Template{Slug: strings.TrimSpace(f.Get("slug")), Title: f.Get("title"),
		Description: f.Get("description"), Anchor: f.Get("anchor"), Recurrence: f.Get("recurrence"),
		RecurrenceDay: f.Get("recurrence_day")}
	titles := f["task_title"]
	var rows []taskRow
	var bad []string
	at := func(name string, i int) string {
		if v := f[name]; i < len(v) {
			return v[i]
		}
		return ""
	}
	for i := range titles {
		row := taskRow{OwnerKind: at("task_owner_kind", i), OwnerValue: strings.TrimSpace(at("task_owner_value", i)),
			Offset: at("task_offset", i), OffsetEnd: at("task_offset_end", i)}
		row.Title, row.Unit, row.Details, row.ArticleSlug = titles[i], at("task_unit", i), at("task_details", i),
			strings.TrimSpace(at("task_article", i))
		var ok1, ok2 bool
		row.Task.Offset, ok1 = parseOffset(row.Offset)
		row.Task.OffsetEnd, ok2 = parseOffset(row.OffsetEnd)
		if !ok1 || !ok2 {
			bad = append(bad, strconv.Itoa(i))
		}
		row.Owner = row.OwnerKind
		if row.OwnerKind == "team" || row.OwnerKind == "person" {
			row.Owner = row.OwnerKind + ":" + row.OwnerValue
		}
		rows = append(rows, row)
	}
	for _, row := range rows {
		t.Tasks = append(t.Tasks, row.Task)
	}
	return t, rows, bad
}

// moveRows applies a row action ("add", "remove:2", "up:2", "down:2") to rows.
func moveRows(rows []taskRow, action string) []taskRow {
	verb, arg, _ := strings.Cut(action, ":")
	i, err := strconv.Atoi(arg)
	valid := err == nil && i >= 0 && i < len(rows)
	switch {
	case verb == "add":
		rows = append(rows, taskRow{Task: checklist.Task{Unit: checklist.Working}, OwnerKind: checklist.OwnerOfficeManager, Offset: "0"})
	case verb == "remove" && valid:
		rows = append(rows[:i], rows[i+1:]...)
	case verb == "up" && valid && i > 0:
		rows[i-1], rows[i] = rows[i], rows[i-1]
	case verb == "down" && valid && i+1 < len(rows):
		rows[i+1], rows[i] = rows[i], rows[i+1]
	}
	return rows
}

// checklistNew shows an empty editor with one task row.
func (s *Server) checklistNew(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "bible")
	p.Title = p.T("checklists.new")
	t := checklist.Template{Anchor: checklist.AnchorPersonStart}
	return s.renderChecklistForm(w, p, http.StatusOK, "", t, moveRows(nil, "add"))
}

// checklistEdit shows the editor of a template.
func (s *Server) checklistEdit(w http.ResponseWriter, r *http.Request) error {
	t, err := s.Checklists.TemplateBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return checklistErr(err)
	}
	p := s.newPage(w, r, "bible")
	p.Title = p.T("checklists.edit_title", "title", t.Title)
	rows := make([]taskRow, len(t.Tasks))
	for i, k := range t.Tasks {
		rows[i] = rowOf(k)
	}
	return s.renderChecklistForm(w, p, http.StatusOK, t.Slug, t, rows)
}

// checklistCreate saves a new template (or applies a row action to the form).
func (s *Server) checklistCreate(w http.ResponseWriter, r *http.Request) error {
	return s.checklistSave(w, r, "")
}

// checklistUpdate saves a template (or applies a row action to the form).
func (s *Server) checklistUpdate(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if _, err := s.Checklists.TemplateBySlug(r.Context(), slug); err != nil {
		return checklistErr(err)
	}
	return s.checklistSave(w, r, slug)
}

func (s *Server) checklistSave(w http.ResponseWriter, r *http.Request, slug string) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := s.newPage(w, r, "bible")
	p.Title = p.T("checklists.new")
	if slug != "" {
		p.Title = p.T("checklists.edit_title", "title", r.PostForm.Get("title"))
	}
	t, rows, bad := readChecklistForm(r)
	if action := r.PostForm.Get("row_action"); action != "" {
		return s.renderChecklistForm(w, p, http.StatusOK, slug, t, moveRows(rows, action))
	}
	var saved checklist.Template
	var err error
	if slug == "" {
		saved, err = s.Checklists.CreateTemplate(r.Context(), t)
	} else {
		if t.Slug == "" {
			t.Slug = slug
		}
		saved, err = s.Checklists.SaveTemplate(r.Context(), slug, t)
	}
	if s.formErrors(p, err) || len(bad) > 0 {
		if p.FieldErrors == nil {
			p.FieldErrors = map[string]string{}
			p.Flash = &flash{Kind: "error", Message: p.T("form.fix_errors")}
		}
		for _, i := range bad {
			n, _ := strconv.Atoi(i)
			p.FieldErrors["tasks["+i+"].offset"] = p.T("error.checklist_task_offset_range", "row", strconv.Itoa(n+1), "max", "3660")
		}
		return s.renderChecklistForm(w, p, http.StatusUnprocessableEntity, slug, t, rows)
	}
	if err != nil {
		return checklistErr(err)
	}
	key := "checklists.saved"
	if slug == "" {
		key = "checklists.created"
	}
	s.setFlash(w, "success", p.T(key, "title", saved.Title))
	http.Redirect(w, r, "/checklists/"+saved.Slug, http.StatusSeeOther)
	return nil
}

// checklistDelete removes a template; its runs stay.
func (s *Server) checklistDelete(w http.ResponseWriter, r *http.Request) error {
	t, err := s.Checklists.TemplateBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return checklistErr(err)
	}
	if err := s.Checklists.DeleteTemplate(r.Context(), t.Slug); err != nil {
		return checklistErr(err)
	}
	p := s.newPage(w, r, "bible")
	s.setFlash(w, "success", p.T("checklists.deleted", "title", t.Title))
	http.Redirect(w, r, "/bible/checklists", http.StatusSeeOther)
	return nil
}

func (s *Server) renderChecklistForm(w http.ResponseWriter, p *Page, status int, slug string, t checklist.Template, rows []taskRow) error {
	p.Data = checklistFormData{Slug: slug, Template: t, Rows: rows, Anchors: checklist.Anchors,
		Recurs: checklist.Recurrences, Units: checklist.Units, Owners: ownerKinds}
	return s.renderStatus(w, status, p, "checklists_form")
}
