package slackbot

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"majordome/internal/announce"
)

// announceAck is the "J'ai lu" button, in a DM or in a channel post: the person behind the
// Slack user acknowledges the announcement (idempotent). Their DM then shows "✅ Lu le …"
// instead of the button; in a channel, where the post is everyone's, only they are told.
func (a *App) announceAck(ctx context.Context, cb slack.InteractionCallback, value string) error {
	channel, user := cb.Channel.ID, cb.User.ID
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil || id <= 0 || a.announces == nil {
		return a.notUnderstood(ctx, channel, user)
	}
	ctx, who, err := a.actorFor(ctx, user)
	if err != nil {
		return a.refuse(ctx, channel, user, langOf(""), err)
	}
	lang := who.Lang
	err = a.announces.Acknowledge(ctx, id, who.Person.ID, announce.ChannelSlack)
	switch {
	case errors.Is(err, announce.ErrNotRecipient):
		return a.tell(ctx, channel, user, a.at(lang, "slack.not_recipient"))
	case errors.Is(err, announce.ErrNotFound), errors.Is(err, announce.ErrCancelled):
		return a.tell(ctx, channel, user, a.at(lang, "slack.gone"))
	case err != nil:
		return err
	}
	an, err := a.announces.Get(ctx, id)
	if err != nil {
		return err
	}
	now := a.now()
	dm := announceRef(id, who.Person.ID)
	_, _, hasDM, err := a.messageAt(ctx, dm)
	if err != nil {
		return err
	}
	inChannel := false
	if channel != "" && cb.Container.MessageTs != "" {
		ref, ok, err := a.refAt(ctx, channel, cb.Container.MessageTs)
		if err != nil {
			return err
		}
		inChannel = ok && strings.HasSuffix(ref, ":channel") || !ok && !strings.HasPrefix(channel, "D")
	}
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		if hasDM {
			text, blocks := a.announceMessage(an, announce.Recipient{AckAt: &now}, lang, false)
			if err := a.post(ctx, tx, Message{Ref: dm, User: user, Text: text, Blocks: blocks}); err != nil {
				return err
			}
		}
		if inChannel || !hasDM {
			line := a.acked(lang, now)
			return a.post(ctx, tx, Message{Channel: channel, User: user, Ephemeral: channel != "", Text: line, Blocks: textBlocks(line)})
		}
		return nil
	})
}
