package mailin

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"majordome/internal/mailout"
	"majordome/internal/request"
)

// Match returns the request an email answers: by the Message-IDs it quotes (In-Reply-To, then
// References from the latest), those Majordome sent and those recorded from earlier emails;
// then by the plus-address it was sent to (office+1042@…, in To, Cc or Delivered-To); then by
// the [#1042] tag of its subject. ok is false for a new email. The request may not exist, or
// the sender may not write on it: the desk says so when the reply is added.
func (s *Service) Match(ctx context.Context, m *Message) (number int64, ok bool, err error) {
	desk, err := s.address(ctx)
	if err != nil {
		return 0, false, err
	}
	refs := slices.Clone(m.InReplyTo)
	for i := len(m.References) - 1; i >= 0; i-- {
		refs = append(refs, m.References[i])
	}
	_, domain, _ := strings.Cut(desk, "@")
	for _, id := range refs {
		if domain != "" {
			if n, ok := mailout.RequestFromMessageID(id, domain); ok {
				return n, true, nil
			}
		}
		if s.Thread != nil {
			if n, ok, err := s.Thread.RequestByMessageID(ctx, id); err != nil || ok {
				return n, ok, err
			}
		}
	}
	if desk != "" {
		for _, to := range m.To {
			if n, ok := mailout.RequestFromAddress(to, desk); ok {
				return n, true, nil
			}
		}
	}
	if n, ok := mailout.RequestFromSubject(m.Subject); ok {
		return n, true, nil
	}
	return 0, false, nil
}

// pending is the email being filed or added, carried in the context of the desk's call so
// that the observer settles it inside the desk's transaction.
type pending struct {
	row     stored
	msg     *Message
	state   string // StateCreated or StateReplied
	want    int64  // StateReplied: the request the reply goes to
	reason  string
	done    bool
	outcome Outcome
}

type pendingKey struct{}

// observe settles the pending email of ctx, if any, with the request or message the desk just
// added, and records its Message-ID in the request's thread: in the same transaction, so the
// email is settled exactly when its request or reply exists. Another run that settled it first
// rolls this one back (errSettled).
func (s *Service) observe(ctx context.Context, tx *sql.Tx, e request.DeskEvent) error {
	pm, ok := ctx.Value(pendingKey{}).(*pending)
	if !ok || pm.done {
		return nil
	}
	switch {
	case e.Kind == request.DeskCreated && pm.state == StateCreated:
	case e.Kind == request.DeskMessage && pm.state == StateReplied && e.Request.Number == pm.want:
	default:
		return nil
	}
	o := Outcome{State: pm.state, Reason: pm.reason, Request: e.Request.Number, MessageID: e.Message.ID}
	if err := s.settle(ctx, tx, pm.row.ID, o); err != nil {
		return err
	}
	if s.Thread != nil && pm.msg.MessageID != "" {
		if err := s.Thread.RecordIncoming(ctx, tx, e.Request.Number, pm.msg.MessageID); err != nil {
			return err
		}
	}
	pm.done, pm.outcome = true, o
	return nil
}
