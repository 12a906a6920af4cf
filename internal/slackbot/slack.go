// Package slackbot is Majordome's Slack app: employees file and follow requests from Slack (the
// slash command, a DM to the bot, a message shortcut, each request's DM thread), and the Office
// Manager triages them from a channel and App Home. Every Web API call goes through the durable
// job queue, and every payload Slack sends is verified, deduplicated and processed by a job.
package slackbot

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
)

//go:embed queries*.sql
var queriesFS embed.FS

// Errors of the slack package.
var (
	// ErrUnknownUser is a Slack user the directory does not know, refused by the settings.
	ErrUnknownUser = errors.New("slackbot: unknown user")
	// ErrNotConfigured is a call to Slack while no bot token is set.
	ErrNotConfigured = errors.New("slackbot: Slack is not configured (no bot token)")
)

// The job kinds of the package, registered by RegisterJobs.
const (
	JobPost    = "slack.post"    // send (or update) the message under a ref
	JobCall    = "slack.call"    // any other Web API call
	JobInbound = "slack.inbound" // a verified payload from Slack, for the flows
	JobPrune   = "slack.prune"   // forget old dedup keys
)

// Deps are the services the Slack app works with.
type Deps struct {
	Config config.Config // BaseURL and Slack
	Log    *slog.Logger
	DB     *db.DB
	Jobs   *jobs.Queue
	Audit  *audit.Log
	Auth   *auth.Service
	People *people.Directory
	Desk   *request.Desk
	Notify *notify.Service
	I18n   *i18n.Catalog
	// Articles is the bible, whose guides are suggested when a request is filed (nil: none).
	Articles *article.Service
}

// App is the Slack app of one instance.
type App struct {
	Deps
	q        *db.Queries
	store    *Store
	http     *http.Client
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	instance string // this instance's name in leases

	// socketLease is how long the Socket Mode lease lasts without renewal; socketPoll is how
	// often the settings are read again for a change of tokens (saved on another instance: one
	// saved on this one wakes the supervisor at once).
	socketLease time.Duration
	socketPoll  time.Duration
	leaseTries  atomic.Int64 // lease attempts, for tests that wait for an instance to have tried

	// in is where verified payloads go: the flows, or a test's recorder.
	in inbound

	// announces records the "J'ai lu" of announcements (set by Announcer; nil: none).
	announces Announcements
}

// inbound are the flows' entry points, replaceable in tests of the platform.
type inbound struct {
	event       func(ctx context.Context, ev slackevents.EventsAPIEvent) error
	command     func(ctx context.Context, cmd slack.SlashCommand) error
	interaction func(ctx context.Context, cb slack.InteractionCallback) error
	ack         func(ctx context.Context, cmd slack.SlashCommand) string
	submission  func(ctx context.Context, cb slack.InteractionCallback) *slack.ViewSubmissionResponse
}

// New returns the Slack app: it registers its job kinds on d.Jobs and its desk observer on
// d.Desk, so build it once. Build it whether or not Slack is set up: its settings are read on
// every call, so a bot token saved on the settings page takes effect at once, on every
// instance, and until one is set each entry point declines politely (see Enabled).
func New(d Deps) *App {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	a := &App{Deps: d, q: db.MustLoadQueries("slackbot", queriesFS, d.DB.Dialect),
		http:        &http.Client{Timeout: 20 * time.Second},
		now:         func() time.Time { return time.Now().UTC() },
		sleep:       sleepCtx,
		instance:    instanceName(),
		socketLease: 30 * time.Second,
		socketPoll:  3 * time.Second,
	}
	a.store = NewStore(d.DB, d.Config.Slack, d.Audit)
	a.in = inbound{event: a.handleEvent, command: a.handleCommand, interaction: a.handleInteraction,
		ack: a.commandAck, submission: a.viewSubmission}
	a.Jobs.Register(JobPost, a.postJob)
	a.Jobs.Register(JobCall, a.callJob)
	a.Jobs.Register(JobInbound, a.inboundJob)
	a.Jobs.RegisterEvery(JobPrune, time.Hour, a.now, a.pruneJob)
	a.registerFlows()
	return a
}

// Queries exposes the package's statements to the start-up check.
func (a *App) Queries() *db.Queries { return a.q }

// Store returns the app's settings.
func (a *App) Store() *Store { return a.store }

// settings returns the settings in effect.
func (a *App) settings(ctx context.Context) (Settings, error) { return a.store.Settings(ctx) }

// observeWhenEnabled is the desk observer (registerFlows): while no bot token is set, Slack is
// told nothing of the desk's changes, as before it was set up, rather than queueing messages
// that cannot go.
func (a *App) observeWhenEnabled(ctx context.Context, tx *sql.Tx, e request.DeskEvent) error {
	set, err := a.settings(ctx)
	if err != nil || !set.Enabled() {
		return err
	}
	return a.observe(ctx, tx, e)
}

// Start schedules the periodic work. Call it once the queue runs, on every instance.
func (a *App) Start(ctx context.Context) error {
	return a.Jobs.ScheduleEvery(ctx, JobPrune, time.Hour, a.now())
}

// pruneJob forgets the dedup keys Slack can no longer send again: it retries for minutes, so a
// day is plenty.
func (a *App) pruneJob(ctx context.Context, _ []byte) error {
	cut := a.now().Add(-24 * time.Hour)
	if _, err := a.DB.W.ExecContext(ctx, a.q.Get("prune-inbound"), cut); err != nil {
		return err
	}
	_, err := a.DB.W.ExecContext(ctx, a.q.Get("prune-calls"), a.now().Add(-7*24*time.Hour))
	return err
}

func randomToken() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
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
