package web

import (
	"errors"
	"fmt"
	"net/http"

	"majordome/internal/people"
	"majordome/internal/valid"
)

// personDeactivate marks a person as gone: they leave the active directory but keep their
// history, and may come back.
func (s *Server) personDeactivate(w http.ResponseWriter, r *http.Request) error {
	return s.setPersonActive(w, r, false)
}

// personReactivate brings a person back into the active directory.
func (s *Server) personReactivate(w http.ResponseWriter, r *http.Request) error {
	return s.setPersonActive(w, r, true)
}

// personReviewed clears the flag of a person a channel created (an unknown Slack user, an
// unknown email sender): the Office Manager has checked who they are.
func (s *Server) personReviewed(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	none := ""
	person, err := s.People.Update(r.Context(), id, people.Patch{Review: &none})
	var ve valid.Errors
	if errors.As(err, &ve) {
		s.setFlash(w, "error", s.I18n.T(s.lang(r), "person.status.fix_first"))
		http.Redirect(w, r, fmt.Sprintf("/people/%d/edit", id), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", s.I18n.T(s.lang(r), "person.review.cleared", "name", person.FullName()))
	http.Redirect(w, r, fmt.Sprintf("/people/%d", id), http.StatusSeeOther)
	return nil
}

func (s *Server) setPersonActive(w http.ResponseWriter, r *http.Request, active bool) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	person, err := s.People.Update(r.Context(), id, people.Patch{Active: &active})
	var ve valid.Errors
	if errors.As(err, &ve) {
		// The whole card is checked again on any change: one that no longer passes (data from
		// before a rule existed) is sent to the form, which names the field to fix.
		s.setFlash(w, "error", s.I18n.T(s.lang(r), "person.status.fix_first"))
		http.Redirect(w, r, fmt.Sprintf("/people/%d/edit", id), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	key := "person.deactivated"
	if active {
		key = "person.reactivated"
	}
	s.setFlash(w, "success", s.I18n.T(s.lang(r), key, "name", person.FullName()))
	http.Redirect(w, r, fmt.Sprintf("/people/%d", id), http.StatusSeeOther)
	return nil
}
