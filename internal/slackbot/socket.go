package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Socket Mode: for a Majordome with no public URL, the app opens a websocket to Slack (with the
// app-level token) and receives on it what Slack would have POSTed to the HTTP endpoints. Each
// envelope is stored exactly as an HTTP payload would be (same job, same dedup keys), then
// acknowledged; an envelope not acknowledged is sent again by Slack.
//
// Slack spreads envelopes over all the open connections of an app, which is harmless, but a
// socket per instance is wasteful, so one instance holds it: the one holding the lease row
// "socket" in slack_leases, renewed every third of its life. An instance that stops (or loses
// the database) lets it expire, and another takes over.

const socketLeaseName = "socket"

// RunSocket supervises the Socket Mode connection until ctx ends: on every instance, it
// connects while an app token and a bot token are set and this instance holds the lease,
// reconnects when a token changes, and disconnects when one is removed. It reads the settings
// every socketPoll (a save on this instance wakes it at once), so no restart is needed.
func (a *App) RunSocket(ctx context.Context) error {
	for {
		wait := a.socketPoll
		set, err := a.settings(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				a.Log.Warn("slack socket mode: settings", "err", err)
			}
		case !set.SocketMode() || !set.Enabled():
			// Nothing to hold: wait for tokens.
		default:
			wait = a.socketLease / 3 // the lease's pace: how soon a holder that died is replaced
			held, err := a.lease(ctx)
			if err != nil {
				a.Log.Warn("slack socket mode: lease", "err", err)
				break
			}
			if !held {
				break
			}
			changed, err := a.holdSocket(ctx, set)
			if err != nil && ctx.Err() == nil {
				a.Log.Warn("slack socket mode: connection ended", "err", err)
			}
			if changed {
				continue // connect with the new tokens at once, or stop
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-a.store.changed:
		case <-time.After(wait):
		}
	}
}

// tokensChanged reports whether the tokens in force differ from set's: the connection made
// with set must end.
func (a *App) tokensChanged(ctx context.Context, set Settings) bool {
	now, err := a.settings(ctx)
	if err != nil {
		return false // the database is away: keep the connection, the lease decides
	}
	return now.BotToken != set.BotToken || now.AppToken != set.AppToken
}

// lease takes or renews the Socket Mode lease, and reports whether this instance holds it.
func (a *App) lease(ctx context.Context) (bool, error) {
	a.leaseTries.Add(1)
	now := a.now()
	res, err := a.DB.W.ExecContext(ctx, a.q.Get("lease-acquire"), socketLeaseName, a.instance, now.Add(a.socketLease), now)
	if err != nil {
		return false, fmt.Errorf("slackbot: lease: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// release gives the lease up, so that another instance takes over at once.
func (a *App) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := a.DB.W.ExecContext(ctx, a.q.Get("lease-release"), socketLeaseName, a.instance); err != nil {
		a.Log.Warn("slack socket mode: release the lease", "err", err)
	}
}

// holdSocket runs the Socket Mode client made with set while the lease is renewed and the
// tokens stay those of set; changed reports that it ended because they changed.
func (a *App) holdSocket(ctx context.Context, set Settings) (changed bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer a.release()
	var tokens atomic.Bool
	go func() {
		t := time.NewTicker(a.socketLease / 3)
		defer t.Stop()
		poll := time.NewTicker(a.socketPoll)
		defer poll.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-a.store.changed:
				if a.tokensChanged(ctx, set) {
					tokens.Store(true)
					cancel()
					return
				}
				continue
			case <-poll.C:
				if a.tokensChanged(ctx, set) {
					a.Log.Info("slack socket mode: the tokens changed: disconnecting")
					tokens.Store(true)
					cancel()
					return
				}
				continue
			case <-t.C:
			}
			held, err := a.lease(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				a.Log.Warn("slack socket mode: renew the lease", "err", err)
				continue // two more tries before it expires
			}
			if !held {
				a.Log.Warn("slack socket mode: lease lost to another instance")
				cancel()
				return
			}
		}
	}()
	api := slack.New(set.BotToken, slack.OptionAppLevelToken(set.AppToken), slack.OptionAPIURL(a.Config.Slack.APIURL))
	client := socketmode.New(api)
	runErr := make(chan error, 1)
	a.socketStarting(ctx)
	go func() { runErr <- client.RunContext(ctx) }()
	a.Log.Info("slack socket mode: connecting", "instance", a.instance)
	for {
		select {
		case err := <-runErr:
			if errors.Is(err, context.Canceled) || ctx.Err() != nil {
				// Stopped on purpose (shutdown, new tokens, lease lost): whatever the client
				// says as it closes (a websocket error, say) is not a failure to show.
				err = nil
			}
			if err != nil {
				a.socketFailed(ctx, err)
			} else {
				a.socketEnded(ctx)
			}
			return tokens.Load(), err
		case evt := <-client.Events:
			a.dispatchSocket(ctx, client, evt)
		}
	}
}

// dispatchSocket stores one envelope and acknowledges it.
func (a *App) dispatchSocket(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	req := evt.Request
	var err error
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.Log.Info("slack socket mode: connected")
		a.socketConnected(ctx)
		return
	case socketmode.EventTypeConnecting:
		a.socketEnded(ctx) // a reconnection: not connected until Slack says hello again
		return
	case socketmode.EventTypeConnectionError:
		// An error while stopping on purpose (a cancelled call) is no failure to show.
		if e, ok := evt.Data.(*slack.ConnectionErrorEvent); ok && e.ErrorObj != nil && ctx.Err() == nil {
			a.socketFailed(ctx, e.ErrorObj)
		}
		return
	case socketmode.EventTypeInvalidAuth:
		a.Log.Error("slack socket mode: Slack refused the app token")
		return
	case socketmode.EventTypeEventsAPI:
		var env struct {
			EventID string `json:"event_id"`
		}
		json.Unmarshal(req.Payload, &env)
		if err = a.receive(ctx, inEvent, eventKey(env.EventID, req.Payload), req.Payload); err == nil {
			err = client.AckCtx(ctx, req.EnvelopeID, nil)
		}
	case socketmode.EventTypeSlashCommand:
		cmd, _ := evt.Data.(slack.SlashCommand)
		raw, _ := json.Marshal(cmd)
		if err = a.receive(ctx, inCommand, triggerKey("command", cmd.TriggerID, raw), raw); err == nil {
			var answer any
			if text := a.in.ack(ctx, cmd); text != "" {
				answer = map[string]string{"response_type": "ephemeral", "text": text}
			}
			err = client.AckCtx(ctx, req.EnvelopeID, answer)
		}
	case socketmode.EventTypeInteractive:
		cb, _ := evt.Data.(slack.InteractionCallback)
		if resp := a.submissionAnswer(ctx, cb); resp != nil {
			err = client.AckCtx(ctx, req.EnvelopeID, resp)
			break
		}
		if err = a.receive(ctx, inInteraction, triggerKey("interaction", cb.TriggerID, req.Payload), req.Payload); err == nil {
			err = client.AckCtx(ctx, req.EnvelopeID, nil)
		}
	default:
		return
	}
	if err != nil {
		a.Log.Error("slack socket mode: envelope not stored or acknowledged: Slack will send it again", "type", evt.Type, "err", err)
	}
}
