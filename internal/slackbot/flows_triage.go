package slackbot

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/request"
)

// holdForFocus holds new request r back from the triage channel when every one of its
// responders is in focus time, as the desk's notifications are (internal/notify/focus.go): it
// is posted with the others held, as one batch, when the first of them comes out of focus.
func (a *App) holdForFocus(ctx context.Context, tx *sql.Tx, r request.Request) (bool, error) {
	responders, err := a.Desk.Responders(ctx, r)
	if err != nil {
		return false, err
	}
	until, ok, err := a.Notify.FocusUntilAll(ctx, responders, a.Notify.Now())
	if err != nil || !ok {
		return false, err
	}
	until = until.UTC()
	if _, err := tx.ExecContext(ctx, a.q.Get("flows-hold"), r.ID, until); err != nil {
		return false, fmt.Errorf("slackbot: hold #%d: %w", r.Number, err)
	}
	key := fmt.Sprintf("%s:%s", jobTriageBatch, until.Format(time.RFC3339))
	if _, err := a.Jobs.EnqueueTx(ctx, tx, jobTriageBatch, triageBatch{Until: until}, jobs.At(until), jobs.Key(key)); err != nil {
		return false, fmt.Errorf("slackbot: schedule the triage batch: %w", err)
	}
	return true, nil
}

// triageBatch is the job that posts the requests held until Until.
type triageBatch struct {
	Until time.Time `json:"until"`
}

// system is how the flows read a request for the triage channel: as Majordome, which sees
// everything (a confidential request's read is audited as such).
var system = request.Viewer{Name: "Majordome", Role: auth.Admin}

// triageBatchJob posts, when a focus period ends, the requests held during it: one message in
// the triage channel listing them, each request's own message (with its buttons) in its thread.
func (a *App) triageBatchJob(ctx context.Context, payload []byte) error {
	var p triageBatch
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("slackbot: triage batch payload: %w", err)
	}
	numbers, err := db.Column[int64](ctx, a.DB.R, a.q.Get("flows-held-due"), p.Until)
	if err != nil {
		return fmt.Errorf("slackbot: held requests: %w", err)
	}
	if len(numbers) == 0 {
		return nil
	}
	var held []request.Request
	for _, n := range numbers {
		r, err := a.Desk.Get(ctx, system, n)
		if errors.Is(err, request.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		held = append(held, r)
	}
	channel, err := a.triageChannel(ctx)
	if err != nil {
		return err
	}
	lang := i18n.Default
	batchRef := "triage-batch:" + p.Until.UTC().Format(time.RFC3339)
	lines := make([]string, 0, len(held))
	for _, r := range held {
		label := a.t(lang, "batch.line", "number", r.Number, "title", esc(excerpt(r.Title, 80)), "link", a.deskLink(r.Number))
		if r.Confidential {
			label = a.t(lang, "batch.line_confidential", "number", r.Number, "link", a.deskLink(r.Number))
		}
		lines = append(lines, label)
	}
	text := a.t(lang, "batch.title", "n", len(held))
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, n := range numbers {
			if _, err := tx.ExecContext(ctx, a.q.Get("flows-unhold"), n); err != nil {
				return fmt.Errorf("slackbot: unhold #%d: %w", n, err)
			}
		}
		if len(held) == 0 || channel == "" {
			return nil
		}
		if err := a.post(ctx, tx, Message{Ref: batchRef, Channel: channel, Text: text,
			Blocks: textBlocks("*" + text + "*\n" + strings.Join(lines, "\n"))}); err != nil {
			return err
		}
		for _, r := range held {
			if err := a.postTriage(ctx, tx, channel, r, batchRef); err != nil {
				return err
			}
		}
		return nil
	})
}

// triageAction does what a triage button or select asks, as the clicking agent; the desk's
// observer then updates the triage message. Someone who is not an agent is told so, politely.
func (a *App) triageAction(ctx context.Context, who actor, channel, user, trigger, action, value string) error {
	if !who.Viewer.IsAgent() || who.Viewer.UserID == 0 {
		return a.tell(ctx, channel, user, a.t(who.Lang, "triage.not_agent"))
	}
	v := who.Viewer
	num, arg, _ := strings.Cut(value, ":")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return a.notUnderstood(ctx, channel, user)
	}
	var ch request.Change
	switch action {
	case actTake:
		ch.AssigneeID = &v.UserID
	case actPriority:
		p := request.Priority(arg)
		ch.Priority = &p
	case actCategory:
		id, _ := strconv.ParseInt(arg, 10, 64)
		cats, err := a.Desk.Categories(ctx)
		if err != nil {
			return err
		}
		for _, c := range cats {
			if c.ID == id {
				ch.Category = &c.Name
			}
		}
		if ch.Category == nil {
			return a.refuse(ctx, channel, user, who.Lang, request.ErrNotFound)
		}
	case actConfidential:
		r, err := a.Desk.Get(ctx, v, n)
		if err != nil {
			return a.refuse(ctx, channel, user, who.Lang, err)
		}
		conf := !r.Confidential
		ch.Confidential = &conf
	case actReply:
		r, err := a.Desk.Get(ctx, v, n)
		if err != nil {
			return a.refuse(ctx, channel, user, who.Lang, err)
		}
		view := a.messageModal(cbReply, r, who.Lang)
		return a.DB.Tx(ctx, func(tx *sql.Tx) error {
			return a.call(ctx, tx, "views.open", map[string]any{"trigger_id": trigger, "view": view}, "views.open:"+trigger)
		})
	}
	if _, err := a.Desk.Update(ctx, v, n, ch); err != nil {
		return a.refuse(ctx, channel, user, who.Lang, err)
	}
	return nil
}
