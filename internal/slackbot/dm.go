package slackbot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
)

// DM channels. A DM goes to the conversation of the bot with a Slack user, whose channel id
// Slack gives through conversations.open (tier 3: about 50 calls a minute for the whole
// workspace, spaced 1.2 s by rateIntervals). That id does not change for a user, so it is kept
// in slack_dm_channels after the first opening and later DMs post straight to it: the second
// announcement to a thousand people goes at chat.postMessage's pace, not at the opening's. A
// cached channel that Slack refuses as gone (staleDM) is forgotten and opened once again.

// dmChannel returns the DM channel with user: the cached one, or a new opening, cached. fresh
// reports an opening made by this call (reopening it would not help).
func (a *App) dmChannel(ctx context.Context, bot, user string) (channel string, fresh bool, err error) {
	err = a.DB.R.QueryRowContext(ctx, a.q.Get("dm-get"), user).Scan(&channel)
	switch {
	case err == nil && channel != "":
		return channel, false, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return "", false, fmt.Errorf("slackbot: DM channel of %s: %w", user, err)
	}
	channel, err = a.openDM(ctx, bot, user)
	return channel, true, err
}

// openDM opens the DM with user (conversations.open) and caches its channel.
func (a *App) openDM(ctx context.Context, bot, user string) (string, error) {
	var open struct {
		Channel slack.Channel `json:"channel"`
	}
	if err := a.api(ctx, bot, "conversations.open", map[string]any{"users": user}, &open); err != nil {
		return "", err
	}
	channel := open.Channel.ID
	if channel == "" {
		return "", fmt.Errorf("slackbot: conversations.open %s: no channel in the answer", user)
	}
	// A cache that fails to write costs another opening next time, nothing more.
	if _, err := a.DB.W.ExecContext(ctx, a.q.Get("dm-put"), user, channel, a.now()); err != nil {
		a.Log.Warn("slack DM channel not cached", "user", user, "err", err)
	}
	return channel, nil
}

// forgetDM forgets user's DM channel when it is still channel (another sender may have opened
// it again meanwhile).
func (a *App) forgetDM(ctx context.Context, user, channel string) {
	if _, err := a.DB.W.ExecContext(ctx, a.q.Get("dm-forget"), user, channel); err != nil {
		a.Log.Warn("slack DM channel not forgotten", "user", user, "channel", channel, "err", err)
	}
}

// staleDM reports whether err is Slack's refusal to post in a DM channel that no longer works
// as one: unknown, archived, left, or its user deactivated. Opening the DM again either gives
// a channel that works or refuses for good (user_not_found, user_disabled).
func staleDM(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Code {
	case "channel_not_found", "is_archived", "not_in_channel", "user_disabled":
		return true
	}
	return false
}
