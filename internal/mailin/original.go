package mailin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"majordome/internal/request"
)

// Original is an email a request was filed from or answered by, as the request page lists it:
// agents open it whole ("Voir l'email d'origine"), the text the desk kept being only part of it.
type Original struct {
	ID           int64
	MessageID    string
	Sender       string
	Subject      string
	State        string // StateCreated or StateReplied
	MessageRowID int64  // the conversation message it became, 0 for the request itself
	ReceivedAt   time.Time
}

// ErrOriginalNotFound is an email that does not exist, belongs to another request, or may not be
// seen by who asks.
var ErrOriginalNotFound = errors.New("mailin: email not found")

// Originals lists the emails of request number, oldest first. The caller checks that the
// reader may see the request and is an agent.
func (s *Service) Originals(ctx context.Context, number int64) ([]Original, error) {
	rows, err := s.DB.R.QueryContext(ctx, s.q.Get("of-request"), number)
	if err != nil {
		return nil, fmt.Errorf("mailin: emails of #%d: %w", number, err)
	}
	defer rows.Close()
	var out []Original
	for rows.Next() {
		var o Original
		if err := rows.Scan(&o.ID, &o.MessageID, &o.Sender, &o.Subject, &o.State, &o.MessageRowID, &o.ReceivedAt); err != nil {
			return nil, fmt.Errorf("mailin: emails of #%d: %w", number, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OriginalEmail returns the bytes of email id of request number, for v: agents only, who may see
// the request (reading a confidential request is audited by the desk).
func (s *Service) OriginalEmail(ctx context.Context, v request.Viewer, number, id int64) ([]byte, error) {
	if !v.IsAgent() {
		return nil, ErrOriginalNotFound
	}
	if _, err := s.Desk.Get(ctx, v, number); errors.Is(err, request.ErrNotFound) {
		return nil, ErrOriginalNotFound
	} else if err != nil {
		return nil, err
	}
	var raw []byte
	err := s.DB.R.QueryRowContext(ctx, s.q.Get("original"), id, number).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrOriginalNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("mailin: email %d: %w", id, err)
	}
	return raw, nil
}

// Received is an email as the settings page lists it: what became of it.
type Received struct {
	ID            int64
	MessageID     string
	Sender        string
	Subject       string
	State         string
	Reason        string
	RequestNumber int64
	ReceivedAt    time.Time
}

// Recent lists the latest emails received, newest first, at most limit.
func (s *Service) Recent(ctx context.Context, limit int) ([]Received, error) {
	rows, err := s.DB.R.QueryContext(ctx, s.q.Get("recent"), limit)
	if err != nil {
		return nil, fmt.Errorf("mailin: recent: %w", err)
	}
	defer rows.Close()
	var out []Received
	for rows.Next() {
		var e Received
		if err := rows.Scan(&e.ID, &e.MessageID, &e.Sender, &e.Subject, &e.State, &e.Reason, &e.RequestNumber,
			&e.ReceivedAt); err != nil {
			return nil, fmt.Errorf("mailin: recent: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
