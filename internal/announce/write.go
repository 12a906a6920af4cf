package announce

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/jobs"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// Limits of an announcement. Attachments follow the desk's rules (request.ReadFile: its
// allow-list of kinds, 10 MiB a file).
const (
	maxTitle = 200
	maxBody  = 100_000
	maxFiles = 5
)

// Channels lists the channels in the order forms show them.
var Channels = []string{ChannelSlack, ChannelEmail, ChannelPortal}

// Importances lists the importances in the order forms show them.
var Importances = []Importance{Info, Important, Action}

// readier is a deliverer or channel poster that says whether it can send now: Slack and
// email are wired always and set up at run time, on their settings pages.
type readier interface {
	Ready(ctx context.Context) bool
}

// ready reports whether a deliverer or channel poster can send now: it is wired, and set up
// when it says whether it is.
func ready(ctx context.Context, x any) bool {
	if x == nil {
		return false
	}
	r, ok := x.(readier)
	return !ok || r.Ready(ctx)
}

// check validates in (normalising its channels, importance and Slack options) and resolves its
// audience. A draft is checked as much as it can be, but may have nobody in its audience and
// name a channel that is not set up yet.
func (s *Service) check(ctx context.Context, q queryer, in *Input) (resolved, valid.Errors, error) {
	var errs valid.Errors
	now := s.now()
	in.Title = strings.TrimSpace(in.Title)
	if errs.Required("title", in.Title) {
		errs.MaxLen("title", in.Title, maxTitle)
	}
	if errs.Required("body", in.Body) {
		errs.MaxLen("body", in.Body, maxBody)
	}
	var chans []string
	for _, c := range in.Channels {
		c = strings.ToLower(strings.TrimSpace(c))
		switch {
		case c == "" || slices.Contains(chans, c):
		case !slices.Contains(Channels, c):
			errs.Add("channels", "channel_unknown", "value", c)
		default:
			chans = append(chans, c)
		}
	}
	slices.SortFunc(chans, func(a, b string) int { return slices.Index(Channels, a) - slices.Index(Channels, b) })
	in.Channels = chans
	if len(chans) == 0 && !errs.Has("channels") {
		errs.Add("channels", "required")
	}
	in.SlackChannel = strings.TrimSpace(in.SlackChannel)
	if !slices.Contains(chans, ChannelSlack) {
		in.SlackDM, in.SlackChannel = false, ""
	} else if in.SlackChannel == "" {
		in.SlackDM = true
	}
	if !in.Draft {
		for _, c := range chans {
			if d, _ := s.deliverer(c); c != ChannelPortal && !ready(ctx, d) {
				errs.Add("channels", "channel_unavailable", "value", c)
			}
		}
		if p := s.channelPoster(); in.SlackChannel != "" && !ready(ctx, p) {
			errs.Add("slack_channel", "channel_unavailable", "value", in.SlackChannel)
		}
	}
	if in.Importance == "" {
		in.Importance = Info
	} else if !slices.Contains(Importances, in.Importance) {
		errs.Add("importance", "importance_invalid")
	}
	if in.SendAt != nil {
		t := in.SendAt.UTC()
		in.SendAt = &t
		if !t.After(now) {
			errs.Add("send_at", "in_past")
		}
	}
	if in.AckBy != nil {
		t := in.AckBy.UTC()
		in.AckBy = &t
		switch {
		case !in.AckRequired:
			errs.Add("ack_by", "ack_by_without_ack")
		case !t.After(now):
			errs.Add("ack_by", "in_past")
		case in.SendAt != nil && !t.After(*in.SendAt):
			errs.Add("ack_by", "ack_by_before_send_at")
		}
	}
	s.checkFiles(in, &errs)
	r, err := s.resolve(ctx, q, in.Audience, &errs)
	if err != nil {
		return r, errs, err
	}
	in.Audience = in.Audience.clean()
	if !in.Draft && !errs.Has("audience") && !errs.Has("audience.teams") && !errs.Has("audience.sites") && !errs.Has("audience.people") {
		n, err := s.count(ctx, q, r)
		if err != nil {
			return r, errs, err
		}
		if n == 0 {
			errs.Add("audience", "audience_empty")
		}
	}
	return r, errs, nil
}

// checkFiles reads the new files of in through the desk's rules (kinds allowed, size), keeping
// the content type sniffed from the bytes.
func (s *Service) checkFiles(in *Input, errs *valid.Errors) {
	if len(in.Files) > maxFiles {
		errs.Add("files", "attachments_too_many", "max", fmt.Sprint(maxFiles))
		return
	}
	for i, f := range in.Files {
		if f.ID != 0 {
			continue // already stored
		}
		rf, err := request.ReadFile(f.Name, bytes.NewReader(f.Data))
		var tl *request.TooLargeError
		var ve valid.Errors
		switch {
		case errors.As(err, &tl):
			errs.Add("files", "attachment_too_large", "name", tl.Name, "max", "10 Mo")
		case errors.As(err, &ve):
			for _, fe := range ve {
				errs.Add("files", fe.Code, "name", fe.Params["name"])
			}
		case err != nil:
			errs.Add("files", "attachment_type", "name", f.Name)
		default:
			in.Files[i] = File{Name: rf.Name, ContentType: rf.ContentType, Size: int64(len(rf.Data)), Data: rf.Data}
		}
	}
}

// auditView is what the audit trail keeps of an announcement.
type auditView struct {
	Title       string     `json:"title"`
	Body        string     `json:"body"`
	Audience    Audience   `json:"audience"`
	Channels    []string   `json:"channels"`
	Importance  Importance `json:"importance"`
	AckRequired bool       `json:"ack_required"`
	AckBy       *time.Time `json:"ack_by,omitempty"`
	SendAt      *time.Time `json:"send_at,omitempty"`
	Status      string     `json:"status"`
	Version     int        `json:"version"`
}

func viewOf(a Announcement) auditView {
	return auditView{Title: a.Title, Body: a.Body, Audience: a.Audience, Channels: a.Channels, Importance: a.Importance,
		AckRequired: a.AckRequired, AckBy: a.AckBy, SendAt: a.SendAt, Status: a.Status, Version: a.Version}
}

// statusOf is where in goes: kept as a draft, scheduled, or sent at once.
func statusOf(in Input) string {
	switch {
	case in.Draft:
		return StatusDraft
	case in.SendAt != nil:
		return StatusScheduled
	}
	return StatusSending
}

// Create saves an announcement and sends it at once (its recipients are queued in the same
// transaction), schedules it for SendAt, or keeps it as a draft. Validation failures are a
// valid.Errors. The author is the actor of ctx.
func (s *Service) Create(ctx context.Context, in Input) (Announcement, error) {
	r, errs, err := s.check(ctx, s.db.R, &in)
	if err != nil {
		return Announcement{}, err
	}
	if err := errs.Err(); err != nil {
		return Announcement{}, err
	}
	actor := audit.ActorFrom(ctx)
	var author *int64
	if actor.Kind == "user" && actor.ID != 0 {
		author = &actor.ID
	}
	aud, _ := json.Marshal(in.Audience)
	status := statusOf(in)
	now := s.now()
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q.Get("announcement-insert"), in.Title, in.Body, string(aud),
			strings.Join(in.Channels, ","), in.SlackDM, in.SlackChannel, string(in.Importance), in.AckRequired,
			in.AckBy, in.SendAt, draftOr(status), author, actor.Name, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("announce: create: %w", err)
		}
		if err := s.storeFiles(ctx, tx, id, in.Files, now); err != nil {
			return err
		}
		a := Announcement{ID: id, Title: in.Title, Body: in.Body, Audience: in.Audience, Channels: in.Channels,
			SlackDM: in.SlackDM, SlackChannel: in.SlackChannel, Importance: in.Importance, AckRequired: in.AckRequired,
			AckBy: in.AckBy, SendAt: in.SendAt, Status: status, Version: 1}
		if err := s.audit.Record(ctx, tx, audit.Change{Action: "announcement.create", EntityType: "announcement",
			EntityID: id, EntityName: in.Title, After: viewOf(a)}); err != nil {
			return err
		}
		return s.dispatch(ctx, tx, a, r, now)
	})
	if err != nil {
		return Announcement{}, err
	}
	return s.Get(ctx, id)
}

// draftOr is the status an announcement is inserted with: a draft until start moves it on
// (so that start's guard, "draft or scheduled", holds for one sent at once too).
func draftOr(status string) string {
	if status == StatusScheduled {
		return StatusScheduled
	}
	return StatusDraft
}

// dispatch starts a (now) or schedules it (at SendAt), inside tx; a draft stays as it is.
func (s *Service) dispatch(ctx context.Context, tx *sql.Tx, a Announcement, r resolved, now time.Time) error {
	switch a.Status {
	case StatusSending:
		return s.start(ctx, tx, a, r, now)
	case StatusScheduled:
		_, err := s.jobs.EnqueueTx(ctx, tx, kindSend, idPayload{ID: a.ID},
			jobs.Key(fmt.Sprintf("%s:%d:%d", kindSend, a.ID, a.SendAt.Unix())), jobs.At(*a.SendAt))
		if err != nil {
			return fmt.Errorf("announce: schedule %d: %w", a.ID, err)
		}
	}
	return nil
}

// start sends a inside tx: every recipient row at once (one INSERT … SELECT from the directory,
// a random ack token each), its status "sending", and one fan-out job per delivering channel.
// An announcement for the portal only is sent as soon as the rows exist.
func (s *Service) start(ctx context.Context, tx *sql.Tx, a Announcement, r resolved, now time.Time) error {
	has := func(c string) bool { return slices.Contains(a.Channels, c) }
	post := ""
	if has(ChannelSlack) && a.SlackChannel != "" {
		post = "queued"
	}
	res, err := tx.ExecContext(ctx, s.q.Get("announcement-start"), a.ID, now, post)
	if err != nil {
		return fmt.Errorf("announce: start %d: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrAlreadySent
	}
	state := func(on bool, st string) string {
		if on {
			return st
		}
		return ""
	}
	args := append([]any{a.ID, state(has(ChannelSlack) && a.SlackDM, "queued"), state(has(ChannelEmail), "queued"),
		state(has(ChannelPortal), "sent")}, r.args()...)
	if _, err := tx.ExecContext(ctx, s.q.Get("recipients-insert"), args...); err != nil {
		return fmt.Errorf("announce: queue recipients of %d: %w", a.ID, err)
	}
	delivering := false
	for _, c := range []string{ChannelSlack, ChannelEmail} {
		if !has(c) {
			continue
		}
		delivering = true
		if _, err := s.jobs.EnqueueTx(ctx, tx, kindFanout, fanoutPayload{ID: a.ID, Channel: c}, jobs.Key(fanoutKey(a.ID, c))); err != nil {
			return fmt.Errorf("announce: enqueue fan-out of %d: %w", a.ID, err)
		}
	}
	if !delivering {
		if _, err := tx.ExecContext(ctx, s.q.Get("announcement-finish"), a.ID, now); err != nil {
			return fmt.Errorf("announce: finish %d: %w", a.ID, err)
		}
	}
	if a.AckRequired && a.AckBy != nil {
		if _, err := s.jobs.EnqueueTx(ctx, tx, kindAutoRemind, idPayload{ID: a.ID},
			jobs.Key(fmt.Sprintf("%s:%d", kindAutoRemind, a.ID)), jobs.At(autoRemindAt(now, *a.AckBy))); err != nil {
			return fmt.Errorf("announce: schedule reminder of %d: %w", a.ID, err)
		}
	}
	return nil
}

// storeFiles writes the new files (ID 0) of an announcement.
func (s *Service) storeFiles(ctx context.Context, tx *sql.Tx, id int64, files []File, now time.Time) error {
	for _, f := range files {
		if f.ID != 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("file-insert"), id, f.Name, f.ContentType, len(f.Data),
			sha256Hex(f.Data), f.Data, now); err != nil {
			return fmt.Errorf("announce: store file %q: %w", f.Name, err)
		}
	}
	return nil
}

// Update edits an announcement before it goes (every field; it may go at once, be scheduled or
// stay a draft, as in Create). After it went, it is a correction: the title and body change,
// Version goes up, a job edits every Slack message already sent (Deliverer.Correct, and the
// channel post), and the portal shows the new text; the audience and channels stay.
func (s *Service) Update(ctx context.Context, id int64, in Input) (Announcement, error) {
	cur, err := s.load(ctx, s.db.R, id)
	if err != nil {
		return Announcement{}, err
	}
	switch cur.Status {
	case StatusCancelled:
		return Announcement{}, ErrCancelled
	case StatusSending, StatusSent:
		return s.correct(ctx, cur.Announcement, in)
	}
	r, errs, err := s.check(ctx, s.db.R, &in)
	if err != nil {
		return Announcement{}, err
	}
	if err := errs.Err(); err != nil {
		return Announcement{}, err
	}
	aud, _ := json.Marshal(in.Audience)
	status := statusOf(in)
	now := s.now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("announcement-edit"), id, in.Title, in.Body, string(aud),
			strings.Join(in.Channels, ","), in.SlackDM, in.SlackChannel, string(in.Importance), in.AckRequired,
			in.AckBy, in.SendAt, draftOr(status), now)
		if err != nil {
			return fmt.Errorf("announce: update %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrAlreadySent // it went between the read and now
		}
		keep := map[int64]bool{}
		for _, f := range in.Files {
			keep[f.ID] = true
		}
		for _, f := range cur.Files {
			if !keep[f.ID] {
				if _, err := tx.ExecContext(ctx, s.q.Get("file-delete"), id, f.ID); err != nil {
					return fmt.Errorf("announce: remove file %d: %w", f.ID, err)
				}
			}
		}
		if err := s.storeFiles(ctx, tx, id, in.Files, now); err != nil {
			return err
		}
		a := Announcement{ID: id, Title: in.Title, Body: in.Body, Audience: in.Audience, Channels: in.Channels,
			SlackDM: in.SlackDM, SlackChannel: in.SlackChannel, Importance: in.Importance, AckRequired: in.AckRequired,
			AckBy: in.AckBy, SendAt: in.SendAt, Status: status, Version: 1}
		if err := s.audit.Record(ctx, tx, audit.Change{Action: "announcement.update", EntityType: "announcement",
			EntityID: id, EntityName: in.Title, Before: viewOf(cur.Announcement), After: viewOf(a)}); err != nil {
			return err
		}
		return s.dispatch(ctx, tx, a, r, now)
	})
	if err != nil {
		return Announcement{}, err
	}
	return s.Get(ctx, id)
}

// correct stores a correction of cur, which went already: its new title and body, Version+1,
// and the job that edits what Slack shows.
func (s *Service) correct(ctx context.Context, cur Announcement, in Input) (Announcement, error) {
	var errs valid.Errors
	in.Title = strings.TrimSpace(in.Title)
	if errs.Required("title", in.Title) {
		errs.MaxLen("title", in.Title, maxTitle)
	}
	if errs.Required("body", in.Body) {
		errs.MaxLen("body", in.Body, maxBody)
	}
	if err := errs.Err(); err != nil {
		return Announcement{}, err
	}
	if in.Title == cur.Title && in.Body == cur.Body {
		return s.Get(ctx, cur.ID)
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("announcement-correct"), cur.ID, in.Title, in.Body, s.now())
		if err != nil {
			return fmt.Errorf("announce: correct %d: %w", cur.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotFound
		}
		after := cur
		after.Title, after.Body, after.Version = in.Title, in.Body, cur.Version+1
		if err := s.audit.Record(ctx, tx, audit.Change{Action: "announcement.correct", EntityType: "announcement",
			EntityID: cur.ID, EntityName: in.Title, Before: viewOf(cur), After: viewOf(after)}); err != nil {
			return err
		}
		if slices.Contains(cur.Channels, ChannelSlack) {
			if _, err := s.jobs.EnqueueTx(ctx, tx, kindCorrect, idPayload{ID: cur.ID},
				jobs.Key(fmt.Sprintf("%s:%d", kindCorrect, cur.ID))); err != nil {
				return fmt.Errorf("announce: enqueue correction of %d: %w", cur.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return Announcement{}, err
	}
	return s.Get(ctx, cur.ID)
}

// Cancel cancels an announcement that has not gone yet (a draft or a scheduled one); after it
// went, ErrAlreadySent. Cancelling twice is not an error.
func (s *Service) Cancel(ctx context.Context, id int64) error {
	cur, err := s.load(ctx, s.db.R, id)
	if err != nil {
		return err
	}
	switch cur.Status {
	case StatusCancelled:
		return nil
	case StatusSending, StatusSent:
		return ErrAlreadySent
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("announcement-cancel"), id, s.now())
		if err != nil {
			return fmt.Errorf("announce: cancel %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrAlreadySent
		}
		after := cur.Announcement
		after.Status = StatusCancelled
		return s.audit.Record(ctx, tx, audit.Change{Action: "announcement.cancel", EntityType: "announcement",
			EntityID: id, EntityName: cur.Title, Before: viewOf(cur.Announcement), After: viewOf(after)})
	})
}
