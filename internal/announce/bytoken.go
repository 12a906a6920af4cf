package announce

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

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
