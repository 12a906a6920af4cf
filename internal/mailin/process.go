package mailin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// Outcome is how an email ended.
type Outcome struct {
	State     string // StateCreated, StateReplied, StateIgnored…
	Reason    string // why it was ignored, refused, or what was dropped
	Request   int64  // the request it filed or joined, 0 for none
	MessageID int64  // the conversation message it became, 0 for none
}

// Process stores raw, as Store does, and processes it at once rather than through the job
// queue: for tests and the command line. An email stored before is not processed again; its
// outcome is returned as stored.
func (s *Service) Process(ctx context.Context, raw []byte) (Outcome, error) {
	if _, err := s.Store(ctx, "direct", raw); err != nil {
		return Outcome{}, err
	}
	msgID, _, _ := peekHeader(raw)
	var id int64
	err := s.DB.R.QueryRowContext(ctx, "SELECT id FROM mail_inbound WHERE dedup_key = $1", DedupKey(msgID, raw)).Scan(&id)
	if err != nil {
		return Outcome{}, fmt.Errorf("mailin: process: %w", err)
	}
	e, err := s.get(ctx, s.DB.R, id)
	if err != nil {
		return Outcome{}, err
	}
	if e.State != StatePending {
		return e.outcome(), nil
	}
	return s.process(ctx, e)
}

// outcomeOf reads how the stored email id ended, once another run settled it.
func (s *Service) outcomeOf(ctx context.Context, id int64) (Outcome, error) {
	e, err := s.get(ctx, s.DB.R, id)
	if err != nil {
		return Outcome{}, err
	}
	return e.outcome(), nil
}

// outcome is how a settled email ended.
func (e stored) outcome() Outcome {
	return Outcome{State: e.State, Reason: e.Reason, Request: e.RequestNumber, MessageID: e.MessageRowID}
}

// process reads a stored email and does what it asks, settling it in the same transaction.
func (s *Service) process(ctx context.Context, e stored) (Outcome, error) {
	m, err := Parse(e.Raw)
	if err != nil {
		return s.settleAlone(ctx, e, Outcome{State: StateIgnored, Reason: "unreadable: " + err.Error()})
	}
	sender := m.From.Address
	desk, err := s.address(ctx)
	if err != nil {
		return Outcome{}, err
	}
	switch {
	case sender == "":
		return s.settleAlone(ctx, e, Outcome{State: StateIgnored, Reason: "no sender"})
	case isOwn(sender, desk):
		return s.settleAlone(ctx, e, Outcome{State: StateIgnored, Reason: "our own address"})
	}
	if b, ok := bounceOf(m); ok {
		return s.bounce(ctx, e, b)
	}
	if r := autoReason(m); r != "" {
		return s.settleAlone(ctx, e, Outcome{State: StateIgnored, Reason: r})
	}
	if o, limited, err := s.rateLimit(ctx, e, sender); err != nil || limited {
		return o, err
	}
	person, err := s.People.GetByEmail(ctx, sender)
	known := err == nil
	if err != nil && !errors.Is(err, people.ErrNotFound) {
		return Outcome{}, err
	}
	if !known && isList(m) {
		return s.settleAlone(ctx, e, Outcome{State: StateIgnored, Reason: "mailing list from an unknown sender"})
	}
	lang := "fr"
	if known && person.Language != "" {
		lang = person.Language
	}
	files, dropped := s.files(m, lang)
	if number, ok, err := s.Match(ctx, m); err != nil {
		return Outcome{}, err
	} else if ok {
		o, done, err := s.reply(ctx, e, m, sender, person, known, number, files, dropped, lang)
		if err != nil || done {
			return o, err
		}
	}
	if !known {
		st, err := s.Settings(ctx)
		if err != nil {
			return Outcome{}, err
		}
		if st.UnknownSender == UnknownRefuse {
			return s.refuse(ctx, e, m, desk)
		}
		if person, err = s.createContact(ctx, m); err != nil {
			return Outcome{}, err
		}
	}
	return s.create(ctx, e, m, person, files, dropped, lang)
}

// reply adds m to request number as its sender's reply. done is false when the sender may not
// write on that request (a stranger, a closed request): the caller then files a new one.
func (s *Service) reply(ctx context.Context, e stored, m *Message, sender string, person people.Person, known bool,
	number int64, files []request.File, dropped, lang string) (Outcome, bool, error) {
	v, actor, ok, err := s.viewer(ctx, sender, person, known)
	if err != nil || !ok {
		return Outcome{}, false, err
	}
	body := StripReply(m.Text)
	if m.Text == "" {
		body = ""
	}
	body = withNote(body, dropped)
	pm := &pending{row: e, msg: m, state: StateReplied, want: number, reason: dropped}
	ctx = context.WithValue(audit.WithActor(ctx, actor), pendingKey{}, pm)
	_, err = s.Desk.ReplyWithFiles(ctx, v, number, truncate(body, maxBody), false, request.Email, files)
	var verrs valid.Errors
	switch {
	case err == nil:
		return pm.outcome, true, nil
	case errors.Is(err, errSettled):
		return Outcome{State: StateReplied, Request: number}, true, nil
	case errors.Is(err, request.ErrNotFound), errors.Is(err, request.ErrForbidden), errors.Is(err, request.ErrClosed):
		return Outcome{}, false, nil
	case errors.As(err, &verrs) && verrs.Has("body"):
		o, err := s.settleAlone(ctx, e, Outcome{State: StateIgnored, Reason: "empty reply", Request: number})
		return o, true, err
	}
	return Outcome{}, false, fmt.Errorf("mailin: reply on #%d: %w", number, err)
}

// maxBody is the desk's limit of a message's text.
const maxBody = 20000

// viewer returns who the sender is on the desk, with the actor the audit trail names: their
// account when they have one (an agent answers as the team), else the person of the directory.
// ok is false for a sender the desk does not know at all.
func (s *Service) viewer(ctx context.Context, sender string, person people.Person, known bool) (request.Viewer, audit.Actor, bool, error) {
	u, err := s.Auth.UserByEmail(ctx, sender)
	if err == nil && u.Active {
		v, err := s.Desk.ViewerFor(ctx, u.ID, u.Name, u.Email, u.Role)
		return v, audit.Actor{Kind: "user", ID: u.ID, Name: u.Name}, err == nil, err
	}
	if err != nil && !errors.Is(err, auth.ErrNotFound) {
		return request.Viewer{}, audit.Actor{}, false, err
	}
	if !known {
		return request.Viewer{}, audit.Actor{}, false, nil
	}
	name := person.FullName()
	return request.Viewer{PersonID: person.ID, Name: name, Role: auth.Employee},
		audit.Actor{Kind: "system", Name: name + " (email)"}, true, nil
}

// create files m as a new request of person.
func (s *Service) create(ctx context.Context, e stored, m *Message, person people.Person, files []request.File,
	dropped, lang string) (Outcome, error) {
	title := CleanSubject(m.Subject)
	if title == "" {
		title, _, _ = strings.Cut(m.Text, "\n")
		title = truncate(strings.TrimSpace(title), 80)
	}
	if title == "" {
		title = s.I18n.T(lang, "mailin.no_subject")
	}
	pm := &pending{row: e, msg: m, state: StateCreated, reason: dropped}
	actor := audit.Actor{Kind: "system", Name: person.FullName() + " (email)"}
	ctx = context.WithValue(audit.WithActor(ctx, actor), pendingKey{}, pm)
	_, err := s.Desk.Create(ctx, request.NewRequest{Title: truncate(title, 200),
		Description: truncate(withNote(m.Text, dropped), maxBody), RequesterEmail: person.Email,
		Channel: request.Email, Files: files})
	if errors.Is(err, errSettled) { // its job got there first: tell what it did
		return s.outcomeOf(ctx, e.ID)
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("mailin: file a request from %s: %w", person.Email, err)
	}
	return pm.outcome, nil
}

// createContact adds the unknown sender of m to the directory as an external contact, flagged
// for the Office Manager's review.
func (s *Service) createContact(ctx context.Context, m *Message) (people.Person, error) {
	first, last := splitName(m.From)
	p, err := s.People.Create(audit.WithActor(ctx, audit.Actor{Kind: "system", Name: "Majordome"}), people.Input{
		FirstName: first, LastName: last, Email: m.From.Address, External: true,
		Review: s.I18n.T("fr", "mailin.review_reason")})
	if err != nil {
		var verrs valid.Errors
		if errors.As(err, &verrs) && verrs.Has("email") {
			// Created meanwhile by another run: take them.
			if q, err2 := s.People.GetByEmail(ctx, m.From.Address); err2 == nil {
				return q, nil
			}
		}
		return p, fmt.Errorf("mailin: create contact %s: %w", m.From.Address, err)
	}
	return p, nil
}

// splitName makes a first and a last name from an address: "Jean Dupont <…>", else
// jean.dupont@…, else the local part and the domain.
func splitName(a mailAddress) (string, string) {
	name := strings.Trim(strings.TrimSpace(a.Name), `"'`)
	if strings.Contains(name, "@") {
		name = ""
	}
	if name != "" {
		if last, first, ok := strings.Cut(name, ", "); ok { // "Dupont, Jean"
			return truncate(first, 100), truncate(last, 100)
		}
		f := strings.Fields(name)
		if len(f) > 1 {
			return truncate(f[0], 100), truncate(strings.Join(f[1:], " "), 100)
		}
	}
	local, domain, _ := strings.Cut(a.Address, "@")
	parts := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' })
	if name == "" && len(parts) >= 2 {
		return capital(parts[0]), capital(strings.Join(parts[1:], " "))
	}
	if name == "" {
		name = local
	}
	return truncate(name, 100), truncate(domain, 100)
}

func capital(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// refuse answers an unknown sender politely, when the settings refuse them, and creates
// nothing.
func (s *Service) refuse(ctx context.Context, e stored, m *Message, desk string) (Outcome, error) {
	o := Outcome{State: StateRefused, Reason: "unknown sender"}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.settle(ctx, tx, e.ID, o); err != nil {
			return err
		}
		if s.Replier == nil {
			return nil
		}
		subject := "Re: " + m.Subject
		if m.Subject == "" {
			subject = s.I18n.T("fr", "mailin.refuse.subject")
		}
		text := s.I18n.T("fr", "mailin.refuse.body", "address", desk) + "\n\n---\n\n" +
			s.I18n.T("en", "mailin.refuse.body", "address", desk)
		return s.Replier.SendAutoReply(ctx, tx, m.From.Address, subject, text, m.MessageID)
	})
	if errors.Is(err, errSettled) {
		return o, nil
	}
	return o, err
}

// settleAlone settles e with o in a transaction of its own.
func (s *Service) settleAlone(ctx context.Context, e stored, o Outcome) (Outcome, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error { return s.settle(ctx, tx, e.ID, o) })
	if errors.Is(err, errSettled) {
		err = nil
	}
	if err == nil && o.State == StateIgnored {
		s.Log.Info("mailin: email ignored", "id", e.ID, "from", e.Sender, "reason", o.Reason)
	}
	return o, err
}

// isOwn reports whether addr is the desk's address desk or one of its plus-addresses.
func isOwn(addr, desk string) bool {
	if desk == "" {
		return false
	}
	local, domain, _ := strings.Cut(strings.ToLower(addr), "@")
	dlocal, ddomain, _ := strings.Cut(desk, "@")
	base, _, _ := strings.Cut(local, "+")
	return domain == ddomain && base == dlocal
}

// rateLimit settles e as limited when its sender sent more than RateLimit emails in the hour
// before it, and tells the admins at the first one over.
func (s *Service) rateLimit(ctx context.Context, e stored, sender string) (Outcome, bool, error) {
	var n int
	if err := s.DB.R.QueryRowContext(ctx, s.q.Get("sender-count"), sender, e.ReceivedAt.Add(-time.Hour), e.ID).Scan(&n); err != nil {
		return Outcome{}, false, fmt.Errorf("mailin: rate of %s: %w", sender, err)
	}
	if n <= s.RateLimit {
		return Outcome{}, false, nil
	}
	o := Outcome{State: StateLimited, Reason: fmt.Sprintf("over %d emails an hour", s.RateLimit)}
	s.Log.Warn("mailin: sender over the hourly limit, email dropped", "id", e.ID, "from", sender, "limit", s.RateLimit)
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.settle(ctx, tx, e.ID, o); err != nil {
			return err
		}
		if n != s.RateLimit+1 {
			return nil
		}
		return s.tellAdmins(ctx, tx, "mail.rate_limited", map[string]string{"address": sender,
			"limit": fmt.Sprint(s.RateLimit)})
	})
	if errors.Is(err, errSettled) {
		err = nil
	}
	return o, true, err
}

// bounce marks the failed recipients of b and tells the admins.
func (s *Service) bounce(ctx context.Context, e stored, b Bounce) (Outcome, error) {
	reason := truncate(strings.Join(strings.Fields(b.Reason), " "), 300)
	if s.Thread != nil {
		for _, a := range b.Recipients {
			if err := s.Thread.MarkFailing(ctx, a, reason); err != nil {
				return Outcome{}, err
			}
		}
	}
	o := Outcome{State: StateBounce, Reason: strings.Join(b.Recipients, ", ")}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.settle(ctx, tx, e.ID, o); err != nil {
			return err
		}
		addresses := strings.Join(b.Recipients, ", ")
		if addresses == "" {
			addresses = "?"
		}
		return s.tellAdmins(ctx, tx, "mail.bounce", map[string]string{"address": addresses, "reason": reason})
	})
	if errors.Is(err, errSettled) {
		err = nil
	}
	return o, err
}

// tellAdmins notifies every active admin, inside tx.
func (s *Service) tellAdmins(ctx context.Context, tx *sql.Tx, kind string, params map[string]string) error {
	if s.Notify == nil {
		return nil
	}
	ids, err := db.Column[int64](ctx, tx, s.q.Get("admins"))
	if err != nil {
		return fmt.Errorf("mailin: admins: %w", err)
	}
	for _, id := range ids {
		if _, err := s.Notify.Send(ctx, tx, notifyNotification(id, kind, params)); err != nil {
			return err
		}
	}
	return nil
}
