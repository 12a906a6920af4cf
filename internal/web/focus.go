package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"majordome/internal/notify"
	"majordome/internal/request"
)

// focusDayEnd is when "until the end of the day" ends, local time: a usual office evening.
const focusDayEnd = 18 * time.Hour

// focusData is the focus page: the focus under way, the buttons to start one, the blocks.
type focusData struct {
	InFocus  bool
	Until    time.Time
	Held     int
	Blocks   []notify.Block
	Week     []time.Weekday
	DayEnd   time.Time // "until the end of the day"; zero once the day is over
	Timezone string
}

// focusPage shows the reader's focus time: whether they are in focus, "focus now" buttons, and
// their recurring blocks with a form to add one.
func (s *Server) focusPage(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "focus")
	p.Form = map[string][]string{"focus_start": {"09:00"}, "focus_end": {"11:00"}, "focus_days": {"1", "2", "3", "4", "5"}}
	return s.renderFocus(w, r, p, http.StatusOK)
}

func (s *Server) renderFocus(w http.ResponseWriter, r *http.Request, p *Page, status int) error {
	ctx := r.Context()
	uid := p.User.UserID
	p.Title = p.T("focus.title")
	d := focusData{Week: notify.Week, Timezone: p.Company.Timezone}
	var err error
	now := s.Notify.Now()
	if d.Until, d.InFocus, err = s.Notify.FocusUntil(ctx, uid, now); err != nil {
		return err
	}
	if d.Held, err = s.Notify.Held(ctx, uid); err != nil {
		return err
	}
	if d.Blocks, err = s.Notify.Blocks(ctx, uid); err != nil {
		return err
	}
	d.DayEnd = dayEnd(now, p.loc)
	p.Data = d
	return s.renderStatus(w, status, p, "focus")
}

// dayEnd is the end of the office day of now in loc, or zero when it is less than a quarter of
// an hour away or past.
func dayEnd(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	end := time.Date(y, m, d, int(focusDayEnd.Hours()), 0, 0, 0, loc)
	if end.Sub(now) < 15*time.Minute {
		return time.Time{}
	}
	return end
}

// focusStart puts the reader in focus for an hour, two, or until the end of the day.
func (s *Server) focusStart(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "focus")
	now := s.Notify.Now()
	var d time.Duration
	switch r.PostFormValue("for") {
	case "1h":
		d = time.Hour
	case "2h":
		d = 2 * time.Hour
	case "day":
		if end := dayEnd(now, p.loc); !end.IsZero() {
			d = end.Sub(now)
		}
	}
	until, err := s.Notify.StartFocus(r.Context(), p.User.UserID, d)
	if s.formErrors(p, err) {
		return s.renderFocus(w, r, p, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("focus.started", "time", p.Clock(until)))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// focusStop ends the reader's focus now and delivers what it held.
func (s *Server) focusStop(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "focus")
	n, err := s.Notify.StopFocus(r.Context(), p.User.UserID)
	if err != nil {
		return err
	}
	msg := p.T("focus.stopped")
	if n > 0 {
		msg = p.T("focus.stopped_released", "n", n)
	}
	s.setFlash(w, "success", msg)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// focusBlockCreate adds a recurring focus block; a wrong field is shown beside it, with what
// the person chose kept.
func (s *Server) focusBlockCreate(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "focus")
	if err := r.ParseForm(); err != nil {
		return err
	}
	p.Form = r.PostForm
	in := notify.BlockInput{Start: r.PostForm.Get("focus_start"), End: r.PostForm.Get("focus_end"), Timezone: p.Company.Timezone}
	for _, v := range r.PostForm["focus_days"] {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 && n <= 6 {
			in.Days = append(in.Days, time.Weekday(n))
		}
	}
	b, err := s.Notify.AddBlock(r.Context(), p.User.UserID, in)
	if s.formErrors(p, err) {
		return s.renderFocus(w, r, p, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("focus.blocks.added", "days", p.BlockDays(b), "start", b.StartClock(), "end", b.EndClock()))
	http.Redirect(w, r, "/focus", http.StatusSeeOther)
	return nil
}

// focusBlockDelete removes one of the reader's focus blocks.
func (s *Server) focusBlockDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = s.Notify.DeleteBlock(r.Context(), identity(r).UserID, id)
	if errors.Is(err, notify.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", s.I18n.T(s.lang(r), "focus.blocks.deleted"))
	http.Redirect(w, r, "/focus", http.StatusSeeOther)
	return nil
}

// BlockDays writes a block's days: "Du lundi au vendredi", "Tous les jours", or "Lun, Mer".
func (p *Page) BlockDays(b notify.Block) string {
	switch {
	case len(b.Days) == 7:
		return p.T("focus.blocks.every_day")
	case len(b.Days) == 5 && !b.Has(time.Saturday) && !b.Has(time.Sunday):
		return p.T("focus.blocks.every_weekday")
	}
	names := make([]string, len(b.Days))
	for i, d := range b.Days {
		names[i] = p.T("focus.day." + strconv.Itoa(int(d)))
	}
	return strings.Join(names, ", ")
}

// DayName is the short name of a weekday ("Lun"), and DayLong its full name.
func (p *Page) DayName(d time.Weekday) string { return p.T("focus.day." + strconv.Itoa(int(d))) }

// DayLong is the full name of a weekday ("Lundi").
func (p *Page) DayLong(d time.Weekday) string { return p.T("focus.day_long." + strconv.Itoa(int(d))) }

// FormHas reports whether the form field holds value among its values (checkboxes).
func (p *Page) FormHas(field, value string) bool {
	for _, v := range p.Form[field] {
		if v == value {
			return true
		}
	}
	return false
}

// portalFocus tells a requester, on the portal, when the team will read their request when
// everyone who would answer it is in focus: for one of their requests (?number=) or for a new
// one. It is empty otherwise, and for urgent requests, which go through.
func (s *Server) portalFocus(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := s.fragmentPage(r, "portal")
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	var responders []int64
	assignee, key := "", "focus.portal.home"
	if n, _ := strconv.ParseInt(r.URL.Query().Get("number"), 10, 64); n > 0 {
		var ok bool
		if responders, assignee, ok, err = s.Requests.Awaited(ctx, v, n); err != nil || !ok {
			return s.emptyFragment(w, err)
		}
		key = "focus.portal.request"
		if assignee != "" {
			key = "focus.portal.request_assigned"
		}
	} else if v.PersonID != 0 {
		// A new request: unassigned, not confidential.
		if responders, err = s.Requests.Responders(ctx, request.Request{}); err != nil {
			return err
		}
	}
	until, ok, err := s.Notify.FocusUntilAll(ctx, responders, s.Notify.Now())
	if err != nil || !ok {
		return s.emptyFragment(w, err)
	}
	p.Data = p.T(key, "time", p.Clock(until), "name", assignee)
	return s.tmpl.fragment(w, "notifications", "portal-focus", p)
}

// emptyFragment answers an htmx request that has nothing to show, or the error.
func (s *Server) emptyFragment(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	return nil
}
