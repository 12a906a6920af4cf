package slackbot

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"majordome/internal/request"
)

// handleInteraction processes a button click, a modal submission, a shortcut. Anything it does
// not know gets a polite "I did not understand" and changes nothing.
func (a *App) handleInteraction(ctx context.Context, cb slack.InteractionCallback) error {
	switch cb.Type {
	case slack.InteractionTypeMessageAction:
		if cb.CallbackID == cbShortcut || cb.CallbackID == cbShortcutAlias {
			return a.fileFromShortcut(ctx, cb)
		}
	case slack.InteractionTypeViewSubmission:
		switch cb.View.CallbackID {
		case cbNew:
			return a.fileFromModal(ctx, cb)
		case cbReply, cbReopen:
			return a.replyFromModal(ctx, cb)
		}
	case slack.InteractionTypeViewClosed:
		return nil
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 {
			break
		}
		return a.blockAction(ctx, cb, cb.ActionCallback.BlockActions[0])
	}
	return a.notUnderstood(ctx, cb.Channel.ID, cb.User.ID)
}

// blockAction does what one button or select of the flows asks.
func (a *App) blockAction(ctx context.Context, cb slack.InteractionCallback, act *slack.BlockAction) error {
	channel, user := cb.Channel.ID, cb.User.ID
	value := act.Value
	if act.Type == "static_select" || value == "" {
		value = act.SelectedOption.Value
	}
	switch act.ActionID {
	case actOpen:
		return nil // a link button: Slack opened the link
	case actAnnounceAck:
		return a.announceAck(ctx, cb, value) // announce_ack.go
	case actTake, actPriority, actCategory, actConfidential, actReply, actNew, actSolved, actReopen, actRate, actDeflect,
		actSettleClose, actSettleKeep:
	default:
		return a.notUnderstood(ctx, channel, user)
	}
	ctx, who, err := a.actorFor(ctx, user)
	if err != nil {
		return a.refuse(ctx, channel, user, langOf(""), err)
	}
	switch act.ActionID {
	case actNew:
		return a.openNewModal(ctx, cb.TriggerID, who.Lang)
	case actSolved, actReopen, actRate:
		return a.threadAction(ctx, who, cb, act.ActionID, value)
	case actDeflect:
		return a.deflectAction(ctx, who, cb, value)
	case actSettleClose, actSettleKeep:
		return a.settleAction(ctx, who, cb, act.ActionID, value) // flows_settle.go
	}
	return a.triageAction(ctx, who, channel, user, cb.TriggerID, act.ActionID, value)
}

// ownRequest returns request n for its requester who: request.ErrForbidden when who sees it but
// did not file it (the buttons of a request's DM thread are its requester's).
func (a *App) ownRequest(ctx context.Context, who actor, n int64) (request.Request, error) {
	r, err := a.Desk.Get(ctx, who.Viewer, n)
	if err == nil && r.RequesterID != who.Viewer.PersonID {
		return request.Request{}, request.ErrForbidden
	}
	return r, err
}

// threadAction answers the buttons of a resolved request's DM thread, for its requester:
// "C'est réglé", "Toujours un problème" (a modal to say what is wrong, which reopens it) and
// 👍/👎 (the satisfaction, Desk.Rate). value is "number:resolved at[:score]".
func (a *App) threadAction(ctx context.Context, who actor, cb slack.InteractionCallback, action, value string) error {
	channel, user := cb.Channel.ID, cb.User.ID
	parts := strings.Split(value, ":")
	n, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || len(parts) < 2 || (action == actRate) != (len(parts) == 3) {
		return a.notUnderstood(ctx, channel, user)
	}
	r, err := a.ownRequest(ctx, who, n)
	if err != nil {
		return a.refuse(ctx, channel, user, who.Lang, err)
	}
	ref := resolvedRef(n, parts[1])
	switch action {
	case actReopen:
		view := a.messageModal(cbReopen, r, who.Lang)
		return a.DB.Tx(ctx, func(tx *sql.Tx) error {
			return a.call(ctx, tx, "views.open", map[string]any{"trigger_id": cb.TriggerID, "view": view}, "views.open:"+cb.TriggerID)
		})
	case actSolved:
		text, blocks := a.resolvedMessage(r, who.Lang, "solved")
		return a.DB.Tx(ctx, func(tx *sql.Tx) error {
			return a.post(ctx, tx, Message{Ref: ref, User: user, Text: text, Blocks: blocks})
		})
	}
	score, err := strconv.Atoi(parts[2])
	if err != nil {
		return a.notUnderstood(ctx, channel, user)
	}
	if err := a.Desk.Rate(ctx, who.Viewer, n, score, ""); err != nil {
		if errors.Is(err, request.ErrInvalidTransition) {
			return a.tell(ctx, channel, user, a.t(who.Lang, "resolved.reopened_since", "number", n))
		}
		return a.refuse(ctx, channel, user, who.Lang, err)
	}
	text, blocks := a.resolvedMessage(r, who.Lang, "rated")
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		return a.post(ctx, tx, Message{Ref: ref, User: user, Text: text, Blocks: blocks})
	})
}

// replyFromModal adds the message typed in a message modal: the team's public reply (which the
// requester reads in their DM thread), or the requester's "still a problem", which reopens.
func (a *App) replyFromModal(ctx context.Context, cb slack.InteractionCallback) error {
	n, lang := modalMeta(cb.View.PrivateMetadata)
	user := cb.User.ID
	ctx, who, err := a.actorFor(ctx, user)
	if err != nil {
		return a.refuse(ctx, "", user, lang, err)
	}
	body := messageBody(cb.View)
	if n <= 0 || body == "" {
		return a.notUnderstood(ctx, "", user)
	}
	if cb.View.CallbackID == cbReply && !who.Viewer.IsAgent() {
		return a.tell(ctx, "", user, a.t(who.Lang, "triage.not_agent"))
	}
	if _, err := a.Desk.Reply(ctx, who.Viewer, n, body, false, request.Slack); err != nil {
		return a.refuse(ctx, "", user, who.Lang, err)
	}
	if cb.View.CallbackID == cbReply {
		return a.tell(ctx, "", user, a.t(who.Lang, "reply.sent", "number", n, "link", a.deskLink(n)))
	}
	return nil
}
