package web

import (
	"net/http"
	"strconv"
	"strings"

	"majordome/internal/checklist"
	"majordome/internal/civil"
	"majordome/internal/people"
	"majordome/internal/valid"
)

// checklistsList shows the templates of the bible.
func (s *Server) checklistsList(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Checklists.Templates(r.Context())
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "bible")
	p.Title = p.T("checklists.title")
	p.Data = all
	return s.render(w, p, "checklists_list")
}

// checklistShowData is a template's page: its tasks, the form that starts it and its runs.
type checklistShowData struct {
	Template checklist.Template
	Runs     []checklist.Run
	Person   *people.Person // the person the start form is for, from ?person=
}

// checklistShow shows a template with the form that starts it.
func (s *Server) checklistShow(w http.ResponseWriter, r *http.Request) error {
	t, err := s.Checklists.TemplateBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return checklistErr(err)
	}
	p := s.newPage(w, r, "bible")
	return s.renderChecklistShow(w, r, p, http.StatusOK, t)
}

func (s *Server) renderChecklistShow(w http.ResponseWriter, r *http.Request, p *Page, status int, t checklist.Template) error {
	p.Title = t.Title
	d := checklistShowData{Template: t}
	var err error
	if d.Runs, err = s.Checklists.Runs(r.Context(), checklist.RunFilter{TemplateID: t.ID, Limit: 20}); err != nil {
		return err
	}
	if p.Form == nil {
		p.Form = map[string][]string{}
		if id, err := strconv.ParseInt(r.URL.Query().Get("person"), 10, 64); err == nil {
			if person, err := s.People.Get(r.Context(), id); err == nil {
				d.Person = &person
				p.Form.Set("person_email", person.Email)
			}
		}
	}
	p.Data = d
	return s.renderStatus(w, status, p, "checklists_show")
}

// checklistStart starts a template for a person, an event or a date, and opens the run.
func (s *Server) checklistStart(w http.ResponseWriter, r *http.Request) error {
	t, err := s.Checklists.TemplateBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return checklistErr(err)
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := s.newPage(w, r, "bible")
	in := checklist.Start{TemplateID: t.ID, PersonEmail: r.PostForm.Get("person_email"), Event: r.PostForm.Get("event")}
	var errs valid.Errors
	if v := strings.TrimSpace(r.PostForm.Get("anchor_date")); v != "" {
		d, err := civil.Parse(v)
		if err != nil {
			errs.Add("anchor_date", "date_invalid", "value", v)
		}
		in.AnchorDate = d
	}
	var run checklist.Run
	if err = errs.Err(); err == nil {
		run, err = s.Checklists.StartRun(r.Context(), in)
	}
	if s.formErrors(p, err) {
		p.Form = r.PostForm
		return s.renderChecklistShow(w, r, p, http.StatusUnprocessableEntity, t)
	}
	if err != nil {
		return checklistErr(err)
	}
	s.setFlash(w, "success", p.T("checklists.started", "n", run.Total))
	http.Redirect(w, r, "/checklists/runs/"+strconv.FormatInt(run.ID, 10), http.StatusSeeOther)
	return nil
}

// checklistStartFor sends the person page's "Lancer l'onboarding" (anchor=person_start) or
// "Lancer l'offboarding" (person_end) to the first template anchored there, its form filled
// for the person; without one, to the list of checklists.
func (s *Server) checklistStartFor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	all, err := s.Checklists.Templates(r.Context())
	if err != nil {
		return err
	}
	anchor := r.URL.Query().Get("anchor")
	for _, t := range all {
		if t.Anchor == anchor && t.Recurrence == "" {
			http.Redirect(w, r, "/checklists/"+t.Slug+"?person="+strconv.FormatInt(id, 10)+"#start", http.StatusSeeOther)
			return nil
		}
	}
	p := s.newPage(w, r, "bible")
	s.setFlash(w, "info", p.T("checklists.start.no_template"))
	http.Redirect(w, r, "/bible/checklists", http.StatusSeeOther)
	return nil
}

// checklistRunsFor is the fragment of runs on a person's or a request's page (?person=ID or
// ?request=NUMBER), loaded by htmx.
func (s *Server) checklistRunsFor(w http.ResponseWriter, r *http.Request) error {
	p := s.fragmentPage(r, "")
	var f checklist.RunFilter
	q := r.URL.Query()
	if id, err := strconv.ParseInt(q.Get("person"), 10, 64); err == nil {
		f.PersonID = id
	} else if n, err := strconv.ParseInt(q.Get("request"), 10, 64); err == nil {
		id, err := s.Checklists.RequestID(r.Context(), n)
		if err != nil {
			return errNotFound
		}
		f.RequestID = id
	} else {
		return errNotFound
	}
	runs, err := s.Checklists.Runs(r.Context(), f)
	if err != nil {
		return err
	}
	p.Data = runs
	return s.tmpl.fragment(w, "checklists_run", "checklist-runs-fragment", p)
}
