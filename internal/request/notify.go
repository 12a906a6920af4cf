package request

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/notify"
)

// The desk's notifications: who hears of what. Each one is sent inside the transaction of its
// change, through the notification service (which holds it during the recipient's focus time
// unless it is urgent). The rules:
//
//   - a new request: its assignee, or else every agent and admin who may see it (a confidential
//     one reaches only the admins);
//   - an assignment: the new assignee; a request turned urgent: those who would hear of it new;
//   - a public reply from the team: the requester (their account, and their person so that email
//     can reach them later); a reply from the requester: the assignee, or else the agents;
//   - an internal note: the assignee; a resolution: the requester;
//   - an SLA at risk or breached: the assignee, or else the admins;
//   - a request long waiting on its requester (reminders.go): the requester.
//
// Nobody is told of what they did themselves. An urgent request's notifications are urgent.

// The kinds of the desk's notifications (their words are notify.KIND.title in the catalogue).
const (
	NotifyCreated        = "request.created"
	NotifyAssigned       = "request.assigned"
	NotifyUrgent         = "request.urgent"
	NotifyReply          = "request.reply"
	NotifyRequesterReply = "request.requester_reply"
	NotifyNote           = "request.note"
	NotifyResolved       = "request.resolved"
	NotifySLAAtRisk      = "request.sla_at_risk"
	NotifySLABreached    = "request.sla_breached"
	NotifyReminder       = "request.reminder"
)

// excerptLen is how much of a message a notification quotes.
const excerptLen = 140

// WithNotify makes the desk tell people of its changes through svc.
func (k *Desk) WithNotify(svc *notify.Service) *Desk {
	k.notify = svc
	return k
}

func (k *Desk) notifyCreated(ctx context.Context, tx *sql.Tx, r Request) error {
	if k.notify == nil {
		return nil
	}
	to, err := k.responders(ctx, tx, r, false)
	if err != nil {
		return err
	}
	return k.sendAgents(ctx, tx, r, to, NotifyCreated, r.Priority == Urgent, map[string]string{"requester": r.RequesterName})
}

func (k *Desk) notifyChanged(ctx context.Context, tx *sql.Tx, before, after Request) error {
	if k.notify == nil {
		return nil
	}
	actor := audit.ActorFrom(ctx)
	urgent := after.Priority == Urgent
	switch {
	case after.AssigneeID != 0 && after.AssigneeID != before.AssigneeID:
		ok, err := k.activeUser(ctx, tx, after.AssigneeID)
		if err != nil {
			return err
		}
		if ok {
			err = k.sendAgents(ctx, tx, after, []int64{after.AssigneeID}, NotifyAssigned, urgent, map[string]string{"actor": actor.Name})
			if err != nil {
				return err
			}
		}
	case urgent && before.Priority != Urgent:
		to, err := k.responders(ctx, tx, after, false)
		if err != nil {
			return err
		}
		if err := k.sendAgents(ctx, tx, after, to, NotifyUrgent, true, map[string]string{"actor": actor.Name}); err != nil {
			return err
		}
	}
	if after.Status == StatusResolved && before.Status != StatusResolved {
		return k.sendRequester(ctx, tx, after, NotifyResolved, nil)
	}
	return nil
}

func (k *Desk) notifyMessage(ctx context.Context, tx *sql.Tx, r Request, m Message, byRequester bool) error {
	if k.notify == nil {
		return nil
	}
	params := map[string]string{"author": m.AuthorName, "excerpt": excerpt(m.Body), "message": strconv.FormatInt(m.ID, 10)}
	switch {
	case m.Internal:
		if r.AssigneeID == 0 {
			return nil
		}
		return k.sendAgents(ctx, tx, r, []int64{r.AssigneeID}, NotifyNote, false, params)
	case byRequester:
		to, err := k.responders(ctx, tx, r, false)
		if err != nil {
			return err
		}
		params["requester"] = r.RequesterName
		return k.sendAgents(ctx, tx, r, to, NotifyRequesterReply, r.Priority == Urgent, params)
	default:
		return k.sendRequester(ctx, tx, r, NotifyReply, params)
	}
}

// notifySLA tells the assignee that r is at risk of breaching its SLA, or has breached it
// (state "at_risk" or "breached"); an unassigned request's alert goes to the admins. A breach is
// urgent: it goes through focus time.
func (k *Desk) notifySLA(ctx context.Context, tx *sql.Tx, r Request, state string) error {
	if k.notify == nil {
		return nil
	}
	kind := NotifySLAAtRisk
	switch SLAState(state) {
	case SLAAtRisk:
	case SLABreached:
		kind = NotifySLABreached
	default:
		return nil
	}
	to, err := k.responders(ctx, tx, r, true)
	if err != nil {
		return err
	}
	return k.sendAgents(ctx, tx, r, to, kind, kind == NotifySLABreached || r.Priority == Urgent, nil)
}

// Responders lists the accounts that hear of r's news on the desk side: its assignee, or else
// every agent and admin who may see it. The portal uses it to tell a requester when to expect
// an answer.
func (k *Desk) Responders(ctx context.Context, r Request) ([]int64, error) {
	return k.responders(ctx, k.db.R, r, false)
}

// responders is Responders read through q; adminsOnly narrows an unassigned request's
// responders to the admins.
func (k *Desk) responders(ctx context.Context, q queryer, r Request, adminsOnly bool) ([]int64, error) {
	if r.AssigneeID != 0 {
		var n int
		if err := q.QueryRowContext(ctx, k.q.Get("notify-active-user"), r.AssigneeID).Scan(&n); err != nil {
			return nil, fmt.Errorf("request: responders of %s: %w", r.Ref(), err)
		}
		if n > 0 {
			return []int64{r.AssigneeID}, nil
		}
	}
	rows, err := q.QueryContext(ctx, k.q.Get("notify-agents"))
	if err != nil {
		return nil, fmt.Errorf("request: responders of %s: %w", r.Ref(), err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v Viewer
		if err := rows.Scan(&v.UserID, &v.Role, &v.PersonID); err != nil {
			return nil, fmt.Errorf("request: responders of %s: %w", r.Ref(), err)
		}
		if adminsOnly && v.Role != auth.Admin {
			continue
		}
		if v.CanSee(r) {
			out = append(out, v.UserID)
		}
	}
	return out, rows.Err()
}

func (k *Desk) activeUser(ctx context.Context, q queryer, id int64) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, k.q.Get("notify-active-user"), id).Scan(&n); err != nil {
		return false, fmt.Errorf("request: notify: %w", err)
	}
	return n > 0, nil
}

// sendAgents tells the accounts to (on the desk's side) of r, except the one acting.
func (k *Desk) sendAgents(ctx context.Context, tx *sql.Tx, r Request, to []int64, kind string, urgent bool, params map[string]string) error {
	actor := actorUser(ctx)
	for _, id := range to {
		if id == actor {
			continue
		}
		n := notify.Notification{UserID: id, Kind: kind, Params: requestParams(r, params), Urgent: urgent,
			Link: fmt.Sprintf("/requests/%d", r.Number), RequestNumber: r.Number}
		if _, err := k.notify.Send(ctx, tx, n); err != nil {
			return fmt.Errorf("request: notify %s of %s: %w", kind, r.Ref(), err)
		}
	}
	return nil
}

// sendRequester tells r's requester: their account when they have one (in the app), and their
// person in every case, so that a channel such as email can reach them.
func (k *Desk) sendRequester(ctx context.Context, tx *sql.Tx, r Request, kind string, params map[string]string) error {
	var userID int64
	err := tx.QueryRowContext(ctx, k.q.Get("notify-account-of-person"), r.RequesterID).Scan(&userID)
	if err != nil && !isNoRows(err) {
		return fmt.Errorf("request: notify %s of %s: %w", kind, r.Ref(), err)
	}
	if userID != 0 && userID == actorUser(ctx) {
		return nil
	}
	n := notify.Notification{UserID: userID, PersonID: r.RequesterID, Kind: kind, Params: requestParams(r, params),
		Urgent: r.Priority == Urgent, Link: fmt.Sprintf("/portal/%d", r.Number), RequestNumber: r.Number}
	if _, err := k.notify.Send(ctx, tx, n); err != nil {
		return fmt.Errorf("request: notify %s of %s: %w", kind, r.Ref(), err)
	}
	return nil
}

// actorUser is the account acting in ctx, 0 for a token, the command line or Majordome itself.
func actorUser(ctx context.Context) int64 {
	if a := audit.ActorFrom(ctx); a.Kind == "user" {
		return a.ID
	}
	return 0
}

// requestParams are the values every request notification is written with, plus extra.
func requestParams(r Request, extra map[string]string) map[string]string {
	p := map[string]string{"number": strconv.FormatInt(r.Number, 10), "title": r.Title}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

// excerpt is the start of a message on one line, for a notification to quote.
func excerpt(body string) string {
	s := strings.Join(strings.Fields(body), " ")
	if r := []rune(s); len(r) > excerptLen {
		return strings.TrimSpace(string(r[:excerptLen-1])) + "…"
	}
	return s
}

// Visible reports which of the requests numbers v may see, for the inbox: a notification about a
// request that has since become confidential, or been given to someone else, must not show its
// title. A number that does not exist is not visible.
func (k *Desk) Visible(ctx context.Context, v Viewer, numbers []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(numbers) == 0 {
		return out, nil
	}
	b, _ := json.Marshal(numbers)
	rows, err := k.db.R.QueryContext(ctx, k.q.Get("notify-visibility"), string(b))
	if err != nil {
		return nil, fmt.Errorf("request: visible: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Request
		if err := rows.Scan(&r.Number, &r.RequesterID, &r.Confidential, &r.AssigneeID); err != nil {
			return nil, fmt.Errorf("request: visible: %w", err)
		}
		out[r.Number] = v.CanSee(r)
	}
	return out, rows.Err()
}

// Awaited tells requester v, on the portal, who is to answer their request number: the
// accounts that hear of its news (Responders) and the assignee's name. ok is false when the
// request is not v's own or does not wait on the team (it is answered, waiting on v, done, or
// urgent: an urgent request goes through focus time). It reveals nothing of the request's text,
// so it reads it without the audit entry of Get.
func (k *Desk) Awaited(ctx context.Context, v Viewer, number int64) (responders []int64, assignee string, ok bool, err error) {
	r, err := k.get(ctx, k.db.R, number)
	if errors.Is(err, ErrNotFound) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, err
	}
	if v.PersonID == 0 || r.RequesterID != v.PersonID || r.Priority == Urgent ||
		(r.Status != StatusNew && r.Status != StatusOpen) {
		return nil, "", false, nil
	}
	responders, err = k.responders(ctx, k.db.R, r, false)
	return responders, r.AssigneeName, err == nil && len(responders) > 0, err
}
