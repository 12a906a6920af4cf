package api

import (
	"errors"
	"net/http"
	"strconv"

	"majordome/internal/httpx"
	"majordome/internal/notify"
)

// notificationJSON is a notification as the API shows it, written in the caller's language
// (Accept-Language), as the inbox shows it.
type notificationJSON struct {
	ID            int64              `json:"id"`
	Kind          string             `json:"kind"`
	Title         string             `json:"title"`
	Body          string             `json:"body"`
	Link          *string            `json:"link"`           // a path in the web app; null when it leads nowhere
	RequestNumber *int64             `json:"request_number"` // null when about no request, or hidden
	Urgent        bool               `json:"urgent"`
	Hidden        bool               `json:"hidden"` // about a request this token or its account may no longer see
	ReadAt        *string            `json:"read_at"`
	CreatedAt     string             `json:"created_at"`
	Items         []notificationJSON `json:"items"` // what a focus batch released; [] otherwise
}

// notificationPage is a page of the inbox, with the figures the web's bell shows.
type notificationPage struct {
	Items      []notificationJSON `json:"items"`
	NextCursor *string            `json:"next_cursor"`
	Unread     int                `json:"unread"`
	Held       int                `json:"held"` // waiting for the end of the account's focus
}

// notificationOut writes n in lang. A notification about a request that may not be seen says
// so, without its title, body, link or number (the web inbox does the same); a batch has no
// body, since its preview may name such requests: its items say it better.
func (s *server) notificationOut(lang string, n notify.Notification, visible map[int64]bool) notificationJSON {
	out := notificationJSON{ID: n.ID, Kind: n.Kind, Urgent: n.Urgent, ReadAt: timeOrNull(n.ReadAt),
		CreatedAt: utc(n.CreatedAt), Items: []notificationJSON{}, Link: orNull(n.Link)}
	out.Title, out.Body = s.Notify.Text(lang, n)
	if n.RequestNumber != 0 {
		out.RequestNumber = &n.RequestNumber
	}
	switch {
	case n.Kind == notify.KindFocusBatch:
		out.Body = ""
		for _, it := range n.Items {
			out.Items = append(out.Items, s.notificationOut(lang, it, visible))
		}
	case n.RequestNumber != 0 && !visible[n.RequestNumber]:
		out.Title, out.Body, out.Link, out.RequestNumber, out.Hidden = s.I18n.T(lang, "notify.hidden"), "", nil, nil, true
	}
	return out
}

// notificationList answers GET /api/v1/me/notifications: the account's delivered
// notifications, newest first (held ones appear when the focus ends).
func (s *server) notificationList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.meOf(r)
	if err != nil {
		return err
	}
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	var before int64
	if cursor != "" {
		if before, err = strconv.ParseInt(cursor, 10, 64); err != nil || before <= 0 {
			return invalidParameter("cursor", "cursor must be a next_cursor returned by a previous page.")
		}
	}
	in, err := s.Notify.List(ctx, m.user.ID, notify.ListOptions{Limit: limit, Before: before})
	if err != nil {
		return err
	}
	numbers := in.RequestNumbers()
	visible, err := s.visible(ctx, m, numbers)
	if err != nil {
		return err
	}
	out := notificationPage{Items: make([]notificationJSON, 0, len(in.Items))}
	l := lang(r)
	for _, n := range in.Items {
		out.Items = append(out.Items, s.notificationOut(l, n, visible))
	}
	if in.NextCursor != 0 {
		next := strconv.FormatInt(in.NextCursor, 10)
		out.NextCursor = &next
	}
	if out.Unread, err = s.Notify.Unread(ctx, m.user.ID); err != nil {
		return err
	}
	if out.Held, err = s.Notify.Held(ctx, m.user.ID); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// notificationRead answers POST /api/v1/me/notifications/{id}/read: a batch is read with all
// it released. Another account's notification does not exist for this token.
func (s *server) notificationRead(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meOf(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNoNotification
	}
	if _, err := s.Notify.MarkRead(r.Context(), m.user.ID, id); errors.Is(err, notify.ErrNotFound) {
		return errNoNotification
	} else if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

var errNoNotification = notFound("The account of this token has no notification with this id.")

// notificationsReadAll answers POST /api/v1/me/notifications/read-all.
func (s *server) notificationsReadAll(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meOf(r)
	if err != nil {
		return err
	}
	if err := s.Notify.MarkAllRead(r.Context(), m.user.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
