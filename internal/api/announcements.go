package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"majordome/internal/announce"
	"majordome/internal/httpx"
)

// announcementJSON is an announcement as the API shows it, with its delivery figures.
type announcementJSON struct {
	ID           int64             `json:"id"`
	Title        string            `json:"title"`
	Body         string            `json:"body"`
	Audience     announce.Audience `json:"audience"`
	Channels     []string          `json:"channels"`
	SlackDM      bool              `json:"slack_dm"`
	SlackChannel string            `json:"slack_channel"`
	Importance   string            `json:"importance"`
	AckRequired  bool              `json:"ack_required"`
	AckBy        *string           `json:"ack_by"`
	SendAt       *string           `json:"send_at"`
	Status       string            `json:"status"`
	Version      int               `json:"version"`
	Author       string            `json:"author"`
	CreatedAt    string            `json:"created_at"`
	SentAt       *string           `json:"sent_at"`
	Counts       announce.Counts   `json:"counts"`
}

func announcementOut(a announce.Announcement) announcementJSON {
	chans := a.Channels
	if chans == nil {
		chans = []string{}
	}
	return announcementJSON{ID: a.ID, Title: a.Title, Body: a.Body, Audience: a.Audience, Channels: chans,
		SlackDM: a.SlackDM, SlackChannel: a.SlackChannel, Importance: string(a.Importance), AckRequired: a.AckRequired,
		AckBy: timeOrNull(a.AckBy), SendAt: timeOrNull(a.SendAt), Status: a.Status, Version: a.Version,
		Author: a.AuthorName, CreatedAt: utc(a.CreatedAt), SentAt: timeOrNull(a.SentAt), Counts: a.Counts}
}

// recipientJSON is one recipient with their state per channel.
type recipientJSON struct {
	PersonID        int64             `json:"person_id"`
	Name            string            `json:"name"`
	Email           string            `json:"email"`
	Team            string            `json:"team"`
	Site            string            `json:"site"`
	State           string            `json:"state"`
	Channels        map[string]string `json:"channels"`
	ReadAt          *string           `json:"read_at"`
	AcknowledgedAt  *string           `json:"acknowledged_at"`
	AcknowledgedVia string            `json:"acknowledged_via"`
}

func recipientOut(r announce.Recipient) recipientJSON {
	return recipientJSON{PersonID: r.PersonID, Name: r.Name, Email: r.Email, Team: r.Team, Site: r.Site, State: r.State,
		Channels: r.Channels, ReadAt: timeOrNull(r.ReadAt), AcknowledgedAt: timeOrNull(r.AckAt), AcknowledgedVia: r.AckVia}
}

var announcementFields = []string{"title", "body", "audience", "channels", "importance", "ack_required", "ack_by",
	"send_at", "slack_channel", "slack_dm"}

// announcementCreate answers POST /api/v1/announcements: an announcement sent at once (its
// recipients queued before the answer), or scheduled for send_at.
func (s *server) announcementCreate(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(w, r, announcementFields, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	in := announce.Input{Title: val(f.str("title")), Body: val(f.str("body")), Importance: announce.Importance(val(f.str("importance"))),
		SlackChannel: val(f.str("slack_channel"))}
	if c := f.strs("channels"); c != nil {
		in.Channels = *c
	}
	if b := f.boolean("ack_required"); b != nil {
		in.AckRequired = *b
	}
	if b := f.boolean("slack_dm"); b != nil {
		in.SlackDM = *b
	} else {
		in.SlackDM = true
	}
	in.AckBy = f.instant("ack_by")
	in.SendAt = f.instant("send_at")
	if raw, ok := obj["audience"]; ok {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in.Audience); err != nil {
			f.errs = append(f.errs, fieldError{Field: "audience", Code: "type_invalid",
				Params: map[string]string{"type": `object {"everyone": true} or with teams, sites, people (lists of names or emails)`}})
		}
	}
	if err := f.err(); err != nil {
		return err
	}
	a, err := s.Announce.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/announcements/%d", a.ID))
	httpx.WriteJSON(w, http.StatusCreated, announcementOut(a))
	return nil
}

// instant returns the RFC 3339 time member name: nil when absent or null, nil with a type error
// when not such a time.
func (f *fields) instant(name string) *time.Time {
	s := f.str(name)
	if s == nil || *s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		f.errs = append(f.errs, fieldError{Field: name, Code: "type_invalid", Params: map[string]string{"type": "date-time (RFC 3339)"}})
		return nil
	}
	return &t
}

// announcementList answers GET /api/v1/announcements: the history, newest first.
func (s *server) announcementList(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	list, next, err := s.Announce.List(r.Context(), cursor, limit)
	if err != nil {
		return announceError(err)
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(list, next, announcementOut))
	return nil
}

// announcementGet answers GET /api/v1/announcements/{id}: with its counts.
func (s *server) announcementGet(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return announcementNotFound()
	}
	a, err := s.Announce.Get(r.Context(), id)
	if err != nil {
		return announceError(err)
	}
	httpx.WriteJSON(w, http.StatusOK, announcementOut(a))
	return nil
}

// announcementRecipients answers GET /api/v1/announcements/{id}/recipients: by name, filtered
// by state (queued, sent, failed, read, acknowledged, or pending: not acknowledged).
func (s *server) announcementRecipients(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return announcementNotFound()
	}
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	list, next, err := s.Announce.Recipients(r.Context(), id, announce.RecipientFilter{State: r.URL.Query().Get("state"),
		Q: r.URL.Query().Get("q"), Cursor: cursor, Limit: limit})
	if err != nil {
		return announceError(err)
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(list, next, recipientOut))
	return nil
}

func announcementNotFound() error { return notFound("No announcement has this id.") }

// announceError turns the announce package's errors into the API's.
func announceError(err error) error {
	switch {
	case errors.Is(err, announce.ErrNotFound):
		return announcementNotFound()
	case errors.Is(err, announce.ErrBadCursor):
		return invalidParameter("cursor", "cursor must be a next_cursor returned by a previous page.")
	case errors.Is(err, announce.ErrBadFilter):
		return invalidParameter("state", "state must be one of queued, sent, failed, read, acknowledged, pending.")
	}
	return err
}
