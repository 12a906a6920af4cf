package slackbot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack/slackevents"

	"majordome/internal/request"
)

// handleEvent processes one Events API event: a direct message to the bot becomes a request,
// a reply in a request's DM thread a reply on the request, and opening App Home publishes it.
// Other events are ignored.
func (a *App) handleEvent(ctx context.Context, ev slackevents.EventsAPIEvent) error {
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		return a.directMessage(ctx, e)
	case slackevents.MessageEvent:
		return a.directMessage(ctx, &e)
	case *slackevents.AppHomeOpenedEvent:
		return a.homeOpened(ctx, e)
	case slackevents.AppHomeOpenedEvent:
		return a.homeOpened(ctx, &e)
	}
	return nil
}

// directMessage handles a message in a DM with the bot, from a person (not a bot, not an edit).
func (a *App) directMessage(ctx context.Context, e *slackevents.MessageEvent) error {
	if e.ChannelType != "im" || e.User == "" || e.BotID != "" || (e.SubType != "" && e.SubType != "file_share") {
		return nil
	}
	if e.ThreadTimeStamp == "" || e.ThreadTimeStamp == e.TimeStamp {
		return a.fileFromDM(ctx, e.User, e.Channel, e.TimeStamp, e.Text)
	}
	ref, ok, err := a.refAt(ctx, e.Channel, e.ThreadTimeStamp)
	if err != nil {
		return err
	}
	var n int64
	if ok {
		if _, err := fmt.Sscanf(ref, "request:%d:dm", &n); err != nil || ref != dmRef(n) {
			ok = false
		}
	}
	ctx, who, err := a.actorFor(ctx, e.User)
	if err != nil {
		return a.refuse(ctx, "", e.User, langOf(""), err)
	}
	if !ok {
		return a.tell(ctx, "", e.User, a.t(who.Lang, "thread.unknown"))
	}
	body := strings.TrimSpace(plainText(e.Text))
	if body == "" {
		return nil
	}
	if _, err := a.Desk.Reply(ctx, who.Viewer, n, body, false, request.Slack); err != nil {
		return a.refuse(ctx, "", e.User, who.Lang, err)
	}
	return nil
}
