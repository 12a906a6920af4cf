package slackbot

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"majordome/internal/i18n"
)

// ackTimeout bounds the one read of the slash command's answer: Slack shows nothing until it
// gets the answer (and gives up after 3 s), and the answer is only a courtesy.
const ackTimeout = 500 * time.Millisecond

// commandAck is the text answered at once to the slash command, shown only to the person
// (ephemeral) while the job files the request: that it is being filed, with the title the job
// will give it, and that its number follows in the channel (the job's ephemeral confirmation)
// and the follow-up in a DM (its thread). It costs one indexed read (the person's language, for
// a Slack user already matched) and no call to Slack. A user not matched yet may be refused by
// the job (the directory does not know them), so they are told less, in French. /om alone
// answers nothing: the modal that opens is the answer. ctx is the delivery's (the HTTP request,
// the socket's connection): the read ends with it, or after ackTimeout.
func (a *App) commandAck(ctx context.Context, cmd slack.SlashCommand) string {
	text := strings.TrimSpace(plainText(cmd.Text))
	if text == "" {
		return ""
	}
	title, _ := splitRequest(text)
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	var lang string
	err := a.DB.R.QueryRowContext(ctx, a.q.Get("flows-slack-user-language"), cmd.UserID).Scan(&lang)
	if err == nil {
		return a.t(langOf(lang), "command.ack", "title", esc(title))
	}
	if !errors.Is(err, sql.ErrNoRows) {
		a.Log.Warn("slack: the command's answer without the person's language", "user", cmd.UserID, "err", err)
	}
	return a.t(i18n.Default, "command.ack_unknown", "title", esc(title))
}
