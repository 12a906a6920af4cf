package slackbot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
)

// ChannelName is the name of the Slack notification channel.
const ChannelName = "slack"

// Channel returns the notification channel "slack": each notification becomes a DM from the
// bot. Add it to the notification service with AddChannel.
func (a *App) Channel() notify.Channel { return slackChannel{a} }

type slackChannel struct{ a *App }

func (c slackChannel) Name() string { return ChannelName }

// Ready reports whether a bot token is set, from a cache of at most notify.ReadyTTL: while
// none is, notifications queue no Slack delivery.
func (c slackChannel) Ready(ctx context.Context) bool { return c.a.store.ready.Ready(ctx) }

// requesterKinds are told to a requester in their request's DM thread when the request came
// from Slack (the desk observer posts them there), so the channel does not tell them twice.
var requesterKinds = map[string]bool{
	request.NotifyReply:    true,
	request.NotifyResolved: true,
	request.NotifyReminder: true,
}

// Deliver sends d as a DM to its recipient, once (the message's ref is the notification's id).
// A recipient Slack does not know is skipped, and so is every notification while no bot token
// is set: the in-app inbox has it, as it had before Slack was set up.
func (c slackChannel) Deliver(ctx context.Context, d notify.Delivery) error {
	a := c.a
	if set, err := a.settings(ctx); err != nil || !set.Enabled() {
		return err
	}
	personID := d.PersonID
	if personID == 0 && d.To.Email != "" {
		p, err := a.People.GetByEmail(ctx, d.To.Email)
		switch {
		case errors.Is(err, people.ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		personID = p.ID
	}
	if personID == 0 {
		return nil
	}
	if requesterKinds[d.Kind] && d.RequestNumber != 0 {
		// Only the requester's own Slack requests have a DM thread; the origin is read without
		// the audited read of a confidential request's content.
		origin, requester, err := a.Desk.Origin(ctx, d.RequestNumber)
		switch {
		case err == nil && origin == request.Slack && requester == personID:
			return nil // the DM thread has it
		case err != nil && !errors.Is(err, request.ErrNotFound):
			return err
		}
	}
	user, ok, err := a.slackUserOf(ctx, personID)
	if err != nil || !ok {
		return err
	}
	lang := langOf(d.To.Lang)
	text := d.Title
	if d.Body != "" {
		text += "\n" + d.Body
	}
	section := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*"+esc(d.Title)+"*\n"+esc(d.Body), false, false), nil, nil)
	blocks := []slack.Block{section}
	if d.Link != "" {
		btn := slack.NewButtonBlockElement("notify_open", fmt.Sprint(d.ID),
			slack.NewTextBlockObject(slack.PlainTextType, a.I18n.T(lang, "slackbot.notify.open"), false, false))
		btn.URL = a.link(d.Link)
		blocks = append(blocks, slack.NewActionBlock("notify_"+fmt.Sprint(d.ID), btn))
	}
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		return a.post(ctx, tx, Message{Ref: fmt.Sprintf("notify:%d", d.ID), User: user, Text: text, Blocks: blocks})
	})
}
