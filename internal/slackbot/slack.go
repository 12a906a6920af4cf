// Package slackbot is Majordome's Slack app: employees file and follow requests from Slack (the
// slash command, a DM to the bot, a message shortcut, each request's DM thread), and the Office
// Manager triages them from a channel and App Home. Every Web API call goes through the durable
// job queue, and every payload Slack sends is verified, deduplicated and processed by a job.
package slackbot

import (
	"errors"
	"log/slog"

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

// Errors of the slack package.
var (
	// ErrUnknownUser is a Slack user the directory does not know, refused by the settings.
	ErrUnknownUser = errors.New("slackbot: unknown user")
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
}

// App is the Slack app of one instance.
type App struct {
	Deps
	q *db.Queries
}
