package mailout

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"majordome/internal/notify"
	"majordome/internal/request"
)

// Channel is the notification channel "email": it sends what the desk tells people (agents'
// notifications; the requester's, for a request that did not come in by email) and the daily
// digest. A notification about a request is threaded with the request's other emails. The
// requester-facing kinds of an email request are left to the desk observer (conversation.go),
// which sends them in the conversation already.
type Channel struct{ s *Service }

// Channel returns the service's notification channel, for notify.Service.AddChannel.
func (s *Service) Channel() *Channel { return &Channel{s: s} }

// Name is "email".
func (c *Channel) Name() string { return "email" }

// Ready reports whether email is set up (an address and a relay), from a cache of at most
// notify.ReadyTTL: while it is not, notifications queue no email delivery.
func (c *Channel) Ready(ctx context.Context) bool { return c.s.ready.Ready(ctx) }

// requesterKinds are the notifications that speak to a request's requester.
var requesterKinds = map[string]bool{
	request.NotifyReply:    true,
	request.NotifyResolved: true,
	request.NotifyReminder: true,
}

// Deliver renders d, stores it in the outbox and queues its sending.
func (c *Channel) Deliver(ctx context.Context, d notify.Delivery) error {
	s := c.s
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if !st.Ready() || d.To.Email == "" {
		return nil
	}
	lang := d.To.Lang
	toRequester := requesterKinds[d.Kind] && d.RequestNumber != 0 && d.PersonID != 0
	m := outMail{Key: fmt.Sprintf("notify:%d", d.ID), Number: d.RequestNumber, Suffix: fmt.Sprintf("n%d", d.ID),
		To: d.To.Email, ToName: d.To.Name, Auto: true}
	c0 := content{Lang: lang, Greeting: s.cat.T(lang, "mailout.greeting", "name", firstName(d.To.Name)),
		Intro: []string{d.Title}, ActionLabel: s.cat.T(lang, "mailout.notify.action"), ActionURL: s.link(d.Link)}
	if d.Body != "" {
		c0.Intro = append(c0.Intro, d.Body)
	}
	m.Subject = d.Title
	if d.RequestNumber != 0 && !strings.Contains(m.Subject, SubjectTag(d.RequestNumber)) {
		m.Subject += " " + SubjectTag(d.RequestNumber)
	}
	if toRequester {
		r, ok, err := s.requestFor(ctx, d.RequestNumber, d.PersonID)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if r.Channel == request.Email && d.Kind != request.NotifyReminder {
			return nil // the observer sent it in the conversation
		}
		ids, err := s.incomingIDs(ctx, r.Number)
		if err != nil {
			return err
		}
		m.ReplyTo, m.InReplyTo, m.Subject = true, ids, requestSubject(r.Number, r.Title)
		c0.Notes = []string{s.cat.T(lang, "mailout.reply.answer_hint")}
		if d.Kind == request.NotifyReply {
			if msg, ok, err := s.replyOf(ctx, r, d.Notification); err != nil {
				return err
			} else if ok {
				// The full reply, threaded, so that they can answer it by email: a human's words,
				// not an automatic message.
				full, ok, err := s.replyMailOf(ctx, m.Key, r, msg)
				if err != nil {
					return err
				}
				if ok {
					full.Suffix, full.To, full.ToName = m.Suffix, m.To, m.ToName
					return s.enqueueNow(ctx, st, full)
				}
			}
		}
	}
	m.Content = s.frame(c0)
	return s.enqueueNow(ctx, st, m)
}

// replyOf finds the team's reply a request.reply notification n is about: the message it
// names, or for a notification from before they named it, the latest public message from
// someone other than the requester, written before n, whose text starts as n's excerpt does.
func (s *Service) replyOf(ctx context.Context, r request.Request, n notify.Notification) (request.Message, bool, error) {
	msgs, err := s.desk.Conversation(ctx, requesterViewer(r.RequesterID), r)
	if err != nil {
		return request.Message{}, false, err
	}
	if id, err := strconv.ParseInt(n.Params["message"], 10, 64); err == nil {
		for _, m := range msgs { // the requester's view: never an internal note
			if m.ID == id {
				return m, true, nil
			}
		}
		return request.Message{}, false, nil
	}
	want := strings.TrimSuffix(n.Params["excerpt"], "…")
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Internal || (m.AuthorPersonID != 0 && m.AuthorPersonID == r.RequesterID) || m.CreatedAt.After(n.CreatedAt.Add(5e9)) {
			continue
		}
		if strings.HasPrefix(strings.Join(strings.Fields(m.Body), " "), strings.TrimSpace(want)) {
			return m, true, nil
		}
	}
	return request.Message{}, false, nil
}

// DeliverDigest sends an account's daily digest.
func (c *Channel) DeliverDigest(ctx context.Context, d notify.Digest) error {
	s := c.s
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if !st.Ready() || d.To.Email == "" || len(d.Items) == 0 {
		return nil
	}
	lang := d.To.Lang
	c0 := content{Lang: lang, Greeting: s.cat.T(lang, "mailout.greeting", "name", firstName(d.To.Name)),
		Intro:       []string{s.cat.T(lang, "mailout.digest.intro", "n", len(d.Items))},
		ActionLabel: s.cat.T(lang, "mailout.digest.action"), ActionURL: s.link("/notifications"),
		Notes: []string{s.cat.T(lang, "mailout.digest.prefs_hint", "url", s.link("/me"))}}
	for _, it := range d.Items {
		c0.Items = append(c0.Items, item{Title: it.Title, Body: it.Body, URL: s.link(it.Link)})
	}
	m := outMail{Key: "digest:" + strconv.FormatInt(d.UserID, 10) + ":" + d.Day, To: d.To.Email, ToName: d.To.Name, Auto: true,
		Subject: s.cat.T(lang, "mailout.digest.subject", "n", len(d.Items)), Content: s.frame(c0)}
	return s.enqueueNow(ctx, st, m)
}
