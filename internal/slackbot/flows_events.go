package slackbot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
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

// directMessage handles a message in a DM with the bot, from a person (not a bot, not an edit),
// with the files shared in it (flows_attach.go).
func (a *App) directMessage(ctx context.Context, e *slackevents.MessageEvent) error {
	if e.ChannelType != "im" || e.User == "" || e.BotID != "" || (e.SubType != "" && e.SubType != "file_share") {
		return nil
	}
	var files []slack.File
	if e.Message != nil {
		files = e.Message.Files
	}
	if e.ThreadTimeStamp == "" || e.ThreadTimeStamp == e.TimeStamp {
		return a.fileFromDM(ctx, e.User, e.Channel, e.TimeStamp, e.Text, files)
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
	if body == "" && len(files) == 0 {
		return nil
	}
	if len(files) == 0 {
		if handled, err := a.offerSettle(ctx, who, e.User, n, e.TimeStamp, body); handled || err != nil {
			return err // "C'est réglé": the prompt to close (flows_settle.go)
		}
	}
	shared, err := a.fetchFiles(ctx, who.Lang, files, slackTime(e.TimeStamp))
	if err != nil {
		return err
	}
	if body == "" && len(shared.Files) == 0 {
		return a.tellNothingSent(ctx, who, e.User, e.Channel, e.TimeStamp, dmRef(n), shared)
	}
	ctx = withThreadReply(ctx, threadReply{Key: fmt.Sprintf("reply:%s:%s", e.Channel, e.TimeStamp), User: e.User,
		Lang: who.Lang, Refused: shared.refusedList()})
	_, err = a.Desk.ReplyWithFiles(ctx, who.Viewer, n, body, false, request.Slack, shared.Files)
	switch {
	case errors.Is(err, errAlreadyReplied):
		return nil // the same message again: it landed the first time
	case err != nil:
		return a.refuse(ctx, "", e.User, who.Lang, err)
	}
	return nil
}

// threadReply is a reply written in a request's DM thread, on its way to the desk: the observer
// records its key in the reply's transaction, so that the same message processed twice (its
// event's job run again) is one reply, and tells its author, in the thread, which of its files
// were left out.
type threadReply struct {
	Key     string // "reply:<channel>:<ts>"
	User    string
	Lang    string
	Refused string // the files left out ("" for none)
}

type threadReplyKey struct{}

func withThreadReply(ctx context.Context, r threadReply) context.Context {
	return context.WithValue(ctx, threadReplyKey{}, r)
}

func threadReplyFrom(ctx context.Context) (threadReply, bool) {
	r, ok := ctx.Value(threadReplyKey{}).(threadReply)
	return r, ok
}

// errAlreadyReplied is a thread reply already on the desk: ReplyWithFiles rolled back.
var errAlreadyReplied = errors.New("slackbot: thread reply already recorded")
