package web

import (
	"net/http"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/httpx"
	"majordome/internal/people"
)

// homeData is what "Aujourd'hui" shows: what needs the reader now. Until the request desk
// lands, that is the state of the directory and the first steps of setting Majordome up.
type homeData struct {
	Stats     people.Stats
	Steps     []setupStep
	StepsLeft int
	Activity  []audit.Entry
	CanPeople bool
	IsAdmin   bool
	FirstName string
	Greeting  string
}

// setupStep is one item of the getting-started checklist.
type setupStep struct {
	Key  string
	Done bool
	Href string
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	// Employees and managers have one place to ask and follow their requests: their home is
	// the portal, shown here without a redirect.
	if id, _ := httpx.IdentityFrom(r.Context()); !id.Can(auth.RequestsWork) {
		return s.portal(w, r)
	}
	p := s.newPage(w, r, "home")
	p.Title = p.T("home.title")
	ctx := r.Context()
	d := homeData{CanPeople: p.User.Can(auth.PeopleWrite), IsAdmin: p.IsAdmin(), FirstName: firstWord(p.User.Name)}
	var err error
	if d.Stats, err = s.People.Stats(ctx); err != nil {
		return err
	}
	if d.IsAdmin {
		users, err := s.Auth.Users(ctx)
		if err != nil {
			return err
		}
		tokens, err := s.Auth.Tokens(ctx)
		if err != nil {
			return err
		}
		d.Steps = []setupStep{
			{"home.step.company", p.Company.Name != "" && p.Company.Name != "Mon entreprise", "/settings"},
			{"home.step.people", d.Stats.Active > 1, "/people/import"},
			{"home.step.sites", d.Stats.Sites > 0, "/settings/sites"},
			{"home.step.team", len(users) > 1, "/settings/users"},
			{"home.step.token", len(tokens) > 0, "/settings/tokens"},
		}
		for _, st := range d.Steps {
			if !st.Done {
				d.StepsLeft++
			}
		}
		if d.Activity, _, err = s.Audit.List(ctx, audit.Filter{Limit: 8}); err != nil {
			return err
		}
	}
	p.Data = d
	return s.render(w, p, "home")
}

func firstWord(s string) string {
	for i, r := range s {
		if r == ' ' {
			return s[:i]
		}
	}
	return s
}
