package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"majordome/internal/jobs"
)

// The daily digest. A periodic job looks every hour for the accounts whose digest hour has
// come in their timezone and queues one digest job per account and local day (unique key); the
// digest job lists what the account has not read since its last digest and hands it to the
// channels that send digests (email). An empty digest sends nothing. A digest is recorded per
// account and day once sent, so it never goes twice, even when its job runs again.

// The digest's job kinds.
const (
	JobDigestScan = "notify.digest_scan"
	JobDigest     = "notify.digest"
)

// digestMax is how many notifications a digest lists at most; the inbox holds the rest.
const digestMax = 50

// Digest is one account's daily digest.
type Digest struct {
	UserID int64
	To     Recipient
	Day    string     // the local day, 2026-03-02
	Items  []Delivery // unread notifications, oldest first, written in To.Lang
}

// DigestChannel is a channel that can send a digest.
type DigestChannel interface {
	DeliverDigest(ctx context.Context, d Digest) error
}

type digestPayload struct {
	UserID int64  `json:"user_id"`
	Day    string `json:"day"`
}

// registerDigest binds the digest's jobs.
func (s *Service) registerDigest() {
	s.jobs.RegisterEvery(JobDigestScan, time.Hour, s.now, s.digestScanJob)
	s.jobs.Register(JobDigest, s.digestJob)
}

// StartDigests schedules the hourly digest scan; call it once at start-up (a no-op when it is
// scheduled already).
func (s *Service) StartDigests(ctx context.Context) error {
	return s.jobs.ScheduleEvery(ctx, JobDigestScan, time.Hour, s.now())
}

// digestScanJob queues the digests due this hour.
func (s *Service) digestScanJob(ctx context.Context, _ []byte) error {
	return s.QueueDigests(ctx)
}

// QueueDigests queues a digest for every account whose digest hour is the current hour in
// its timezone, at most one per account and local day.
func (s *Service) QueueDigests(ctx context.Context) error {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("digest-accounts"))
	if err != nil {
		return fmt.Errorf("notify: digest accounts: %w", err)
	}
	type due struct {
		user int64
		day  string
	}
	var dues []due
	now := s.now()
	for rows.Next() {
		var id int64
		var hour int
		var tz string
		if err := rows.Scan(&id, &hour, &tz); err != nil {
			rows.Close()
			return err
		}
		loc, err := time.LoadLocation(tz)
		if err != nil {
			loc = time.UTC
		}
		local := now.In(loc)
		if local.Hour() == hour {
			dues = append(dues, due{id, local.Format(time.DateOnly)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range dues {
		key := fmt.Sprintf("%s:%d:%s", JobDigest, d.user, d.day)
		if _, err := s.jobs.Enqueue(ctx, JobDigest, digestPayload{UserID: d.user, Day: d.day}, jobs.Key(key)); err != nil {
			return fmt.Errorf("notify: queue digest: %w", err)
		}
	}
	return nil
}

// digestJob builds one account's digest of a day and sends it through every digest channel.
func (s *Service) digestJob(ctx context.Context, payload []byte) error {
	var p digestPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("notify: digest payload: %w", err)
	}
	var sent int
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("digest-sent"), p.UserID, p.Day).Scan(&sent); err != nil {
		return fmt.Errorf("notify: digest of %d: %w", p.UserID, err)
	}
	if sent > 0 {
		return nil
	}
	d, err := s.BuildDigest(ctx, p.UserID, p.Day)
	if err != nil {
		return err
	}
	if len(d.Items) > 0 {
		for _, name := range s.channelNames() {
			ch, _ := s.channel(name)
			if dc, ok := ch.(DigestChannel); ok {
				if err := dc.DeliverDigest(ctx, d); err != nil {
					return fmt.Errorf("notify: digest of %d by %s: %w", p.UserID, name, err)
				}
			}
		}
	}
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("digest-insert"), p.UserID, p.Day, s.now()); err != nil {
		return fmt.Errorf("notify: record digest of %d: %w", p.UserID, err)
	}
	return nil
}

// BuildDigest lists what account userID has not read since its last digest (or the last day),
// written in its language.
func (s *Service) BuildDigest(ctx context.Context, userID int64, day string) (Digest, error) {
	d := Digest{UserID: userID, Day: day}
	err := s.db.R.QueryRowContext(ctx, s.q.Get("digest-recipient"), userID).Scan(&d.To.Name, &d.To.Email, &d.To.Lang)
	if err == sql.ErrNoRows {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("notify: digest recipient %d: %w", userID, err)
	}
	since := s.now().Add(-24 * time.Hour)
	var last sql.NullTime
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("digest-last"), userID).Scan(&last); err != nil {
		var lastS sql.NullString // SQLite returns MAX() of a timestamp as text
		if err2 := s.db.R.QueryRowContext(ctx, s.q.Get("digest-last"), userID).Scan(&lastS); err2 != nil {
			return d, fmt.Errorf("notify: last digest of %d: %w", userID, err)
		}
		if lastS.Valid {
			if t, err := parseDBTime(lastS.String); err == nil {
				last = sql.NullTime{Time: t, Valid: true}
			}
		}
	}
	if last.Valid && last.Time.After(since) {
		since = last.Time
	}
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("digest-items"), userID, since, digestMax)
	if err != nil {
		return d, fmt.Errorf("notify: digest items of %d: %w", userID, err)
	}
	defer rows.Close()
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return d, err
		}
		n.To = d.To
		dl := Delivery{Notification: n}
		dl.Title, dl.Body = Text(s.cat, d.To.Lang, n)
		d.Items = append(d.Items, dl)
	}
	return d, rows.Err()
}

// parseDBTime reads a timestamp SQLite gave back as text.
func parseDBTime(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("notify: time %q", v)
}
