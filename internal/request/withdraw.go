package request

import (
	"context"
	"database/sql"
)

// Withdraw is the requester's own "c'est réglé" on a request they have just filed: a guide of
// the bible answered them (Slack's button, the link of the email acknowledgement). Request
// number is closed, with message (what settled it) as the requester's public message on
// channel, and also (the bible's deflection, nil for none) runs in the same transaction: all
// or nothing. Closed rather than resolved: nobody on the team solved it, so the requester is
// not told it is resolved nor asked to rate it; the team reads the message in the timeline.
// Only the requester may withdraw (ErrForbidden); a request already resolved or closed was
// answered by the team and is not theirs to withdraw (a TransitionError).
func (k *Desk) Withdraw(ctx context.Context, v Viewer, number int64, message string, channel Channel,
	also func(tx *sql.Tx, r Request) error) (Request, error) {
	var after Request
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := k.get(ctx, tx, number)
		if err != nil {
			return err
		}
		if err := v.mustBeRequester(r); err != nil {
			return err
		}
		if r.Status.IsDone() {
			return &TransitionError{From: r.Status, To: StatusClosed}
		}
		if message != "" {
			if _, err := k.reply(ctx, tx, v, r, message, false, channel); err != nil {
				return err
			}
			if r, err = k.get(ctx, tx, number); err != nil {
				return err
			}
		}
		next := r
		next.Status = StatusClosed
		if err := k.write(ctx, tx, r, next); err != nil {
			return err
		}
		if err := k.index(ctx, tx, number); err != nil {
			return err
		}
		if after, err = k.get(ctx, tx, number); err != nil {
			return err
		}
		if also != nil {
			return also(tx, after)
		}
		return nil
	})
	return after, err
}

// mustBeRequester is nil when v filed r; otherwise ErrForbidden when v may see r, and ErrNotFound
// when v may not even know it exists. What only a requester does (rate, withdraw) asks it.
func (v Viewer) mustBeRequester(r Request) error {
	if v.PersonID != 0 && v.PersonID == r.RequesterID {
		return nil
	}
	if v.CanSee(r) {
		return ErrForbidden
	}
	return ErrNotFound
}
