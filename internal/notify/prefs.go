package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"majordome/internal/valid"
)

// Preferences. Each account chooses how it hears of things outside the app: on Slack, by
// email, on both, or in one email a day (the digest, at the hour it picks). The in-app inbox is
// always on. Without a choice, an account hears on every channel set up. An urgent
// notification is never held for the digest: it goes out on every channel at once.

// Mode is how an account wants its notifications outside the app.
type Mode string

// The modes.
const (
	ModeBoth   Mode = "both"
	ModeSlack  Mode = "slack"
	ModeEmail  Mode = "email"
	ModeDigest Mode = "digest"
)

// Modes lists the modes, in the order the preferences page shows them.
var Modes = []Mode{ModeBoth, ModeSlack, ModeEmail, ModeDigest}

// Prefs are an account's notification preferences.
type Prefs struct {
	Mode       Mode
	DigestHour int    // 0–23, local time
	Timezone   string // IANA name, Europe/Paris by default
}

// DefaultPrefs are the preferences of an account that chose nothing.
func DefaultPrefs() Prefs { return Prefs{Mode: ModeBoth, DigestHour: 8, Timezone: "Europe/Paris"} }

// Prefs returns the preferences of account userID.
func (s *Service) Prefs(ctx context.Context, userID int64) (Prefs, error) {
	p := DefaultPrefs()
	err := s.db.R.QueryRowContext(ctx, s.q.Get("prefs-get"), userID).Scan(&p.Mode, &p.DigestHour, &p.Timezone)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultPrefs(), nil
	}
	if err != nil {
		return p, fmt.Errorf("notify: prefs of %d: %w", userID, err)
	}
	return p, nil
}

// SetPrefs validates and stores the preferences of account userID.
func (s *Service) SetPrefs(ctx context.Context, userID int64, p Prefs) error {
	var errs valid.Errors
	switch p.Mode {
	case ModeBoth, ModeSlack, ModeEmail, ModeDigest:
	default:
		errs.Add("mode", "invalid")
	}
	if p.DigestHour < 0 || p.DigestHour > 23 {
		errs.Add("digest_hour", "invalid")
	}
	if p.Timezone == "" {
		p.Timezone = DefaultPrefs().Timezone
	}
	if _, err := time.LoadLocation(p.Timezone); err != nil {
		errs.Add("timezone", "timezone_invalid")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("prefs-put"), userID, string(p.Mode), p.DigestHour, p.Timezone, s.now()); err != nil {
		return fmt.Errorf("notify: save prefs of %d: %w", userID, err)
	}
	return nil
}

// wants reports whether n goes out through channel now, by its recipient's preferences.
func (s *Service) wants(ctx context.Context, n Notification, channel string) (bool, error) {
	if n.UserID == 0 {
		return true, nil // a person without an account has no preferences
	}
	p, err := s.Prefs(ctx, n.UserID)
	if err != nil {
		return false, err
	}
	switch p.Mode {
	case ModeSlack:
		return channel != "email", nil
	case ModeEmail:
		return channel != "slack", nil
	case ModeDigest:
		return n.Urgent, nil
	}
	return true, nil
}
