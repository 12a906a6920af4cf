package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"majordome/internal/people"
)

// maxManagerChoices bounds the manager suggestions: beyond a few thousand names a list helps
// nobody, and typing the email still works.
const maxManagerChoices = 5000

// personFormData is what the person form offers beside what was typed: the person being edited
// (zero when adding) and the names the fields can complete from.
type personFormData struct {
	Person   people.Person
	Teams    []people.Team
	Sites    []people.Site
	Managers []people.Person
}

// personNew shows an empty form, in the company's language by default.
func (s *Server) personNew(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "people")
	p.Title = p.T("person.new.title")
	p.Form = url.Values{"language": {p.Company.Language}}
	return s.renderPersonForm(w, r, p, people.Person{}, http.StatusOK)
}

// personCreate adds a person; a mistake shows the form again with everything typed kept.
func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "people")
	p.Title = p.T("person.new.title")
	if err := r.ParseForm(); err != nil {
		return err
	}
	p.Form = r.PostForm
	f := func(k string) string { return r.PostForm.Get(k) }
	person, err := s.People.Create(r.Context(), people.Input{FirstName: f("first_name"), LastName: f("last_name"),
		Email: f("email"), Team: f("team"), Site: f("site"), ManagerEmail: f("manager_email"),
		StartDate: f("start_date"), EndDate: f("end_date"), Language: f("language")})
	if s.formErrors(p, err) {
		return s.renderPersonForm(w, r, p, people.Person{}, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("person.created", "name", person.FullName()))
	http.Redirect(w, r, fmt.Sprintf("/people/%d", person.ID), http.StatusSeeOther)
	return nil
}

// personEdit shows the form filled with the person's card, dates as dd/mm/yyyy.
func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	person, err := s.People.Get(r.Context(), id)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "people")
	p.Title = p.T("person.edit.title", "name", person.FullName())
	p.Form = url.Values{"first_name": {person.FirstName}, "last_name": {person.LastName}, "email": {person.Email},
		"team": {person.Team}, "site": {person.Site}, "manager_email": {person.ManagerEmail},
		"start_date": {person.StartDate.French()}, "end_date": {person.EndDate.French()}, "language": {person.Language}}
	return s.renderPersonForm(w, r, p, person, http.StatusOK)
}

// personUpdate saves every field of the form over the person's card.
func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	before, err := s.People.Get(r.Context(), id)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "people")
	p.Title = p.T("person.edit.title", "name", before.FullName())
	if err := r.ParseForm(); err != nil {
		return err
	}
	p.Form = r.PostForm
	f := func(k string) *string { v := r.PostForm.Get(k); return &v }
	person, err := s.People.Update(r.Context(), id, people.Patch{FirstName: f("first_name"), LastName: f("last_name"),
		Email: f("email"), Team: f("team"), Site: f("site"), ManagerEmail: f("manager_email"),
		StartDate: f("start_date"), EndDate: f("end_date"), Language: f("language")})
	if s.formErrors(p, err) {
		return s.renderPersonForm(w, r, p, before, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("person.updated", "name", person.FullName()))
	http.Redirect(w, r, fmt.Sprintf("/people/%d", id), http.StatusSeeOther)
	return nil
}

// renderPersonForm loads the suggestions of the team, site and manager fields and shows the form.
func (s *Server) renderPersonForm(w http.ResponseWriter, r *http.Request, p *Page, person people.Person, status int) error {
	ctx := r.Context()
	d := personFormData{Person: person}
	var err error
	if d.Teams, err = s.People.Teams(ctx); err != nil {
		return err
	}
	if d.Sites, err = s.People.Sites(ctx); err != nil {
		return err
	}
	if d.Managers, err = s.activePeople(ctx, maxManagerChoices); err != nil {
		return err
	}
	p.Data = d
	return s.renderStatus(w, status, p, "person_form")
}

// activePeople lists up to max active people in name order, a page of 500 at a time, so a
// company of 2 000 costs four indexed queries.
func (s *Server) activePeople(ctx context.Context, max int) ([]people.Person, error) {
	var out []people.Person
	params := people.ListParams{Active: new(true), Limit: 500}
	for len(out) < max {
		page, err := s.People.List(ctx, params)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextCursor == "" {
			break
		}
		params.Cursor = page.NextCursor
	}
	return out, nil
}
