package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"majordome/internal/httpx"
	"majordome/internal/notify"
	"majordome/internal/valid"
)

// focusJSON is the account's focus time: whether it is in focus now and until when (a focus
// started by hand, or a recurring block), how many notifications wait for its end, and the
// recurring blocks.
type focusJSON struct {
	InFocus bool        `json:"in_focus"`
	Until   *string     `json:"until"` // null when not in focus
	Held    int         `json:"held"`
	Blocks  []blockJSON `json:"blocks"`
}

// focusStopJSON is the focus after it was stopped, with how many held notifications went out.
type focusStopJSON struct {
	focusJSON
	Released int `json:"released"`
}

// blockJSON is a recurring focus block: on days, from start to end (HH:MM, local time in
// timezone; end may be 24:00).
type blockJSON struct {
	ID       int64    `json:"id"`
	Days     []string `json:"days"` // monday … sunday, Monday first
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Timezone string   `json:"timezone"`
}

func blockOut(b notify.Block) blockJSON {
	out := blockJSON{ID: b.ID, Days: []string{}, Start: b.StartClock(), End: b.EndClock(), Timezone: b.Timezone}
	for _, d := range b.Days {
		out.Days = append(out.Days, strings.ToLower(d.String()))
	}
	return out
}

// focusFields are the API names of the focus service's fields.
var focusFields = map[string]string{"focus_days": "days", "focus_start": "start", "focus_end": "end",
	"focus_duration": "minutes"}

// focusErr gives the focus service's validation errors their API names.
func focusErr(err error) error {
	for from, to := range focusFields {
		err = renameField(err, from, to)
	}
	return err
}

// focusState reads the focus of account uid now.
func (s *server) focusState(r *http.Request, uid int64) (focusJSON, error) {
	ctx := r.Context()
	out := focusJSON{Blocks: []blockJSON{}}
	until, in, err := s.Notify.FocusUntil(ctx, uid, s.Notify.Now())
	if err != nil {
		return out, err
	}
	if in {
		out.InFocus, out.Until = true, timeOrNull(&until)
	}
	if out.Held, err = s.Notify.Held(ctx, uid); err != nil {
		return out, err
	}
	blocks, err := s.Notify.Blocks(ctx, uid)
	for _, b := range blocks {
		out.Blocks = append(out.Blocks, blockOut(b))
	}
	return out, err
}

// focusGet answers GET /api/v1/me/focus.
func (s *server) focusGet(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meOf(r)
	if err != nil {
		return err
	}
	out, err := s.focusState(r, m.user.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// focusStart answers POST /api/v1/me/focus: {"minutes": 90} puts the account in focus from now
// (at most a day; a block running past the end keeps it on until its own end).
func (s *server) focusStart(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meOf(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, []string{"minutes"}, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	minutes := f.integer("minutes")
	if err := f.err(); err != nil {
		return err
	}
	if minutes == nil {
		return valid.Errors{{Field: "minutes", Code: "required"}}
	}
	if _, err := s.Notify.StartFocus(r.Context(), m.user.ID, time.Duration(*minutes)*time.Minute); err != nil {
		return focusErr(err)
	}
	out, err := s.focusState(r, m.user.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// focusStop answers DELETE /api/v1/me/focus: the focus under way ends now, the block under way
// included (it comes back on its next day), and what it held goes out at once.
func (s *server) focusStop(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meOf(r)
	if err != nil {
		return err
	}
	n, err := s.Notify.StopFocus(r.Context(), m.user.ID)
	if err != nil {
		return err
	}
	out, err := s.focusState(r, m.user.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, focusStopJSON{focusJSON: out, Released: n})
	return nil
}

// weekday reads a day by its API name: "monday" … "sunday", in any case.
func weekday(name string) (time.Weekday, bool) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(strings.TrimSpace(name), d.String()) {
			return d, true
		}
	}
	return 0, false
}

// focusBlockCreate answers POST /api/v1/me/focus/blocks; without a timezone, the company's is
// used, as on the web page.
func (s *server) focusBlockCreate(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meOf(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, []string{"days", "start", "end", "timezone"}, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	days, start, end, tz := f.strs("days"), f.str("start"), f.str("end"), f.str("timezone")
	if err := f.err(); err != nil {
		return err
	}
	in := notify.BlockInput{Start: val(start), End: val(end), Timezone: val(tz)}
	if days != nil {
		for _, name := range *days {
			d, ok := weekday(name)
			if !ok {
				return valid.Errors{{Field: "days", Code: "invalid"}}
			}
			in.Days = append(in.Days, d)
		}
	}
	if in.Timezone == "" {
		if in.Timezone, err = s.companyTimezone(r); err != nil {
			return err
		}
	}
	b, err := s.Notify.AddBlock(r.Context(), m.user.ID, in)
	if err != nil {
		return focusErr(err)
	}
	httpx.WriteJSON(w, http.StatusCreated, blockOut(b))
	return nil
}

// focusBlockDelete answers DELETE /api/v1/me/focus/blocks/{id}. What the block holds stays
// held until the focus that held it would have ended.
func (s *server) focusBlockDelete(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meOf(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNoBlock
	}
	if err := s.Notify.DeleteBlock(r.Context(), m.user.ID, id); errors.Is(err, notify.ErrNotFound) {
		return errNoBlock
	} else if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

var errNoBlock = notFound("The account of this token has no focus block with this id.")
