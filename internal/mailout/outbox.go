package mailout

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/jobs"
)

// JobSend is the job that sends one email. Its payload names the email by its send key; a
// reply or a resolution of an email request is rendered by the job itself, after the commit
// of the change, so that it reads the message with its attachments.
const JobSend = "mail.send"

// sendPayload is the job of one email.
type sendPayload struct {
	Key      string       `json:"key"`
	Reply    *replyRef    `json:"reply,omitempty"`
	Resolved *resolvedRef `json:"resolved,omitempty"`
}

// RegisterJobs binds the package's job kinds to their handlers on the queue given to New.
func (s *Service) RegisterJobs() {
	s.jobs.Register(JobSend, s.sendJob)
}

// queued is one rendered email of the outbox.
type queued struct {
	ID        int64
	MessageID string
	Number    int64
	To        string
	Subject   string
	Raw       string
	Status    string
}

// store renders m and keeps it in the outbox under its key, inside tx when there is one. A key
// stored already keeps its first rendering, so a retry sends the same bytes.
func (s *Service) store(ctx context.Context, tx *sql.Tx, st Settings, m outMail) (inserted bool, err error) {
	id, raw, err := s.render(st, m)
	if err != nil {
		return false, err
	}
	exec := s.db.W.ExecContext
	if tx != nil {
		exec = tx.ExecContext
	}
	res, err := exec(ctx, s.q.Get("outbox-insert"), m.Key, id, nullNumber(m.Number), strings.ToLower(m.To), m.Subject, string(raw), s.now())
	if err != nil {
		return false, fmt.Errorf("mailout: store %s: %w", m.Key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, fmt.Errorf("mailout: store %s: %w", m.Key, err)
	} else if n == 0 {
		return false, nil // stored already, with its own job
	}
	if m.Number != 0 {
		if _, err := exec(ctx, s.q.Get("thread-insert"), id, m.Number, "out", s.now()); err != nil {
			return false, fmt.Errorf("mailout: record %s: %w", id, err)
		}
	}
	return true, nil
}

// enqueue renders m, stores it and queues its sending, inside tx. An email whose key is stored
// already is left to the job queued with it: asking twice sends once.
func (s *Service) enqueue(ctx context.Context, tx *sql.Tx, st Settings, m outMail) error {
	if inserted, err := s.store(ctx, tx, st, m); err != nil || !inserted {
		return err
	}
	_, err := s.jobs.EnqueueTx(ctx, tx, JobSend, sendPayload{Key: m.Key}, jobs.Key(JobSend+":"+m.Key))
	if err != nil {
		return fmt.Errorf("mailout: queue %s: %w", m.Key, err)
	}
	return nil
}

// enqueueNow is enqueue in a transaction of its own.
func (s *Service) enqueueNow(ctx context.Context, st Settings, m outMail) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error { return s.enqueue(ctx, tx, st, m) })
}

func nullNumber(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

func (s *Service) queued(ctx context.Context, key string) (queued, bool, error) {
	var q queued
	err := s.db.R.QueryRowContext(ctx, s.q.Get("outbox-get"), key).Scan(&q.ID, &q.MessageID, &q.Number, &q.To, &q.Subject, &q.Raw, &q.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return q, false, nil
	}
	if err != nil {
		return q, false, fmt.Errorf("mailout: outbox %s: %w", key, err)
	}
	return q, true, nil
}

// sendJob sends one email of the outbox, rendering it first when the job carries what to
// render. An email sent already is not sent again; one to a failing address is skipped, with
// the reason kept for the admin.
func (s *Service) sendJob(ctx context.Context, payload []byte) error {
	var p sendPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("mailout: send payload: %w", err)
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if !st.Ready() {
		return errors.New("mailout: email is not set up (address and SMTP relay)")
	}
	q, ok, err := s.queued(ctx, p.Key)
	if err != nil {
		return err
	}
	if !ok {
		m, ok, err := s.renderLater(ctx, p)
		if err != nil {
			return err
		}
		if !ok {
			return nil // nothing to send any more (the message was deleted, the requester has no address)
		}
		if _, err := s.store(ctx, nil, st, m); err != nil {
			return err
		}
		if q, ok, err = s.queued(ctx, p.Key); err != nil || !ok {
			return fmt.Errorf("mailout: outbox %s lost: %v", p.Key, err)
		}
	}
	if q.Status == "sent" || q.Status == "skipped" {
		return nil
	}
	now := s.now()
	if reason, failing, err := s.failingReason(ctx, q.To); err != nil {
		return err
	} else if failing {
		_, err := s.db.W.ExecContext(ctx, s.q.Get("outbox-skipped"), q.ID, "address failing: "+reason, now)
		return err
	}
	// One sender at a time: two jobs for the same email (asked for again while it was being
	// sent) must not both hand it to the relay. The claim outlives the relay's timeout; a worker
	// that died holding it delays the email by that much, no more.
	res, err := s.db.W.ExecContext(ctx, s.q.Get("outbox-claim"), q.ID, now.Add(sendClaim), now)
	if err != nil {
		return fmt.Errorf("mailout: claim %s: %w", p.Key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("mailout: claim %s: %w", p.Key, err)
	} else if n == 0 {
		return s.claimedElsewhere(ctx, q.ID, p.Key, now)
	}
	sendErr := deliver(ctx, st.SMTPURL, st.Domain(), st.Address, q.To, []byte(q.Raw), s.tls)
	if sendErr != nil {
		msg := sendErr.Error()
		if _, err := s.db.W.ExecContext(ctx, s.q.Get("outbox-failed"), q.ID, msg, now); err != nil {
			s.log.Warn("mailout: record failure", "err", err)
		}
		return sendErr
	}
	_, err = s.db.W.ExecContext(ctx, s.q.Get("outbox-sent"), q.ID, now)
	return err
}

// sendClaim is how long a sending job holds its email: well beyond the relay's 30-second timeout.
const sendClaim = 2 * time.Minute

// claimedElsewhere is the answer of a sending job that could not claim its email: nothing to do
// when it was sent meanwhile; otherwise another job holds it, and this one looks again when that
// claim ends (if that job fails, this one tries; if it sends, this one finds it sent).
func (s *Service) claimedElsewhere(ctx context.Context, id int64, key string, now time.Time) error {
	var status string
	var until sql.NullTime
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("outbox-claimed"), id).Scan(&status, &until); err != nil {
		return fmt.Errorf("mailout: claim %s: %w", key, err)
	}
	if status == "sent" || status == "skipped" {
		return nil
	}
	wait := time.Second
	if until.Valid && until.Time.After(now) {
		wait += until.Time.Sub(now)
	}
	return jobs.RetryAfter(wait, fmt.Errorf("mailout: %s is being sent by another job", key))
}

// Failure is an email Majordome could not send, for the admin.
type Failure struct {
	To       string
	Subject  string
	Status   string // "failing": still retried; "skipped": the address is failing
	Attempts int
	Error    string
	At       time.Time
}

// FailingAddress is an address that bounced.
type FailingAddress struct {
	Address string
	Reason  string
	At      time.Time
}

// Failures returns the latest emails not sent and the failing addresses, newest first.
func (s *Service) Failures(ctx context.Context, limit int) ([]Failure, []FailingAddress, error) {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("outbox-failures"), limit)
	if err != nil {
		return nil, nil, fmt.Errorf("mailout: failures: %w", err)
	}
	defer rows.Close()
	var fs []Failure
	for rows.Next() {
		var f Failure
		if err := rows.Scan(&f.To, &f.Subject, &f.Status, &f.Attempts, &f.Error, &f.At); err != nil {
			return nil, nil, err
		}
		fs = append(fs, f)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows2, err := s.db.R.QueryContext(ctx, s.q.Get("failing-list"), limit)
	if err != nil {
		return nil, nil, fmt.Errorf("mailout: failing addresses: %w", err)
	}
	defer rows2.Close()
	var as []FailingAddress
	for rows2.Next() {
		var a FailingAddress
		if err := rows2.Scan(&a.Address, &a.Reason, &a.At); err != nil {
			return nil, nil, err
		}
		as = append(as, a)
	}
	return fs, as, rows2.Err()
}

// MarkFailing records that address bounces, for reason (the bounce's words): nothing is sent
// to it until an admin clears it, and the admin sees why on the settings page.
func (s *Service) MarkFailing(ctx context.Context, address, reason string) error {
	addr := strings.ToLower(strings.TrimSpace(address))
	if addr == "" {
		return nil
	}
	if r := []rune(reason); len(r) > 500 {
		reason = string(r[:500])
	}
	if _, err := s.db.W.ExecContext(ctx, s.q.Get("failing-put"), addr, reason, s.now()); err != nil {
		return fmt.Errorf("mailout: mark %s failing: %w", addr, err)
	}
	s.log.Warn("mailout: address marked failing", "address", addr, "reason", reason)
	return nil
}

// Failing reports whether address is marked failing.
func (s *Service) Failing(ctx context.Context, address string) (bool, error) {
	_, ok, err := s.failingReason(ctx, address)
	return ok, err
}

func (s *Service) failingReason(ctx context.Context, address string) (string, bool, error) {
	var reason string
	err := s.db.R.QueryRowContext(ctx, s.q.Get("failing-get"), strings.ToLower(strings.TrimSpace(address))).Scan(&reason)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("mailout: failing %s: %w", address, err)
	}
	return reason, true, nil
}

// ClearFailing lets Majordome write to address again (an admin fixed it), audited.
func (s *Service) ClearFailing(ctx context.Context, address string) error {
	addr := strings.ToLower(strings.TrimSpace(address))
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("failing-delete"), addr); err != nil {
			return fmt.Errorf("mailout: clear %s: %w", addr, err)
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "mail.failing_clear", EntityType: "setting", EntityName: addr,
			Before: map[string]string{"address": addr}})
	})
}
