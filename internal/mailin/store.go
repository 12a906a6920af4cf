package mailin

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"time"

	"majordome/internal/jobs"
)

// The states of a stored email.
const (
	StatePending = "pending" // stored, waiting for its job
	StateCreated = "created" // it filed a new request
	StateReplied = "replied" // it became a message of its request
	StateIgnored = "ignored" // automatic mail, a list, our own mail, an empty reply
	StateRefused = "refused" // an unknown sender the settings refuse (answered politely)
	StateBounce  = "bounce"  // a delivery failure (the address is marked failing)
	StateLimited = "limited" // over the sender's hourly limit
)

// ErrTooLarge is an email over MaxSize.
var ErrTooLarge = errors.New("mailin: email too large")

// Store keeps raw, received from source ("imap", "smtp"), and queues its processing, in one
// transaction. It reports false when the email was already stored (the same Message-ID, or the
// same bytes when it has none): then nothing is queued again.
func (s *Service) Store(ctx context.Context, source string, raw []byte) (bool, error) {
	if len(raw) > MaxSize {
		return false, ErrTooLarge
	}
	msgID, sender, subject := peekHeader(raw)
	var stored bool
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, s.q.Get("insert"), DedupKey(msgID, raw), msgID, source, sender, subject,
			raw, len(raw), s.now()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("mailin: store: %w", err)
		}
		stored = true
		_, err = s.Jobs.EnqueueTx(ctx, tx, JobInbound, inboundPayload{ID: id}, jobs.Key(fmt.Sprintf("%s:%d", JobInbound, id)))
		return err
	})
	return stored, err
}

// peekHeader reads what Store indexes from the header alone, before the job parses the rest:
// the Message-ID, the sender (for the rate limit) and the subject. A header net/mail cannot
// read leaves them empty; the job still processes the email.
func peekHeader(raw []byte) (msgID, sender, subject string) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", "", ""
	}
	msgID = firstID(m.Header.Get("Message-Id"))
	if a, err := mail.ParseAddress(m.Header.Get("From")); err == nil {
		sender = strings.ToLower(a.Address)
	} else {
		sender = bareAddress(m.Header.Get("From"))
	}
	dec := new(mime.WordDecoder)
	subject = m.Header.Get("Subject")
	if d, err := dec.DecodeHeader(subject); err == nil {
		subject = d
	}
	subject = strings.Join(strings.Fields(subject), " ")
	if r := []rune(subject); len(r) > 300 {
		subject = string(r[:300])
	}
	return msgID, sender, subject
}

type inboundPayload struct {
	ID int64 `json:"id"`
}

// stored is a row of mail_inbound.
type stored struct {
	ID            int64
	MessageID     string
	Source        string
	Sender        string
	Subject       string
	Raw           []byte
	State         string
	Reason        string
	RequestNumber int64
	MessageRowID  int64
	ReceivedAt    time.Time
}

func (s *Service) get(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, id int64) (stored, error) {
	var e stored
	err := q.QueryRowContext(ctx, s.q.Get("get"), id).Scan(&e.ID, &e.MessageID, &e.Source, &e.Sender, &e.Subject,
		&e.Raw, &e.State, &e.Reason, &e.RequestNumber, &e.MessageRowID, &e.ReceivedAt)
	if err != nil {
		return e, fmt.Errorf("mailin: email %d: %w", id, err)
	}
	return e, nil
}

// inboundJob processes the stored email of the payload; one already settled is left alone.
func (s *Service) inboundJob(ctx context.Context, payload []byte) error {
	var p inboundPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("mailin: job payload: %w", err)
	}
	e, err := s.get(ctx, s.DB.R, p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if e.State != StatePending {
		return nil
	}
	_, err = s.process(ctx, e)
	return err
}

// settle records how email id ended, inside tx. It returns errSettled when another run settled
// it first: the caller's transaction must then roll back, its work being done already.
func (s *Service) settle(ctx context.Context, tx *sql.Tx, id int64, o Outcome) error {
	res, err := tx.ExecContext(ctx, s.q.Get("settle"), id, o.State, truncate(o.Reason, 500), nullID(o.Request),
		nullID(o.MessageID), s.now())
	if err != nil {
		return fmt.Errorf("mailin: settle %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errSettled
	}
	return nil
}

// errSettled is an email another run of its job settled first.
var errSettled = errors.New("mailin: email already processed")

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
