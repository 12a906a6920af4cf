package slackbot

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"majordome/internal/db"
	"majordome/internal/jobs"
)

// The outbox. Every message is stored under a ref in slack_messages, with its latest content,
// inside the caller's transaction, and a job "slack.post" (unique per ref while pending) sends
// it once that transaction commits. The job takes the ref's lock, so one sender at a time sends
// a ref, whatever the workers and instances; it posts the message, or updates it when the ref
// was posted already, and records channel, ts and the version sent in one transaction.
//
// Guarantees. A message is never lost: it is in the database before anything is sent, and the
// job is retried until Slack accepts it (or refuses it for good: a bad channel, a bad block,
// logged with the ref). A chat.postMessage is sent once: before it, the job notes the attempt
// (tried_version); if no answer gets recorded (a crash, a timeout, a lost answer), the next
// attempt looks for the message in the channel (conversations.history or .replies, by the ref
// carried in the message's metadata) and records it instead of posting again. That lookup needs
// the history scopes; without them the message may be posted twice in that rare case. Updates
// (chat.update, views.*) are idempotent. A chat.postEphemeral interrupted between the call and
// its record may be shown twice: Slack keeps no trace of ephemeral messages to look for.

// Message is a message to post, or to update when its Ref was already posted.
type Message struct {
	Ref       string        // stable name, e.g. "request:1042:dm", "request:1042:triage"; "" for fire-and-forget
	Channel   string        // a channel id; empty with User set: the DM with User (dm.go)
	User      string        // a Slack user id, for a DM
	ThreadRef string        // post in the thread of the message posted under this ref (waits for it)
	Text      string        // the fallback text (notifications, screen readers)
	Blocks    []slack.Block // Block Kit
	Ephemeral bool          // chat.postEphemeral to User in Channel
}

// stored is a Message as slack_messages keeps it: Block Kit as JSON, sent as is.
type stored struct {
	Channel   string          `json:"channel,omitempty"`
	User      string          `json:"user,omitempty"`
	ThreadRef string          `json:"thread_ref,omitempty"`
	Text      string          `json:"text"`
	Blocks    json.RawMessage `json:"blocks,omitempty"`
	Ephemeral bool            `json:"ephemeral,omitempty"`
}

// refPayload is the payload of a "slack.post" job.
type refPayload struct {
	Ref string `json:"ref"`
}

// metadataType is the event type of the metadata every posted message carries, with its ref.
const metadataType = "majordome_message"

// post queues m inside tx: chat.postMessage, or chat.update when m.Ref was already posted, or
// chat.postEphemeral. It is sent exactly once, after tx commits, even across a restart.
// Posting the same content under a ref again changes nothing.
func (a *App) post(ctx context.Context, tx *sql.Tx, m Message) error {
	ref, changed, err := a.put(ctx, tx, m)
	if err != nil || !changed {
		return err // nothing new: the same content is already queued or shown
	}
	return a.wake(ctx, tx, ref)
}

// put stores m's latest content under its ref inside tx, without sending it; changed is false
// when that content was stored already.
func (a *App) put(ctx context.Context, tx *sql.Tx, m Message) (ref string, changed bool, err error) {
	if m.Channel == "" && m.User == "" {
		return "", false, fmt.Errorf("slackbot: post %q: no channel and no user", m.Ref)
	}
	if m.Ephemeral && (m.Channel == "" || m.User == "") {
		return "", false, fmt.Errorf("slackbot: post %q: an ephemeral message needs a channel and a user", m.Ref)
	}
	ref = m.Ref
	if ref == "" {
		ref = "auto:" + randomToken()
	}
	s := stored{Channel: m.Channel, User: m.User, ThreadRef: m.ThreadRef, Text: m.Text, Ephemeral: m.Ephemeral}
	if len(m.Blocks) > 0 {
		b, err := json.Marshal(m.Blocks)
		if err != nil {
			return "", false, fmt.Errorf("slackbot: post %q: blocks: %w", ref, err)
		}
		s.Blocks = b
	}
	body, err := json.Marshal(s)
	if err != nil {
		return "", false, fmt.Errorf("slackbot: post %q: %w", ref, err)
	}
	res, err := tx.ExecContext(ctx, a.q.Get("msg-upsert"), ref, string(body), m.ThreadRef, a.now())
	if err != nil {
		return "", false, fmt.Errorf("slackbot: post %q: %w", ref, err)
	}
	n, _ := res.RowsAffected()
	return ref, n > 0, nil
}

// wake enqueues the sending of ref, unless a pending job will do it.
func (a *App) wake(ctx context.Context, tx *sql.Tx, ref string) error {
	if _, err := a.Jobs.EnqueueTx(ctx, tx, JobPost, refPayload{Ref: ref}, jobs.Key(JobPost+":"+ref)); err != nil {
		return fmt.Errorf("slackbot: post %q: %w", ref, err)
	}
	return nil
}

// callPayload is the payload of a "slack.call" job.
type callPayload struct {
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Key    string          `json:"key,omitempty"`
}

// call queues any other Web API method inside tx (views.open, views.publish, views.update…) with
// its params (sent as a JSON body; a Block Kit view may be a slack type); key makes it
// idempotent ("" for none): a call whose key was already sent is not sent again, and queuing
// the same key while it waits is a no-op.
func (a *App) call(ctx context.Context, tx *sql.Tx, method string, params map[string]any, key string) error {
	b, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("slackbot: call %s: %w", method, err)
	}
	var opts []jobs.EnqueueOption
	if key != "" {
		opts = append(opts, jobs.Key(JobCall+":"+key))
	}
	if _, err := a.Jobs.EnqueueTx(ctx, tx, JobCall, callPayload{Method: method, Params: b, Key: key}, opts...); err != nil {
		return fmt.Errorf("slackbot: call %s: %w", method, err)
	}
	return nil
}

// messageAt returns where the message posted under ref is (channel and ts), once posted.
func (a *App) messageAt(ctx context.Context, ref string) (channel, ts string, ok bool, err error) {
	err = a.DB.R.QueryRowContext(ctx, a.q.Get("msg-at"), ref).Scan(&channel, &ts)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("slackbot: message %q: %w", ref, err)
	}
	return channel, ts, true, nil
}

// refAt returns the ref of the message at channel and ts (a thread's parent), when it is ours.
func (a *App) refAt(ctx context.Context, channel, ts string) (ref string, ok bool, err error) {
	err = a.DB.R.QueryRowContext(ctx, a.q.Get("ref-at"), channel, ts).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("slackbot: message at %s/%s: %w", channel, ts, err)
	}
	return ref, true, nil
}

// callJob makes one queued Web API call.
func (a *App) callJob(ctx context.Context, payload []byte) error {
	var p callPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("slackbot: call payload: %w", err)
	}
	if p.Key != "" {
		var n int
		if err := a.DB.R.QueryRowContext(ctx, a.q.Get("call-done"), p.Key).Scan(&n); err != nil {
			return fmt.Errorf("slackbot: call %s: %w", p.Method, err)
		}
		if n > 0 {
			return nil
		}
	}
	var params map[string]any
	if err := json.Unmarshal(p.Params, &params); err != nil {
		return fmt.Errorf("slackbot: call %s: params: %w", p.Method, err)
	}
	set, err := a.settings(ctx)
	if err != nil {
		return err
	}
	err = a.api(ctx, set.BotToken, p.Method, params, nil)
	if permanent(err) {
		a.Log.Error("slack call refused: not retried", "method", p.Method, "key", p.Key, "err", err)
		err = nil
	}
	if err != nil {
		return err
	}
	if p.Key != "" {
		if _, err := a.DB.W.ExecContext(ctx, a.q.Get("call-done-put"), p.Key, a.now()); err != nil {
			return fmt.Errorf("slackbot: call %s: record: %w", p.Method, err)
		}
	}
	return nil
}

// row is a slack_messages row as the sender reads it.
type row struct {
	body                      string
	version                   int
	threadRef, channel, ts    string
	sentVersion, triedVersion int
	triedAt                   *time.Time
}

// lockFor is how long a sender holds a ref: longer than one exchange with Slack (20 s) plus
// its rate-limit wait, so that a live sender is never overtaken.
const lockFor = time.Minute

// postJob sends the latest content of one ref.
func (a *App) postJob(ctx context.Context, payload []byte) error {
	var p refPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("slackbot: post payload: %w", err)
	}
	err := a.sendRef(ctx, p.Ref)
	if errors.Is(err, errHeld) || permanent(err) {
		return nil // the other sender sends it; a refusal is logged and recorded
	}
	return err
}

// errHeld is sendRef's answer when another sender holds the ref.
var errHeld = errors.New("slackbot: message held by another sender")

// errNoParent is send's answer for a thread reply whose parent is not posted yet.
var errNoParent = errors.New("slackbot: the thread's parent is not posted yet")

// wakeIfParentSent queues ref again when the parent it waits for (parentRef) is posted by now.
func (a *App) wakeIfParentSent(ctx context.Context, ref, parentRef string) error {
	_, _, ok, err := a.messageAt(ctx, parentRef)
	if err != nil || !ok {
		return err
	}
	return a.DB.Tx(ctx, func(tx *sql.Tx) error { return a.wake(ctx, tx, ref) })
}

// sendRef sends the latest content of one ref now, under its lock. A refusal of Slack's that
// retrying will not change is recorded, logged and returned (permanent reports it).
func (a *App) sendRef(ctx context.Context, ref string) error {
	p := refPayload{Ref: ref}
	token := randomToken()
	now := a.now()
	res, err := a.DB.W.ExecContext(ctx, a.q.Get("msg-lock"), p.Ref, now.Add(lockFor), token, now)
	if err != nil {
		return fmt.Errorf("slackbot: post %q: lock: %w", p.Ref, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Another sender holds the ref: it sends the latest content, or wakes the ref again
		// when a newer one arrived meanwhile (see record).
		a.Log.Debug("slack message held by another sender", "ref", p.Ref)
		return errHeld
	}
	locked := true
	unlock := func() {
		if locked {
			// Detached: the lock must go even when the job was cancelled.
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			a.DB.W.ExecContext(uctx, a.q.Get("msg-unlock"), p.Ref, token)
			locked = false
		}
	}
	defer unlock()
	r, err := a.row(ctx, p.Ref)
	if err != nil {
		return err
	}
	if r.sentVersion >= r.version {
		return nil
	}
	var m stored
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		return fmt.Errorf("slackbot: post %q: %w", p.Ref, err)
	}
	set, err := a.settings(ctx)
	if err != nil {
		return err
	}
	s := sender{a: a, ref: p.Ref, token: token, bot: set.BotToken, r: r, m: m}
	done, err := s.send(ctx)
	if errors.Is(err, errNoParent) {
		// The parent's record wakes this ref (msg-waiting), but a wake that came while this
		// sender held the lock found it held and did nothing: once the lock is gone, look again.
		unlock()
		return a.wakeIfParentSent(ctx, p.Ref, m.ThreadRef)
	}
	if permanent(err) {
		a.Log.Error("slack message refused: not retried", "ref", p.Ref, "err", err)
		var rerr error
		if done, rerr = s.record(ctx, r.channel, r.ts, err.Error()); rerr != nil {
			err = rerr
		}
	}
	locked = !done
	return err
}

func (a *App) row(ctx context.Context, ref string) (row, error) {
	var r row
	var tried sql.NullTime
	err := a.DB.W.QueryRowContext(ctx, a.q.Get("msg-get"), ref).Scan(&r.body, &r.version, &r.threadRef,
		&r.channel, &r.ts, &r.sentVersion, &r.triedVersion, &tried)
	if err != nil {
		return r, fmt.Errorf("slackbot: post %q: %w", ref, err)
	}
	if tried.Valid {
		t := tried.Time
		r.triedAt = &t
	}
	return r, nil
}

// sender sends one version of one ref, under its lock.
type sender struct {
	a     *App
	ref   string
	token string // the lock's
	bot   string
	r     row
	m     stored
}

// send posts, updates or finds the message, and records it. done reports whether the lock was
// released with the record.
func (s *sender) send(ctx context.Context) (done bool, err error) {
	a, m, r := s.a, s.m, s.r
	channel, threadTS := r.channel, ""
	if m.ThreadRef != "" {
		pch, pts, ok, err := a.messageAt(ctx, m.ThreadRef)
		if err != nil {
			return false, err
		}
		if !ok {
			// The parent's record wakes this ref (msg-waiting): nothing to do until then.
			a.Log.Debug("slack message waits for its thread's parent", "ref", s.ref, "parent", m.ThreadRef)
			return false, errNoParent
		}
		channel, threadTS = pch, pts
	}
	if channel == "" {
		channel = m.Channel
	}
	// A DM: its channel is the cached one (dm.go), or the one an interrupted attempt noted, or
	// a new opening.
	dm := m.Channel == "" && m.ThreadRef == "" && m.User != ""
	fresh := false
	if channel == "" {
		var err error
		if channel, fresh, err = a.dmChannel(ctx, s.bot, m.User); err != nil {
			return false, err
		}
	}
	content := map[string]any{"channel": channel, "text": m.Text}
	if len(m.Blocks) > 0 {
		content["blocks"] = m.Blocks
	}

	switch {
	case m.Ephemeral:
		content["user"] = m.User
		if threadTS != "" {
			content["thread_ts"] = threadTS
		}
		if err := a.api(ctx, s.bot, "chat.postEphemeral", content, nil); err != nil {
			return false, err
		}
		return s.record(ctx, channel, "", "")

	case r.ts != "":
		content["ts"] = r.ts
		if err := a.api(ctx, s.bot, "chat.update", content, nil); err != nil {
			if dm && staleDM(err) {
				a.forgetDM(ctx, m.User, channel) // the message is lost with it; the next DM reopens
			}
			return false, err
		}
		return s.record(ctx, channel, r.ts, "")
	}

	if r.triedVersion > 0 {
		ts, found, err := s.lookup(ctx, channel, threadTS)
		if err != nil {
			a.Log.Warn("slack message lookup failed: posting again, it may show twice", "ref", s.ref, "err", err)
		}
		if found {
			if r.triedVersion < r.version {
				// An older version was posted: bring it up to date.
				content["ts"] = ts
				if err := a.api(ctx, s.bot, "chat.update", content, nil); err != nil {
					return false, err
				}
			}
			return s.record(ctx, channel, ts, "")
		}
	}
	if threadTS != "" {
		content["thread_ts"] = threadTS
	}
	content["metadata"] = slack.SlackMetadata{EventType: metadataType, EventPayload: map[string]any{"ref": s.ref}}
	posted, err := s.postMessage(ctx, channel, content)
	if dm && !fresh && staleDM(err) {
		// The DM channel known from before is gone (a reinstalled app, an archived DM): open
		// the DM again, once, and post there. Slack refused the first post: it is not shown.
		a.Log.Info("slack DM channel stale: opening it again", "ref", s.ref, "channel", channel, "err", err)
		a.forgetDM(ctx, m.User, channel)
		if channel, err = a.openDM(ctx, s.bot, m.User); err != nil {
			return false, err
		}
		content["channel"] = channel
		posted, err = s.postMessage(ctx, channel, content)
	}
	if err != nil {
		return false, err
	}
	return s.record(ctx, posted.Channel, posted.TS, "")
}

// posted is chat.postMessage's answer.
type posted struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}

// postMessage notes the attempt, then posts content in channel (chat.postMessage).
func (s *sender) postMessage(ctx context.Context, channel string, content map[string]any) (posted, error) {
	a := s.a
	var p posted
	if _, err := a.DB.W.ExecContext(ctx, a.q.Get("msg-try"), s.ref, s.r.version, a.now(), channel, s.token); err != nil {
		return p, fmt.Errorf("slackbot: post %q: %w", s.ref, err)
	}
	if err := a.api(ctx, s.bot, "chat.postMessage", content, &p); err != nil {
		if definite(err) {
			// Not posted for sure: the next attempt need not look for it.
			if _, uerr := a.DB.W.ExecContext(ctx, a.q.Get("msg-untry"), s.ref, s.token); uerr != nil {
				a.Log.Warn("slack message: attempt not cleared", "ref", s.ref, "err", uerr)
			}
		}
		return p, err
	}
	return p, nil
}

// lookup looks for the message a previous attempt may have posted, by the ref in its metadata.
func (s *sender) lookup(ctx context.Context, channel, threadTS string) (string, bool, error) {
	oldest := ""
	if s.r.triedAt != nil {
		t := s.r.triedAt.Add(-time.Minute)
		oldest = strconv.FormatInt(t.Unix(), 10) + ".000000"
	}
	params := map[string]any{"channel": channel, "include_all_metadata": "true", "limit": "200"}
	method := "conversations.history"
	if threadTS != "" {
		method, params["ts"] = "conversations.replies", threadTS
	}
	if oldest != "" {
		params["oldest"] = oldest
	}
	var h struct {
		Messages []slack.Message `json:"messages"`
	}
	if err := s.a.api(ctx, s.bot, method, params, &h); err != nil {
		return "", false, err
	}
	for _, m := range h.Messages {
		if m.Metadata.EventType == metadataType && m.Metadata.EventPayload["ref"] == s.ref {
			return m.Timestamp, true, nil
		}
	}
	return "", false, nil
}

// record stores where the ref is and the version sent, releases its lock and wakes the replies
// that wait for it, in one transaction.
func (s *sender) record(ctx context.Context, channel, ts, lastErr string) (bool, error) {
	a := s.a
	// Detached from the job's end: what Slack shows must be recorded even during a shutdown.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err := a.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, a.q.Get("msg-sent"), s.ref, channel, ts, s.r.version, lastErr, a.now(), s.token)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("lock lost")
		}
		var version int
		if err := tx.QueryRowContext(ctx, a.q.Get("msg-version"), s.ref).Scan(&version); err != nil {
			return err
		}
		if version > s.r.version {
			// A newer content arrived while this one was sent; its job may have found the
			// ref locked and ended.
			if err := a.wake(ctx, tx, s.ref); err != nil {
				return err
			}
		}
		if ts == "" {
			return nil
		}
		waiting, err := db.Column[string](ctx, tx, a.q.Get("msg-waiting"), s.ref)
		if err != nil {
			return err
		}
		for _, ref := range waiting {
			if err := a.wake(ctx, tx, ref); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("slackbot: post %q: record: %w", s.ref, err)
	}
	return true, nil
}
