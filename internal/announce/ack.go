package announce

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"majordome/internal/audit"
)

// MarkRead records that personID read the announcement (opened it in the portal, say) through
// via. Reading twice keeps the first time. ErrNotRecipient when it was not for them.
func (s *Service) MarkRead(ctx context.Context, id, personID int64, via string) error {
	res, err := s.db.W.ExecContext(ctx, s.q.Get("read"), id, personID, s.now(), via)
	if err != nil {
		return fmt.Errorf("announce: read %d by %d: %w", id, personID, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	_, err = s.recipient(ctx, s.db.R, id, personID)
	return err
}

// Acknowledge records that personID acknowledged the announcement ("J'ai lu") through via
// (ChannelSlack, ChannelEmail or ChannelPortal), which also counts as reading it. It is
// idempotent: the first acknowledgement is kept, and audited. ErrNotRecipient when it was not
// for them.
func (s *Service) Acknowledge(ctx context.Context, id, personID int64, via string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("ack"), id, personID, s.now(), via)
		if err != nil {
			return fmt.Errorf("announce: acknowledge %d by %d: %w", id, personID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			_, err := s.recipient(ctx, tx, id, personID)
			return err
		}
		r, err := s.recipient(ctx, tx, id, personID)
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "announcement.acknowledge", EntityType: "announcement",
			EntityID: id, EntityName: r.Name, After: map[string]any{"person_id": personID, "via": via}})
	})
}

// ByToken returns the announcement and the recipient an email's acknowledgement link names,
// without acknowledging: the link's page shows them first (a GET must not acknowledge, link
// scanners follow links) and its button acknowledges (AcknowledgeToken). ErrBadToken for an
// unknown token.
func (s *Service) ByToken(ctx context.Context, token string) (Announcement, Recipient, error) {
	if token == "" {
		return Announcement{}, Recipient{}, ErrBadToken
	}
	r, err := scanRecipient(s.db.R.QueryRowContext(ctx, s.q.Get("recipient-by-token"), token))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && r.PersonID == 0) {
		return Announcement{}, Recipient{}, ErrBadToken
	}
	if err != nil {
		return Announcement{}, Recipient{}, fmt.Errorf("announce: ack link: %w", err)
	}
	a, err := s.load(ctx, s.db.R, r.AnnouncementID)
	if err != nil {
		return Announcement{}, Recipient{}, err
	}
	return a.Announcement, r.Recipient, nil
}

// AcknowledgeToken acknowledges through the email's link: the token is the secret. It returns
// the announcement and the recipient as acknowledged; ErrBadToken for an unknown token.
func (s *Service) AcknowledgeToken(ctx context.Context, token string) (Announcement, Recipient, error) {
	a, r, err := s.ByToken(ctx, token)
	if err != nil {
		return Announcement{}, Recipient{}, err
	}
	if err := s.Acknowledge(ctx, a.ID, r.PersonID, ChannelEmail); err != nil {
		return Announcement{}, Recipient{}, err
	}
	got, err := s.recipient(ctx, s.db.R, a.ID, r.PersonID)
	return a, got, err
}

// Recipient returns personID's row of an announcement; ErrNotRecipient when it was not for them.
func (s *Service) Recipient(ctx context.Context, id, personID int64) (Recipient, error) {
	return s.recipient(ctx, s.db.R, id, personID)
}

func (s *Service) recipient(ctx context.Context, q queryer, id, personID int64) (Recipient, error) {
	r, err := scanRecipient(q.QueryRowContext(ctx, s.q.Get("recipient-get"), id, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return Recipient{}, ErrNotRecipient
	}
	if err != nil {
		return Recipient{}, fmt.Errorf("announce: recipient %d of %d: %w", personID, id, err)
	}
	return r.Recipient, nil
}
