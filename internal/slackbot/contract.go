package slackbot

// CONTRACT between the two people building this package at once. Delete this file once every
// function below lives in its own file (each builder moves the declarations they implement
// out of here, with their doc comment, and deletes them here in the same edit).
//
// The package has two halves:
//
//   - the PLATFORM (platform builder): App and New (slack.go), settings and their page, the
//     Web API client through the durable job queue (outbox.go: per-method rate limits,
//     Retry-After on 429, retries with backoff, idempotency keys, the ts of every message posted
//     kept under a stable ref), request verification (verify.go: v0 signature, 5-minute
//     timestamp window), the HTTP endpoints and Socket Mode (http.go, socket.go) that verify,
//     deduplicate (event_id, X-Slack-Retry-Num) and queue each payload as a "slack.inbound" job
//     and answer Slack within 3 s, identity (identity.go), the notify.Channel "slack"
//     (channel.go), the manifest (manifest.go) and the fake Slack Web API + Socket Mode server
//     the tests use (package slackfake);
//   - the FLOWS (flows builder): what people do (flows_*.go): /om, DMs to the bot, the message
//     shortcut, each request's DM thread, buttons and modals, the triage channel, App Home, and
//     the desk observer that posts the desk's changes to Slack.
//
// The platform calls the flows with a verified, deduplicated payload, inside the job that
// processes it (never in the HTTP handler):

import (
	"context"
	"database/sql"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"majordome/internal/people"
	"majordome/internal/request"
)

// FLOWS implement:

// handleEvent processes one Events API event (a DM to the bot, a thread reply, app_home_opened…).
func (a *App) handleEvent(ctx context.Context, ev slackevents.EventsAPIEvent) error { panic("flows") }

// handleCommand processes the slash command (/om by default).
func (a *App) handleCommand(ctx context.Context, cmd slack.SlashCommand) error { panic("flows") }

// commandAck is the text answered at once to the slash command (ephemeral), before the job runs.
func (a *App) commandAck(cmd slack.SlashCommand) string { panic("flows") }

// handleInteraction processes a button click, a modal submission, a shortcut.
func (a *App) handleInteraction(ctx context.Context, cb slack.InteractionCallback) error {
	panic("flows")
}

// observe is the desk observer (request.Desk.Observe): it queues, inside tx, what Slack must show
// of a change (a reply in the DM thread, a status update of the request's message, a new request
// in the triage channel).
func (a *App) observe(ctx context.Context, tx *sql.Tx, e request.DeskEvent) error { panic("flows") }

// PLATFORM implements:

// Message is a message to post, or to update when its Ref was already posted.
type Message struct {
	Ref       string        // stable name, e.g. "request:1042:dm", "request:1042:triage"; "" for fire-and-forget
	Channel   string        // a channel id; empty with User set: the DM with User (conversations.open)
	User      string        // a Slack user id, for a DM
	ThreadRef string        // post in the thread of the message posted under this ref (waits for it)
	Text      string        // the fallback text (notifications, screen readers)
	Blocks    []slack.Block // Block Kit
	Ephemeral bool          // chat.postEphemeral to User in Channel
}

// post queues m inside tx: chat.postMessage, or chat.update when m.Ref was already posted, or
// chat.postEphemeral. It is sent exactly once, after tx commits, even across a restart.
func (a *App) post(ctx context.Context, tx *sql.Tx, m Message) error { panic("platform") }

// call queues any other Web API method inside tx (views.open, views.publish, views.update…) with
// its form or JSON params; key makes it idempotent ("" for none).
func (a *App) call(ctx context.Context, tx *sql.Tx, method string, params map[string]any, key string) error {
	panic("platform")
}

// messageAt returns where the message posted under ref is (channel and ts), once posted.
func (a *App) messageAt(ctx context.Context, ref string) (channel, ts string, ok bool, err error) {
	panic("platform")
}

// refAt returns the ref of the message at channel and ts (a thread's parent), when it is ours.
func (a *App) refAt(ctx context.Context, channel, ts string) (ref string, ok bool, err error) {
	panic("platform")
}

// personFor returns the person behind a Slack user (users.info, then the directory by email,
// cached); an unknown user is created as an employee flagged for review, or refused with
// ErrUnknownUser, per the setting.
func (a *App) personFor(ctx context.Context, slackUserID string) (people.Person, error) {
	panic("platform")
}

// slackUserOf returns the Slack user id of a person (users.lookupByEmail, cached).
func (a *App) slackUserOf(ctx context.Context, personID int64) (string, bool, error) {
	panic("platform")
}
