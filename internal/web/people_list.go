package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"majordome/internal/auth"
	"majordome/internal/people"
)

// peoplePageSize is how many people one page of the directory shows.
const peoplePageSize = 50

// peopleListData is what the directory shows: the filters as chosen, one page of people, and
// the choices the filters offer.
type peopleListData struct {
	Q        string
	TeamID   int64
	SiteID   int64
	Status   string // "active" (default), "inactive" or "all"
	Teams    []people.Team
	Sites    []people.Site
	People   []people.Person
	Count    int    // how many match the filters, over every page
	NextURL  string // "" on the last page
	FirstURL string // "" on the first page
	Filtered bool   // a search or filter narrows the list
	Empty    bool   // nobody in the directory at all: the page teaches how to start
	CanWrite bool
}

// peopleList shows the directory. An htmx request (the search box, the filters) gets only the
// results, swapped in place; a plain request gets the whole page.
func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "people")
	p.Title = p.T("people.title")
	ctx := r.Context()
	q := r.URL.Query()
	d := peopleListData{Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), CanWrite: p.User.Can(auth.PeopleWrite)}
	d.TeamID, _ = strconv.ParseInt(q.Get("team"), 10, 64)
	d.SiteID, _ = strconv.ParseInt(q.Get("site"), 10, 64)
	params := people.ListParams{Q: d.Q, TeamID: d.TeamID, SiteID: d.SiteID, Cursor: q.Get("cursor"), Limit: peoplePageSize}
	switch d.Status {
	case "inactive":
		params.Active = new(false)
	case "all":
	case "review":
		params.Review = true
	default:
		d.Status, params.Active = "active", new(true)
	}
	d.Filtered = d.Q != "" || d.TeamID != 0 || d.SiteID != 0 || d.Status != "active"

	page, err := s.People.List(ctx, params)
	if errors.Is(err, people.ErrBadCursor) { // an old or edited link: start again from the top
		params.Cursor = ""
		page, err = s.People.List(ctx, params)
	}
	if err != nil {
		return err
	}
	if d.Count, err = s.People.Count(ctx, params); err != nil {
		return err
	}
	d.People = page.Items
	if page.NextCursor != "" {
		d.NextURL = peopleListURL(q, page.NextCursor)
	}
	if params.Cursor != "" {
		d.FirstURL = peopleListURL(q, "")
	}
	p.Data = &d
	w.Header().Set("Vary", "HX-Request")
	if wantsFragment(r) {
		return s.tmpl.fragment(w, "people_list", "people-table", p)
	}

	if d.Teams, err = s.People.Teams(ctx); err != nil {
		return err
	}
	if d.Sites, err = s.People.Sites(ctx); err != nil {
		return err
	}
	if d.Count == 0 && !d.Filtered {
		st, err := s.People.Stats(ctx)
		if err != nil {
			return err
		}
		d.Empty = st.Active+st.Inactive == 0
	}
	return s.render(w, p, "people_list")
}

// peopleListURL is the directory with the same filters, at cursor ("" for the first page).
func peopleListURL(q url.Values, cursor string) string {
	v := url.Values{}
	for _, k := range []string{"q", "team", "site", "status"} {
		if q.Get(k) != "" {
			v.Set(k, q.Get(k))
		}
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(v) == 0 {
		return "/people"
	}
	return "/people?" + v.Encode()
}
