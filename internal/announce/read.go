package announce

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"majordome/internal/fold"
)

// stored is an announcement with the fan-out's own bookkeeping.
type stored struct {
	Announcement
	postState      string // the Slack channel post: "", queued, sent, failed
	postRef        string
	postVersion    int
	remindRound    int
	autoRemindedAt *time.Time
}

type scanner interface{ Scan(dest ...any) error }

func scanAnnouncement(sc scanner) (stored, error) {
	var a stored
	var aud, chans, importance string
	err := sc.Scan(&a.ID, &a.Title, &a.Body, &aud, &chans, &a.SlackDM, &a.SlackChannel, &importance, &a.AckRequired,
		&a.AckBy, &a.SendAt, &a.Status, &a.Version, &a.AuthorUserID, &a.AuthorName, &a.CreatedAt, &a.UpdatedAt,
		&a.SentAt, &a.postState, &a.postRef, &a.postVersion, &a.remindRound, &a.autoRemindedAt)
	if err != nil {
		return a, err
	}
	a.Importance = Importance(importance)
	if chans != "" {
		a.Channels = strings.Split(chans, ",")
	}
	if err := json.Unmarshal([]byte(aud), &a.Audience); err != nil {
		return a, fmt.Errorf("announce: audience of %d: %w", a.ID, err)
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	for _, t := range []**time.Time{&a.AckBy, &a.SendAt, &a.SentAt, &a.autoRemindedAt} {
		if *t != nil {
			u := (*t).UTC()
			*t = &u
		}
	}
	return a, nil
}

// load reads one announcement with its files (without their bytes), without counts.
func (s *Service) load(ctx context.Context, q queryer, id int64) (stored, error) {
	a, err := scanAnnouncement(q.QueryRowContext(ctx, s.q.Get("announcement-get"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("announce: get %d: %w", id, err)
	}
	a.Files, err = s.files(ctx, q, id, false)
	return a, err
}

// files lists the files of an announcement, with their bytes when data is true.
func (s *Service) files(ctx context.Context, q queryer, id int64, data bool) ([]File, error) {
	name := "files"
	if data {
		name = "files-data"
	}
	rows, err := q.QueryContext(ctx, s.q.Get(name), id)
	if err != nil {
		return nil, fmt.Errorf("announce: files of %d: %w", id, err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		dest := []any{&f.ID, &f.Name, &f.ContentType, &f.Size}
		if data {
			dest = append(dest, &f.Data)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("announce: files of %d: %w", id, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// File returns one attachment of an announcement with its bytes.
func (s *Service) File(ctx context.Context, id, fileID int64) (File, error) {
	var f File
	err := s.db.R.QueryRowContext(ctx, s.q.Get("file-get"), id, fileID).Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, fmt.Errorf("announce: file %d of %d: %w", fileID, id, err)
	}
	return f, nil
}

// counts computes an announcement's delivery figures from its recipients.
func (s *Service) counts(ctx context.Context, q queryer, id int64) (Counts, error) {
	var c Counts
	err := q.QueryRowContext(ctx, s.q.Get("counts"), id).Scan(&c.Recipients, &c.Queued, &c.Sent, &c.Failed, &c.Read, &c.Acknowledged)
	if err != nil {
		return c, fmt.Errorf("announce: counts of %d: %w", id, err)
	}
	return c, nil
}

// Get returns an announcement with its files (without their bytes) and its counts: a recipient
// counts as sent when any channel reached them, as failed when every channel failed; read and
// acknowledged count on their own (an acknowledgement is also a reading).
func (s *Service) Get(ctx context.Context, id int64) (Announcement, error) {
	a, err := s.load(ctx, s.db.R, id)
	if err != nil {
		return Announcement{}, err
	}
	a.Counts, err = s.counts(ctx, s.db.R, id)
	return a.Announcement, err
}

// List returns the history, newest first, each with its counts; cursor is "" for the first
// page and the next page's cursor is "" after the last.
func (s *Service) List(ctx context.Context, cursor string, limit int) ([]Announcement, string, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var before int64
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", ErrBadCursor
		}
		before = n
	}
	list, err := s.announcements(ctx, "announcement-list", before, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(list) > limit {
		list = list[:limit]
		next = strconv.FormatInt(list[limit-1].ID, 10)
	}
	for i := range list {
		if list[i].Counts, err = s.counts(ctx, s.db.R, list[i].ID); err != nil {
			return nil, "", err
		}
	}
	return list, next, nil
}

func (s *Service) announcements(ctx context.Context, query string, args ...any) ([]Announcement, error) {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get(query), args...)
	if err != nil {
		return nil, fmt.Errorf("announce: %s: %w", query, err)
	}
	defer rows.Close()
	var out []Announcement
	for rows.Next() {
		a, err := scanAnnouncement(rows)
		if err != nil {
			return nil, fmt.Errorf("announce: %s: %w", query, err)
		}
		out = append(out, a.Announcement)
	}
	return out, rows.Err()
}

// Banners returns the announcements personID has to acknowledge (or, with no acknowledgement
// asked, has not read yet) through the portal channel, with their files: what every portal page
// shows on top, without the history ForPerson adds.
func (s *Service) Banners(ctx context.Context, personID int64) ([]Announcement, error) {
	banners, err := s.announcements(ctx, "person-banners", personID)
	if err != nil {
		return nil, err
	}
	for i := range banners {
		if banners[i].Files, err = s.files(ctx, s.db.R, banners[i].ID, false); err != nil {
			return nil, err
		}
	}
	return banners, nil
}

// ForPerson returns, for the portal, the announcements personID has to acknowledge (or, with no
// acknowledgement asked, has not read yet) through the portal channel, with their files, and
// every announcement they received, newest first.
func (s *Service) ForPerson(ctx context.Context, personID int64) ([]Announcement, []Announcement, error) {
	banners, err := s.Banners(ctx, personID)
	if err != nil {
		return nil, nil, err
	}
	past, err := s.announcements(ctx, "person-past", personID)
	if err != nil {
		return nil, nil, err
	}
	return banners, past, nil
}

// row is a recipient with the fan-out's bookkeeping.
type row struct {
	Recipient
	id      int64
	sortKey string
	tries   int
}

func scanRecipient(sc scanner, extra ...any) (row, error) {
	var r row
	var team, site, slackState, slackRef, slackErr, emailState, emailRef, emailErr, portalState string
	dest := []any{&r.id, &r.AnnouncementID, &r.PersonID, &r.Name, &r.Email, &r.Language, &team, &site,
		&slackState, &slackRef, &slackErr, &emailState, &emailRef, &emailErr, &portalState, &r.ReadAt, &r.AckAt,
		&r.AckVia, &r.Token, &r.RemindedAt, &r.sortKey}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return r, err
	}
	r.Team, r.Site = team, site
	r.Channels, r.Refs, r.Errors = map[string]string{}, map[string]string{}, map[string]string{}
	for _, c := range []struct{ ch, state, ref, err string }{
		{ChannelSlack, slackState, slackRef, slackErr},
		{ChannelEmail, emailState, emailRef, emailErr},
		{ChannelPortal, portalState, "", ""},
	} {
		if c.state != "" {
			r.Channels[c.ch] = c.state
		}
		if c.ref != "" {
			r.Refs[c.ch] = c.ref
		}
		if c.err != "" {
			r.Errors[c.ch] = c.err
		}
	}
	for _, t := range []**time.Time{&r.ReadAt, &r.AckAt, &r.RemindedAt} {
		if *t != nil {
			u := (*t).UTC()
			*t = &u
		}
	}
	r.State = stateOf(r.Recipient)
	return r, nil
}

// stateOf is a recipient's best state across channels.
func stateOf(r Recipient) string {
	switch {
	case r.AckAt != nil:
		return RecipientAcknowledged
	case r.ReadAt != nil:
		return RecipientRead
	}
	var queued, failed bool
	for _, st := range r.Channels {
		switch st {
		case "sent":
			return RecipientSent
		case "queued":
			queued = true
		case "failed":
			failed = true
		}
	}
	if failed && !queued {
		return RecipientFailed
	}
	if queued {
		return RecipientQueued
	}
	return RecipientSent // no personal channel (a Slack channel post only)
}

func (s *Service) recipients(ctx context.Context, q queryer, query string, args ...any) ([]row, error) {
	rows, err := q.QueryContext(ctx, s.q.Get(query), args...)
	if err != nil {
		return nil, fmt.Errorf("announce: %s: %w", query, err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		r, err := scanRecipient(rows)
		if err != nil {
			return nil, fmt.Errorf("announce: %s: %w", query, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// recipientCursor is where a page of recipients stops: the last one's sort key and row.
type recipientCursor struct {
	K string `json:"k"`
	I int64  `json:"i"`
}

// Recipients lists an announcement's recipients by name, filtered by f, one page at a time.
// f.State is one of the Recipient* states (the best state across channels) or "pending" (not
// acknowledged); f.Q searches names, emails, teams and sites.
func (s *Service) Recipients(ctx context.Context, id int64, f RecipientFilter) ([]Recipient, string, error) {
	if _, err := s.load(ctx, s.db.R, id); err != nil {
		return nil, "", err
	}
	switch f.State {
	case "", "pending", RecipientQueued, RecipientSent, RecipientFailed, RecipientRead, RecipientAcknowledged:
	default:
		return nil, "", ErrBadFilter
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var cur recipientCursor
	hasCursor := 0
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		if err != nil || json.Unmarshal(b, &cur) != nil {
			return nil, "", ErrBadCursor
		}
		hasCursor = 1
	}
	list, err := s.recipients(ctx, s.db.R, "recipients-list", id, f.State, f.TeamID, f.SiteID, fold.Key(f.Q),
		hasCursor, cur.K, cur.I, f.Limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(list) > f.Limit {
		list = list[:f.Limit]
		last := list[f.Limit-1]
		b, _ := json.Marshal(recipientCursor{K: last.sortKey, I: last.id})
		next = base64.RawURLEncoding.EncodeToString(b)
	}
	out := make([]Recipient, len(list))
	for i, r := range list {
		out[i] = r.Recipient
	}
	return out, next, nil
}

// ByTeam returns the acknowledgement rate of each team the announcement reached (by the team
// they were in when it went; "" for people without one).
func (s *Service) ByTeam(ctx context.Context, id int64) ([]Breakdown, error) {
	return s.breakdown(ctx, "by-team", id)
}

// BySite returns the acknowledgement rate of each site, as ByTeam.
func (s *Service) BySite(ctx context.Context, id int64) ([]Breakdown, error) {
	return s.breakdown(ctx, "by-site", id)
}

func (s *Service) breakdown(ctx context.Context, query string, id int64) ([]Breakdown, error) {
	if _, err := s.load(ctx, s.db.R, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, s.q.Get(query), id)
	if err != nil {
		return nil, fmt.Errorf("announce: %s: %w", query, err)
	}
	defer rows.Close()
	var out []Breakdown
	for rows.Next() {
		var b Breakdown
		if err := rows.Scan(&b.Name, &b.Recipients, &b.Acknowledged, &b.Read); err != nil {
			return nil, fmt.Errorf("announce: %s: %w", query, err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
