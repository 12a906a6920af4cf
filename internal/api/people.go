package api

import (
	"context"
	"net/http"
	"strconv"

	"majordome/internal/fold"
	"majordome/internal/httpx"
	"majordome/internal/people"
)

// peopleList answers GET /api/v1/people: a page of the directory, filtered by words, team and
// site names, and active state (everyone by default, so a sync sees departures too).
func (s *server) peopleList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	p := people.ListParams{Q: q.Get("q"), Cursor: cursor, Limit: limit}
	if p.Active, err = activeParam(q.Get("active")); err != nil {
		return err
	}
	if p.TeamID, p.SiteID, err = s.orgIDs(r.Context(), q.Get("team"), q.Get("site")); err != nil {
		return err
	}
	res, err := s.People.List(r.Context(), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(res.Items, res.NextCursor, personOut))
	return nil
}

// noSuchOrg is an id no team or site has. Filtering on it gives an empty list, which is the
// answer for a name that names nothing; 0 would mean "no filter" and list everyone.
const noSuchOrg = -1

// orgIDs resolves team and site names, compared as people read them (case and accents aside).
func (s *server) orgIDs(ctx context.Context, team, site string) (teamID, siteID int64, err error) {
	if team != "" {
		teams, err := s.People.Teams(ctx)
		if err != nil {
			return 0, 0, err
		}
		teamID = noSuchOrg
		for _, t := range teams {
			if fold.Key(t.Name) == fold.Key(team) {
				teamID = t.ID
			}
		}
	}
	if site != "" {
		sites, err := s.People.Sites(ctx)
		if err != nil {
			return 0, 0, err
		}
		siteID = noSuchOrg
		for _, st := range sites {
			if fold.Key(st.Name) == fold.Key(site) {
				siteID = st.ID
			}
		}
	}
	return teamID, siteID, nil
}

// activeParam reads active=true|false|all; all (everyone) when absent.
func activeParam(v string) (*bool, error) {
	switch v {
	case "", "all":
		return nil, nil
	case "true", "false":
		b := v == "true"
		return &b, nil
	}
	return nil, invalidParameter("active", "active must be true, false or all (the default).")
}

// personCreate answers POST /api/v1/people.
func (s *server) personCreate(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(w, r, personFields, "application/json")
	if err != nil {
		return err
	}
	patch, err := decodePerson(obj)
	if err != nil {
		return err
	}
	p, err := s.People.Create(r.Context(), patch.Apply(people.Input{}))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/people/"+strconv.FormatInt(p.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, personOut(p))
	return nil
}

// personGet answers GET /api/v1/people/{id}.
func (s *server) personGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.People.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, personOut(p))
	return nil
}

// personPatch answers PATCH /api/v1/people/{id} with JSON merge-patch semantics (RFC 7396):
// fields sent change, null clears, fields left out stay.
func (s *server) personPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, personFields, "application/merge-patch+json", "application/json")
	if err != nil {
		return err
	}
	patch, err := decodePerson(obj)
	if err != nil {
		return err
	}
	p, err := s.People.Update(r.Context(), id, patch)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, personOut(p))
	return nil
}

// personDelete answers DELETE /api/v1/people/{id}. It deactivates: people are never erased,
// because requests, approvals and the audit trail keep pointing at them.
func (s *server) personDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.People.Deactivate(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// pathID reads the {id} of the path. An id that is not a positive number names no one: 404,
// as for an id that does not exist.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, people.ErrNotFound
	}
	return id, nil
}
