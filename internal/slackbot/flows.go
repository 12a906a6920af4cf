package slackbot

// The flows: what people do with the Slack app. The platform hands each verified payload to
// handleEvent, handleCommand or handleInteraction inside the job that processes it; every
// action is done as the person behind the Slack user, through the desk, which audits it. What
// Slack must show of a change (the requester's DM thread, the triage channel) is posted by the
// desk observer (flows_observe.go), inside the change's transaction.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/i18n"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// The flows' job kinds.
const (
	jobTriageBatch = "slack.triage_batch" // post the requests held during a focus period
)

// registerFlows registers the flows' own job kinds on a.Jobs and a.observe on a.Desk (do not
// call Desk.Observe elsewhere). New calls it once. The flows' statements are in
// queries_flows.sql (names "flows-…"), embedded with the package's queries*.sql. The message
// shortcut's callback id is the manifest's (ShortcutCallbackID; the fixtures' older
// "request_from_message" is accepted too); the modals' and buttons' ids are the flows' own.
func (a *App) registerFlows() {
	a.Desk.Observe(a.observeWhenEnabled) // a.observe, while a bot token is set (slack.go)
	a.Jobs.Register(jobTriageBatch, a.triageBatchJob)
}

// actor is who acts in Slack: the person, the desk's viewer for them, and their language.
type actor struct {
	Person people.Person
	Viewer request.Viewer
	Lang   string
}

// actorFor resolves the Slack user to the person behind it and their viewer, and returns ctx
// carrying them as the audit actor. A person with an active account acts as that account (an
// agent keeps their rights); one without acts as themselves, as an employee.
func (a *App) actorFor(ctx context.Context, slackUser string) (context.Context, actor, error) {
	p, err := a.personFor(ctx, slackUser)
	if err != nil {
		return ctx, actor{}, err
	}
	who := actor{Person: p, Lang: langOf(p.Language)}
	u, err := a.Auth.UserByEmail(ctx, p.Email)
	switch {
	case err == nil && u.Active:
		v, err := a.Desk.ViewerFor(ctx, u.ID, u.Name, u.Email, u.Role)
		if err != nil {
			return ctx, actor{}, err
		}
		if v.PersonID == 0 {
			v.PersonID = p.ID
		}
		who.Viewer = v
		ctx = audit.WithActor(ctx, audit.Actor{Kind: "user", ID: u.ID, Name: u.Name})
	case err == nil || errors.Is(err, auth.ErrNotFound):
		who.Viewer = request.Viewer{PersonID: p.ID, Name: p.FullName(), Role: auth.Employee}
		ctx = audit.WithActor(ctx, audit.Actor{Kind: "slack", Name: p.FullName()})
	default:
		return ctx, actor{}, fmt.Errorf("slackbot: account of %s: %w", slackUser, err)
	}
	return ctx, who, nil
}

// langOf is a supported language, French by default.
func langOf(l string) string {
	if i18n.Supported(l) {
		return l
	}
	return i18n.Default
}

// t translates key of the slackflows area in lang.
func (a *App) t(lang, key string, args ...any) string {
	return a.I18n.T(lang, "slackflows."+key, args...)
}

// link is the absolute URL of a path of the app.
func (a *App) link(path string) string {
	return strings.TrimRight(a.Config.BaseURL, "/") + path
}

// portalLink is where the requester follows request n; deskLink where the team works it.
func (a *App) portalLink(n int64) string { return a.link(fmt.Sprintf("/portal/%d", n)) }
func (a *App) deskLink(n int64) string   { return a.link(fmt.Sprintf("/requests/%d", n)) }

// tell sends a short message to a Slack user: ephemeral in channel when there is one (only
// they see it), else in their DM with the bot.
func (a *App) tell(ctx context.Context, channel, user, text string) error {
	m := Message{User: user, Text: text, Blocks: textBlocks(text)}
	if channel != "" {
		m.Channel, m.Ephemeral = channel, true
	}
	return a.DB.Tx(ctx, func(tx *sql.Tx) error { return a.post(ctx, tx, m) })
}

// refuse tells a Slack user, politely, why nothing was done: the errors a person can act on
// become a sentence in their language; any other error is returned, for the job to retry.
func (a *App) refuse(ctx context.Context, channel, user, lang string, err error) error {
	var ve valid.Errors
	var text string
	switch {
	case errors.Is(err, ErrUnknownUser):
		text = a.t(lang, "unknown_user")
	case errors.Is(err, request.ErrNotFound):
		text = a.t(lang, "not_found")
	case errors.Is(err, request.ErrForbidden):
		text = a.t(lang, "forbidden")
	case errors.Is(err, request.ErrClosed):
		text = a.t(lang, "closed")
	case errors.Is(err, request.ErrInvalidTransition):
		text = a.t(lang, "transition")
	case errors.As(err, &ve):
		var parts []string
		for _, fe := range ve {
			parts = append(parts, a.I18n.FieldError(lang, fe))
		}
		text = a.t(lang, "invalid", "errors", strings.Join(parts, " "))
	default:
		return err
	}
	return a.tell(ctx, channel, user, text)
}

// notUnderstood answers an action or a callback the app does not know: nothing is changed.
func (a *App) notUnderstood(ctx context.Context, channel, user string) error {
	return a.tell(ctx, channel, user, a.t(i18n.Default, "unknown_action"))
}
