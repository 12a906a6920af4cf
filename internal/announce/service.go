// Package announce owns the announcements: one message from the Office Manager to the whole
// company, teams, sites or people, delivered through Slack, email and the portal by a durable
// fan-out, with each recipient's delivery state, read and acknowledgement, reminders to those
// who have not acknowledged, corrections of what was sent, and the export that proves it.
//
// The deliverers (Slack DMs, email) live in the channel adapters and are wired with
// AddDeliverer; this package paces them, records each outcome right after each call, and
// resumes after a restart with the recipients not yet settled (see fanout.go).
package announce

import (
	"context"
	"embed"
	"errors"
	"log/slog"
	"sync"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/jobs"
	"majordome/internal/people"
)

//go:embed queries*.sql
var queriesFS embed.FS

// Errors of the announce package.
var (
	ErrNotFound     = errors.New("announce: not found")
	ErrAlreadySent  = errors.New("announce: already sent")
	ErrNotSent      = errors.New("announce: not sent yet")
	ErrCancelled    = errors.New("announce: cancelled")
	ErrBadToken     = errors.New("announce: unknown acknowledgement link")
	ErrNotRecipient = errors.New("announce: not a recipient")
	ErrBadCursor    = errors.New("announce: bad cursor")
	ErrBadFilter    = errors.New("announce: bad filter")
	ErrBadFormat    = errors.New("announce: unknown export format")
)

// Deps are what the service works with. Jobs is required: every delivery goes through it.
type Deps struct {
	DB     *db.DB
	Log    *slog.Logger
	Audit  *audit.Log
	People *people.Directory
	Jobs   *jobs.Queue
}

// Service keeps the announcements and runs their fan-out.
type Service struct {
	db    *db.DB
	q     *db.Queries
	log   *slog.Logger
	audit *audit.Log
	jobs  *jobs.Queue
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	paris *time.Location
	slice time.Duration                 // how long one fan-out job runs before it hands over to its next run
	retry func(tries int) time.Duration // the wait before a recipient's next try

	mu         sync.Mutex
	deliverers map[string]Deliverer
	pacers     map[string]*pacer
	poster     ChannelPoster
}

// New returns the announcements stored in d.DB.
func New(d Deps) *Service {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.UTC
	}
	log := d.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{db: d.DB, q: db.MustLoadQueries("announce", queriesFS, d.DB.Dialect), log: log,
		audit: d.Audit, jobs: d.Jobs, paris: paris, slice: 20 * time.Second, retry: retryDelay,
		now: func() time.Time { return time.Now().UTC() }, sleep: sleepCtx,
		deliverers: map[string]Deliverer{}, pacers: map[string]*pacer{}}
}

// Queries exposes the package's statements to the start-up check.
func (s *Service) Queries() *db.Queries { return s.q }

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// SetSleep replaces how the pacers wait, for tests: sleep may advance a fake clock instead.
func (s *Service) SetSleep(sleep func(ctx context.Context, d time.Duration) error) { s.sleep = sleep }

// AddDeliverer makes the fan-out send through d on its channel, at d.Rate() from this instance.
// Wire it before serving.
func (s *Service) AddDeliverer(d Deliverer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliverers[d.Channel()] = d
	s.pacers[d.Channel()] = newPacer(d.Rate())
}

// SetChannelPoster makes announcements with a Slack channel post there through p, at the Slack
// deliverer's pace.
func (s *Service) SetChannelPoster(p ChannelPoster) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.poster = p
}

func (s *Service) deliverer(channel string) (Deliverer, *pacer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliverers[channel], s.pacers[channel]
}

func (s *Service) channelPoster() ChannelPoster {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.poster
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
