package web

import (
	"net/http"
	"time"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/people"
)

// historySize is how many recent changes a person's card shows.
const historySize = 10

// personShowData is a person's card and, for those who may edit it, its recent history.
type personShowData struct {
	Person   people.Person
	CanWrite bool
	History  []historyEntry
}

// historyEntry is one audited change of a person, told in words.
type historyEntry struct {
	At      time.Time
	Actor   string
	Action  string // the audit action, "person.update"…
	Changes []fieldChange
}

// personShow shows a person's card.
func (s *Server) personShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	person, err := s.People.Get(ctx, id)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "people")
	p.Title = person.FullName()
	d := personShowData{Person: person, CanWrite: p.User.Can(auth.PeopleWrite)}
	// The trail says who changed what: for those who manage the directory, not for every reader.
	if d.CanWrite {
		entries, _, err := s.Audit.List(ctx, audit.Filter{EntityType: "person", EntityID: id, Limit: historySize})
		if err != nil {
			return err
		}
		for _, e := range entries {
			d.History = append(d.History, historyEntry{At: e.At, Actor: e.ActorName, Action: e.Action,
				Changes: diffSnapshots(p, e.Before, e.After)})
		}
	}
	p.Data = d
	return s.render(w, p, "person_show")
}
