package slackbot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"majordome/internal/announce"
	"majordome/internal/i18n"
)

// Announcements by Slack: a DM to each recipient (announce.Deliverer), one post in a channel
// (announce.ChannelPoster), and the "J'ai lu" button of both (announce_ack.go). Each message
// is a ref of the outbox ("announce:ID:PERSON", "announce:ID:channel"), sent at once by the
// caller (the fan-out paces and records) rather than by a "slack.post" job, with the outbox's
// guarantees: a post interrupted before its answer was recorded is looked up by the ref in its
// metadata before being posted again; a correction updates the message where it is.

// AnnounceInterval is how often an announcement DM may go, across the workspace, by default
// (MAJORDOME_ANNOUNCE_SLACK_RATE, 120/min, sets it). A DM to someone the bot wrote to before is
// one chat.postMessage to their cached DM channel (dm.go). Slack documents that method as about
// one message a second per channel (the DMs are different channels) and "several hundred" a
// minute across the workspace, without a figure: 120 a minute leaves room for the requests'
// own messages. 1 000 DMs take about 8 minutes. The first DM to someone also opens the
// conversation (conversations.open, tier 3: about 50 a minute, spaced 1.2 s by rateIntervals,
// and users.lookupByEmail too when Slack has not told us who they are): those DMs go at 1.2 s
// whatever the rate, the first announcement to 1 000 people in about 20 minutes. The fan-out
// paces at Rate; the app's own limits (shared by every instance through the database) hold it
// there whatever the caller does.
const AnnounceInterval = 500 * time.Millisecond

// announceBucket is the rate-limit bucket of announcement DMs, shared by every instance.
const announceBucket = "announce.dm"

// Announcements is what the Slack app needs of the announcement service (announce.Service):
// the announcement a button names, and the acknowledgement it records.
type Announcements interface {
	Get(ctx context.Context, id int64) (announce.Announcement, error)
	Acknowledge(ctx context.Context, id, personID int64, via string) error
}

// Announcer sends announcements by Slack. It is an announce.Deliverer (DMs) and an
// announce.ChannelPoster (the channel post).
type Announcer struct {
	a        *App
	interval time.Duration
}

var (
	_ announce.Deliverer     = (*Announcer)(nil)
	_ announce.ChannelPoster = (*Announcer)(nil)
)

// Announcer wires svc for the "J'ai lu" button and returns the deliverer and poster to add
// to it. Call it once, before serving.
func (a *App) Announcer(svc Announcements) *Announcer {
	a.announces = svc
	return &Announcer{a: a, interval: AnnounceInterval}
}

// SetInterval changes the pace of the DMs (benchmarks against a fake Slack); below
// AnnounceInterval the opening of each DM still waits its own limit.
func (d *Announcer) SetInterval(iv time.Duration) { d.interval = iv }

// Channel is announce.ChannelSlack.
func (d *Announcer) Channel() string { return announce.ChannelSlack }

// Rate is one DM per interval, AnnounceInterval by default.
func (d *Announcer) Rate() announce.Rate { return announce.Rate{N: 1, Per: d.interval} }

// announceRef names the DM of announcement id to a person, channelRef its channel post, and
// remindRef the day's reminder in the DM's thread (one a day at most).
func announceRef(id, personID int64) string { return fmt.Sprintf("announce:%d:%d", id, personID) }
func channelRef(id int64) string            { return fmt.Sprintf("announce:%d:channel", id) }
func remindRef(id, personID int64, day string) string {
	return fmt.Sprintf("announce:%d:%d:remind:%s", id, personID, day)
}

// Deliver sends an as a DM to r and returns where it is ("channel/ts"). A person Slack does
// not know, or a refusal Slack will repeat, is announce.Permanent; a 429 is jobs.RetryAfter.
func (d *Announcer) Deliver(ctx context.Context, an announce.Announcement, r announce.Recipient) (string, error) {
	a := d.a
	user, err := d.slackUser(ctx, r)
	if err != nil {
		return "", err
	}
	ref := announceRef(an.ID, r.PersonID)
	if ch, ts, ok, err := a.messageAt(ctx, ref); err != nil || ok {
		return ch + "/" + ts, err // delivered already: nothing to send, no slot to spend
	}
	if err := a.throttle(ctx, announceBucket, d.interval); err != nil {
		return "", err
	}
	text, blocks := a.announceMessage(an, r, langOf(r.Language), false)
	return a.sendNow(ctx, Message{Ref: ref, User: user, Text: text, Blocks: blocks})
}

// Correct updates the DM after a correction: chat.update with the new version, "(corrigé)".
func (d *Announcer) Correct(ctx context.Context, an announce.Announcement, r announce.Recipient, ref string) error {
	a := d.a
	key := announceRef(an.ID, r.PersonID)
	_, _, ok, err := a.messageAt(ctx, key)
	if err != nil {
		return err
	}
	text, blocks := a.announceMessage(an, r, langOf(r.Language), false)
	if !ok {
		// Not one of the outbox's (posted before a restore?): update it where the fan-out saw it.
		return a.updateAt(ctx, ref, text, blocks)
	}
	user, err := d.slackUser(ctx, r)
	if err != nil {
		return err
	}
	_, err = a.sendNow(ctx, Message{Ref: key, User: user, Text: text, Blocks: blocks})
	return err
}

// Remind writes to r again, in the thread of their DM, that an waits for their
// acknowledgement; without a DM (Slack failed then), a DM of its own. One a day at most.
func (d *Announcer) Remind(ctx context.Context, an announce.Announcement, r announce.Recipient) error {
	a := d.a
	user, err := d.slackUser(ctx, r)
	if err != nil {
		return err
	}
	lang := langOf(r.Language)
	parent := announceRef(an.ID, r.PersonID)
	_, _, threaded, err := a.messageAt(ctx, parent)
	if err != nil {
		return err
	}
	text, blocks := a.reminderMessage(an, lang, !threaded)
	m := Message{Ref: remindRef(an.ID, r.PersonID, a.now().In(paris).Format("2006-01-02")), User: user, Text: text, Blocks: blocks}
	if threaded {
		m.ThreadRef = parent
	}
	_, err = a.sendNow(ctx, m)
	return err
}

// PostChannel posts an once in its SlackChannel; "J'ai lu" there works for any recipient.
func (d *Announcer) PostChannel(ctx context.Context, an announce.Announcement) (string, error) {
	if an.SlackChannel == "" {
		return "", &announce.Permanent{Err: errors.New("slackbot: announcement without a channel")}
	}
	text, blocks := d.a.announceMessage(an, announce.Recipient{}, i18n.Default, true)
	return d.a.sendNow(ctx, Message{Ref: channelRef(an.ID), Channel: an.SlackChannel, Text: text, Blocks: blocks})
}

// CorrectChannel updates the channel post after a correction.
func (d *Announcer) CorrectChannel(ctx context.Context, an announce.Announcement, ref string) error {
	a := d.a
	text, blocks := a.announceMessage(an, announce.Recipient{}, i18n.Default, true)
	if _, _, ok, err := a.messageAt(ctx, channelRef(an.ID)); err != nil {
		return err
	} else if !ok {
		return a.updateAt(ctx, ref, text, blocks)
	}
	_, err := a.sendNow(ctx, Message{Ref: channelRef(an.ID), Channel: an.SlackChannel, Text: text, Blocks: blocks})
	return err
}

// slackUser is r's Slack user; none is announce.Permanent.
func (d *Announcer) slackUser(ctx context.Context, r announce.Recipient) (string, error) {
	user, ok, err := d.a.slackUserOf(ctx, r.PersonID)
	if err != nil {
		if permanent(err) {
			return "", &announce.Permanent{Err: err}
		}
		return "", err
	}
	if !ok {
		return "", &announce.Permanent{Err: fmt.Errorf("slackbot: %s has no Slack account", r.Email)}
	}
	return user, nil
}

// sendNow stores m under its ref and sends it now, in the caller's time (not a job's), and
// returns where it is ("channel/ts"). What was sent already is not sent again; a refusal
// Slack will repeat, now or recorded earlier, is announce.Permanent.
func (a *App) sendNow(ctx context.Context, m Message) (string, error) {
	err := a.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, _, err := a.put(ctx, tx, m)
		return err
	})
	if err != nil {
		return "", err
	}
	if err := a.sendRef(ctx, m.Ref); err != nil {
		if permanent(err) {
			return "", &announce.Permanent{Err: err}
		}
		return "", err
	}
	r, err := a.row(ctx, m.Ref)
	if err != nil {
		return "", err
	}
	switch {
	case r.ts != "" && r.sentVersion >= r.version:
		return r.channel + "/" + r.ts, nil
	case r.sentVersion >= r.version:
		// Recorded as refused by an earlier attempt (a bad channel, a deactivated user).
		return "", &announce.Permanent{Err: fmt.Errorf("slackbot: message %q refused by Slack", m.Ref)}
	}
	// Waiting for its thread's parent, or newer content arrived meanwhile: a later call sends it.
	return "", fmt.Errorf("slackbot: message %q not sent yet", m.Ref)
}

// updateAt updates the message at ref ("channel/ts") in place.
func (a *App) updateAt(ctx context.Context, ref, text string, blocks any) error {
	channel, ts, ok := strings.Cut(ref, "/")
	if !ok || channel == "" || ts == "" {
		return &announce.Permanent{Err: fmt.Errorf("slackbot: bad message ref %q", ref)}
	}
	set, err := a.settings(ctx)
	if err != nil {
		return err
	}
	err = a.api(ctx, set.BotToken, "chat.update", map[string]any{"channel": channel, "ts": ts, "text": text, "blocks": blocks}, nil)
	if permanent(err) {
		return &announce.Permanent{Err: err}
	}
	return err
}
