package slackbot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"majordome/internal/i18n"
	"majordome/internal/request"
)

// observe is the desk observer (request.Desk.Observe): it queues, inside tx, what Slack must
// show of a change: for a request filed from Slack, its DM thread (the parent message updated
// on every change, the team's public replies in the thread, the resolution's buttons); for
// every request, its message in the triage channel. It writes only in tx.
func (a *App) observe(ctx context.Context, tx *sql.Tx, e request.DeskEvent) error {
	r := e.Request
	if e.Kind == request.DeskCreated {
		if o, ok := originFrom(ctx); ok {
			if err := a.recordOrigin(ctx, tx, r, o); err != nil {
				return err
			}
		}
	}
	if e.Kind == request.DeskMessage {
		if tr, ok := threadReplyFrom(ctx); ok {
			if err := a.recordThreadReply(ctx, tx, r, tr); err != nil {
				return err
			}
		}
	}
	user, followed, err := a.follower(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	if followed {
		if err := a.observeDM(ctx, tx, e, user); err != nil {
			return err
		}
	}
	return a.observeTriage(ctx, tx, e)
}

// recordOrigin stores who follows a request filed from Slack and the origin that filed it, then
// confirms to who filed it. An origin seen before rolls the new request back (alreadyFiled).
func (a *App) recordOrigin(ctx context.Context, tx *sql.Tx, r request.Request, o origin) error {
	res, err := tx.ExecContext(ctx, a.q.Get("flows-origin-insert"), r.ID, o.Requester, o.Key, a.Desk.Now())
	if err != nil {
		return fmt.Errorf("slackbot: record %s: %w", o.Key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		var number int64
		if err := tx.QueryRowContext(ctx, a.q.Get("flows-origin-number"), o.Key).Scan(&number); err != nil {
			return fmt.Errorf("slackbot: origin %s: %w", o.Key, err)
		}
		return &alreadyFiled{Number: number}
	}
	if o.Clicker == "" || o.Channel == "" {
		// Filed from a DM or the modal: the DM thread's message is the confirmation, and the
		// files left out and the bible's suggestions follow in its thread.
		if err := a.tellRefused(ctx, tx, r, o.Requester, o.Lang, o.Refused); err != nil {
			return err
		}
		return a.postSuggestionsInDM(ctx, tx, r, o)
	}
	key := "filed.confirm"
	if o.Clicker != o.Requester {
		key = "filed.confirm_for"
	}
	text := a.t(o.Lang, key, "number", r.Number, "title", esc(r.Title), "link", a.portalLink(r.Number),
		"name", esc(r.RequesterName))
	blocks := append(textBlocks(text), a.deflectBlocks(r, o)...)
	return a.post(ctx, tx, Message{Channel: o.Channel, User: o.Clicker, Ephemeral: true, Text: text, Blocks: blocks})
}

// recordThreadReply records the key of a reply written in r's DM thread, and tells its author
// which files were left out. A key seen before rolls the reply back (errAlreadyReplied).
func (a *App) recordThreadReply(ctx context.Context, tx *sql.Tx, r request.Request, tr threadReply) error {
	res, err := tx.ExecContext(ctx, a.q.Get("call-done-put"), tr.Key, a.now())
	if err != nil {
		return fmt.Errorf("slackbot: record %s: %w", tr.Key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errAlreadyReplied
	}
	return a.tellRefused(ctx, tx, r, tr.User, tr.Lang, tr.Refused)
}

// tellRefused tells user, in r's DM thread, the files left out of what they sent (none: nothing).
func (a *App) tellRefused(ctx context.Context, tx *sql.Tx, r request.Request, user, lang, refused string) error {
	if refused == "" || user == "" {
		return nil
	}
	text := a.t(lang, "files.refused", "number", r.Number, "files", refused, "link", a.portalLink(r.Number))
	return a.post(ctx, tx, Message{User: user, ThreadRef: dmRef(r.Number), Text: text, Blocks: textBlocks(text)})
}

// follower is the Slack user who follows request id in their DM thread, if it was filed from
// Slack.
func (a *App) follower(ctx context.Context, tx *sql.Tx, id int64) (string, bool, error) {
	var user string
	err := tx.QueryRowContext(ctx, a.q.Get("flows-follower"), id).Scan(&user)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("slackbot: follower of #%d: %w", id, err)
	}
	return user, true, nil
}

// observeDM shows e in the requester's DM thread: the parent message, created or updated;
// the team's public replies (never the internal notes, nor what the requester wrote in Slack);
// and on resolution the buttons and the satisfaction question.
func (a *App) observeDM(ctx context.Context, tx *sql.Tx, e request.DeskEvent, user string) error {
	r := e.Request
	lang, err := a.langOfPerson(ctx, tx, r.RequesterID)
	if err != nil {
		return err
	}
	switch e.Kind {
	case request.DeskCreated, request.DeskChanged:
		text, blocks := a.dmMessage(r, lang)
		if err := a.post(ctx, tx, Message{Ref: dmRef(r.Number), User: user, Text: text, Blocks: blocks}); err != nil {
			return err
		}
		if e.Kind == request.DeskChanged && r.Status == request.StatusResolved && e.Before.Status != request.StatusResolved {
			text, blocks := a.resolvedMessage(r, lang, "ask")
			return a.post(ctx, tx, Message{Ref: resolvedRef(r.Number, resolvedStamp(r)), User: user,
				ThreadRef: dmRef(r.Number), Text: text, Blocks: blocks})
		}
	case request.DeskMessage:
		m := e.Message
		if m.Internal || (e.ByRequester && m.Channel == request.Slack) {
			return nil
		}
		key := "thread.reply"
		if e.ByRequester {
			key = "thread.own_reply" // written on the portal or by email: shown so the thread stays whole
		}
		text := a.t(lang, key, "name", esc(m.AuthorName), "body", esc(m.Body))
		return a.post(ctx, tx, Message{User: user, ThreadRef: dmRef(r.Number), Text: text, Blocks: textBlocks(text)})
	}
	return nil
}

// langOfPerson is the language person id reads, French when unknown.
func (a *App) langOfPerson(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, id int64) (string, error) {
	var lang string
	err := q.QueryRowContext(ctx, a.q.Get("flows-person-language"), id).Scan(&lang)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("slackbot: language of person %d: %w", id, err)
	}
	return langOf(lang), nil
}

// observeTriage shows e in the triage channel: a new request is posted there at once, unless
// every responder is in focus time and it is not urgent (then it waits for the batch at the
// focus's end); a change updates the message. Messages are in the company's language.
func (a *App) observeTriage(ctx context.Context, tx *sql.Tx, e request.DeskEvent) error {
	if e.Kind == request.DeskMessage {
		return nil
	}
	channel, err := a.triageChannel(ctx)
	if err != nil || channel == "" {
		return err
	}
	r := e.Request
	if e.Kind == request.DeskCreated && r.Priority != request.Urgent && a.Notify != nil {
		if held, err := a.holdForFocus(ctx, tx, r); err != nil || held {
			return err
		}
	}
	if e.Kind == request.DeskChanged {
		var held int
		if err := tx.QueryRowContext(ctx, a.q.Get("flows-held"), r.ID).Scan(&held); err != nil {
			return fmt.Errorf("slackbot: held #%d: %w", r.Number, err)
		}
		if held > 0 {
			return nil // it will be posted, as it is then, with the batch
		}
	}
	return a.postTriage(ctx, tx, channel, r, "")
}

// postTriage posts or updates r's triage message (in the thread of threadRef, for a batch).
func (a *App) postTriage(ctx context.Context, tx *sql.Tx, channel string, r request.Request, threadRef string) error {
	cats, err := a.Desk.Categories(ctx)
	if err != nil {
		return err
	}
	text, blocks := a.triageMessage(r, cats, i18n.Default)
	return a.post(ctx, tx, Message{Ref: triageRef(r.Number), Channel: channel, ThreadRef: threadRef,
		Text: text, Blocks: blocks})
}

// triageChannel is the channel where new requests appear ("" for none): the settings'.
func (a *App) triageChannel(ctx context.Context) (string, error) {
	s, err := a.settings(ctx)
	if err != nil {
		return "", err
	}
	return s.TriageChannel, nil
}
