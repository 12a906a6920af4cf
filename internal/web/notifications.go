package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"majordome/internal/httpx"
	"majordome/internal/notify"
)

// notificationsPageSize is how many notifications the page lists at once.
const notificationsPageSize = 50

// notificationView is a notification as the page shows it, written in the reader's language.
type notificationView struct {
	ID     int64
	Title  string
	Body   string
	Open   string // the path that marks it read and follows its link; "" when it leads nowhere
	Unread bool
	Urgent bool
	Batch  bool
	At     time.Time
	Items  []notificationView // what a batch released
}

// notificationDay is the notifications of one day, under "Aujourd'hui", "Hier" or a date.
type notificationDay struct {
	Label string
	Items []notificationView
}

// notificationsData is the inbox page.
type notificationsData struct {
	Days     []notificationDay
	Unread   int
	Held     int
	FocusEnd time.Time
	NextURL  string
	FirstURL string
}

// notificationsPage lists the reader's notifications, newest first, grouped by day; unread ones
// stand out. A notification about a request the reader can no longer see (it became
// confidential, or went to someone else) says so without its title.
func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := s.newPage(w, r, "notifications")
	p.Title = p.T("notify.title")
	uid := p.User.UserID
	cursor, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	in, err := s.Notify.List(ctx, uid, notify.ListOptions{Limit: notificationsPageSize, Before: cursor})
	if err != nil {
		return err
	}
	numbers := in.RequestNumbers()
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	visible, err := s.Requests.Visible(ctx, v, numbers)
	if err != nil {
		return err
	}
	d := notificationsData{}
	if d.Unread, err = s.Notify.Unread(ctx, uid); err != nil {
		return err
	}
	if d.Held, err = s.Notify.Held(ctx, uid); err != nil {
		return err
	}
	if d.Held > 0 {
		d.FocusEnd, _, err = s.Notify.FocusUntil(ctx, uid, s.Notify.Now())
		if err != nil {
			return err
		}
	}
	today := time.Now().In(p.loc)
	for _, n := range in.Items {
		view := s.notificationView(p, n, visible)
		label := p.dayLabel(n.CreatedAt, today)
		if len(d.Days) == 0 || d.Days[len(d.Days)-1].Label != label {
			d.Days = append(d.Days, notificationDay{Label: label})
		}
		d.Days[len(d.Days)-1].Items = append(d.Days[len(d.Days)-1].Items, view)
	}
	if in.NextCursor != 0 {
		d.NextURL = "/notifications?" + url.Values{"before": {strconv.FormatInt(in.NextCursor, 10)}}.Encode()
	}
	if cursor != 0 {
		d.FirstURL = "/notifications"
	}
	p.Data = d
	return s.render(w, p, "notifications")
}

// notificationView writes n for the page.
func (s *Server) notificationView(p *Page, n notify.Notification, visible map[int64]bool) notificationView {
	v := notificationView{ID: n.ID, Unread: n.ReadAt == nil, Urgent: n.Urgent, Batch: n.Kind == notify.KindFocusBatch,
		At: n.CreatedAt, Open: "/notifications/" + strconv.FormatInt(n.ID, 10)}
	v.Title, v.Body = s.Notify.Text(p.Lang, n)
	switch {
	case v.Batch:
		v.Body = "" // its items say it better, and may name a request the reader no longer sees
		for _, it := range n.Items {
			v.Items = append(v.Items, s.notificationView(p, it, visible))
		}
	case n.RequestNumber != 0 && !visible[n.RequestNumber]:
		v.Title, v.Body, v.Open = p.T("notify.hidden"), "", ""
	}
	return v
}

// dayLabel names the day of t: "Aujourd'hui", "Hier", or its date.
func (p *Page) dayLabel(t, today time.Time) string {
	y, m, d := t.In(p.loc).Date()
	ty, tm, td := today.Date()
	switch day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); {
	case day.Equal(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)):
		return p.T("notify.today")
	case day.Equal(time.Date(ty, tm, td-1, 0, 0, 0, 0, time.UTC)):
		return p.T("notify.yesterday")
	}
	return p.Date(t)
}

// notificationOpen marks a notification read and follows its link. A link from another site
// (Sec-Fetch-Site) only opens the inbox: it cannot mark anything.
func (s *Server) notificationOpen(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		http.Redirect(w, r, "/notifications", http.StatusSeeOther)
		return nil
	}
	link, err := s.Notify.MarkRead(r.Context(), identity(r).UserID, id)
	if errors.Is(err, notify.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	if link == "" || !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") || strings.HasPrefix(link, "/\\") {
		link = "/notifications"
	}
	http.Redirect(w, r, link, http.StatusSeeOther)
	return nil
}

// notificationRead marks one notification read and comes back to the inbox.
func (s *Server) notificationRead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.Notify.MarkRead(r.Context(), identity(r).UserID, id); errors.Is(err, notify.ErrNotFound) {
		return errNotFound
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
	return nil
}

// notificationsReadAll marks every notification of the reader read.
func (s *Server) notificationsReadAll(w http.ResponseWriter, r *http.Request) error {
	if err := s.Notify.MarkAllRead(r.Context(), identity(r).UserID); err != nil {
		return err
	}
	s.setFlash(w, "success", s.I18n.T(s.lang(r), "notify.marked_all"))
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
	return nil
}

// bellData is the sidebar's notification entry: the unread count and the focus under way.
type bellData struct {
	Unread   int
	InFocus  bool
	FocusEnd time.Time
}

// notificationsBell is the sidebar's notification entry, which the layout loads (and refreshes
// every minute) with htmx, so that every page need not count.
func (s *Server) notificationsBell(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := s.fragmentPage(r, r.URL.Query().Get("nav"))
	var d bellData
	var err error
	if d.Unread, err = s.Notify.Unread(ctx, p.User.UserID); err != nil {
		return err
	}
	if d.FocusEnd, d.InFocus, err = s.Notify.FocusUntil(ctx, p.User.UserID, s.Notify.Now()); err != nil {
		return err
	}
	p.Data = d
	return s.tmpl.fragment(w, "notifications", "notify-bell", p)
}

// fragmentPage is the frame of an htmx fragment loaded beside a page: like newPage, but it
// leaves the flash message and the CSRF cookie to the page itself.
func (s *Server) fragmentPage(r *http.Request, nav string) *Page {
	p := &Page{Nav: nav, Lang: s.lang(r), Path: r.URL.Path, Query: r.URL.Query(), cat: s.I18n}
	if id, ok := httpx.IdentityFrom(r.Context()); ok {
		p.User = &id
	}
	c, err := s.Settings.Company(r.Context())
	if err != nil {
		s.Log.Warn("company settings", "err", err)
	}
	p.Company, p.loc = c, c.Location()
	return p
}

// identity is the signed-in caller of a page handler.
func identity(r *http.Request) httpx.Identity {
	id, _ := httpx.IdentityFrom(r.Context())
	return id
}

// Clock writes t as HH:MM in the company's timezone when it is today, and with its day
// otherwise ("lundi 09:00", or a date further away): when a focus ends.
func (p *Page) Clock(t time.Time) string {
	lt := t.In(p.loc)
	now := time.Now().In(p.loc)
	ly, lm, ld := lt.Date()
	ny, nm, nd := now.Date()
	days := int(time.Date(ly, lm, ld, 0, 0, 0, 0, time.UTC).Sub(time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	switch {
	case days == 0:
		return lt.Format("15:04")
	case days > 0 && days < 7:
		day := p.T("focus.day_long." + strconv.Itoa(int(lt.Weekday())))
		if p.Lang == "fr" {
			day = strings.ToLower(day)
		}
		return day + " " + lt.Format("15:04")
	}
	return p.DateTime(t)
}
