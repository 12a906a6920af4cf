package mailout

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"majordome/internal/article"
	"majordome/internal/auth"
	"majordome/internal/jobs"
	"majordome/internal/request"
)

// The acknowledgement of a request filed by email (issue 6, "Answers before requests"): the
// employee who wrote gets, once per request, "Votre demande #1042 est enregistrée", in their
// language, threaded on their email and marked Auto-Submitted: auto-replied, with the bible's
// guides that may answer it (article.Service.Suggest, the one suggestion function of every
// channel) and a link "C'est réglé, fermer ma demande" to a page (web/deflect_email.go) that
// withdraws the request. Never to an external contact: they do not read the bible.
//
// The desk observer only queues the job "mail.ack" in the request's transaction; the job reads
// the suggestions and the requester's Message-ID (recorded by mailin in that same transaction)
// after the commit, and stores the link's token (its hash) and the email in one transaction.

// JobAck is the job that acknowledges one email request.
const JobAck = "mail.ack"

// maxAckSuggestions is how many guides an acknowledgement lists.
const maxAckSuggestions = 3

// ErrNoLink is a "C'est réglé" token that names no request.
var ErrNoLink = errors.New("mailout: no such link")

// ackPayload is the job of one acknowledgement.
type ackPayload struct {
	Number      int64 `json:"number"`
	RequesterID int64 `json:"requester_id"`
}

// AckLink is what a "C'est réglé" link names: the request and the guides its email suggested.
type AckLink struct {
	Number      int64
	RequesterID int64
	ArticleIDs  []int64
}

// EnableAcknowledgements registers the acknowledgement's job and the bible it suggests guides
// from (nil: the acknowledgement suggests nothing). Call it once while wiring, email set up or
// not (a job queued while it was must still run); ObserveAck queues the work.
func (s *Service) EnableAcknowledgements(arts *article.Service) {
	s.articles = arts
	s.jobs.Register(JobAck, s.ackJob)
}

// ObserveAck is the desk observer that acknowledges a new request filed by email; pass it to
// request.Desk.Observe when email is set up. mailin files only the emails of people (never the
// automatic ones), and the job skips external contacts.
func (s *Service) ObserveAck(ctx context.Context, tx *sql.Tx, e request.DeskEvent) error {
	r := e.Request
	if e.Kind != request.DeskCreated || r.Channel != request.Email || r.RequesterEmail == "" {
		return nil
	}
	if _, err := s.jobs.EnqueueTx(ctx, tx, JobAck, ackPayload{Number: r.Number, RequesterID: r.RequesterID},
		jobs.Key(fmt.Sprintf("%s:%d", JobAck, r.Number))); err != nil {
		return fmt.Errorf("mailout: queue the acknowledgement of #%d: %w", r.Number, err)
	}
	return nil
}

// ackKey is the outbox key of request n's acknowledgement: one per request.
func ackKey(n int64) string { return fmt.Sprintf("ack:%d", n) }

// ackJob renders and queues the acknowledgement of a request, unless done already.
func (s *Service) ackJob(ctx context.Context, payload []byte) error {
	var p ackPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("mailout: ack payload: %w", err)
	}
	if _, done, err := s.queued(ctx, ackKey(p.Number)); err != nil || done {
		return err
	}
	st, err := s.Settings(ctx)
	if err != nil || !st.Ready() {
		return err
	}
	r, ok, err := s.requestFor(ctx, p.Number, p.RequesterID)
	if err != nil || !ok || r.Status.IsDone() {
		return err
	}
	if s.people == nil {
		return nil
	}
	person, err := s.people.Get(ctx, r.RequesterID)
	if err != nil || person.External {
		return err
	}
	lang := s.requesterLang(ctx, r)
	var guides []article.Article
	if s.articles != nil {
		v := article.Viewer{PersonID: r.RequesterID, Name: r.RequesterName, Email: r.RequesterEmail, Role: auth.Employee}
		if guides, err = s.articles.Suggest(ctx, v, strings.TrimSpace(r.Title+"\n"+r.Description), maxAckSuggestions); err != nil {
			return err
		}
	}
	ids, err := s.incomingIDs(ctx, r.Number)
	if err != nil {
		return err
	}
	c := content{Lang: lang,
		Greeting: s.cat.T(lang, "mailout.greeting", "name", firstName(r.RequesterName)),
		Intro:    []string{s.cat.T(lang, "deflect.mail.intro", "number", r.Number, "title", r.Title)},
		Notes:    []string{s.cat.T(lang, "deflect.mail.answer_hint")},
	}
	token := randomSuffix() + randomSuffix()
	var articleIDs []string
	if len(guides) > 0 {
		c.Intro = append(c.Intro, s.cat.T(lang, "deflect.mail.guides"))
		for _, g := range guides {
			c.Items = append(c.Items, item{Title: g.Title, URL: s.link("/bible/" + g.Slug)})
			articleIDs = append(articleIDs, strconv.FormatInt(g.ID, 10))
		}
		c.ActionLabel, c.ActionURL = s.cat.T(lang, "deflect.mail.action"), s.link("/deflect/"+token)
		c.Notes = append([]string{s.cat.T(lang, "deflect.mail.otherwise")}, c.Notes...)
	} else {
		c.ActionLabel, c.ActionURL = s.cat.T(lang, "deflect.mail.follow"), s.link(fmt.Sprintf("/portal/%d", r.Number))
	}
	m := outMail{Key: ackKey(r.Number), Number: r.Number, Suffix: "ack", To: r.RequesterEmail, ToName: r.RequesterName,
		ReplyTo: true, Auto: true, Subject: requestSubject(r.Number, r.Title), Content: s.frame(c), InReplyTo: ids}
	if len(ids) > 0 {
		m.AutoReply = ids[len(ids)-1] // an answer to their email (RFC 3834): their auto-responder stays silent
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if len(articleIDs) > 0 {
			if _, err := tx.ExecContext(ctx, s.q.Get("ack-link-put"), r.ID, hashToken(token), strings.Join(articleIDs, ","), s.now()); err != nil {
				return fmt.Errorf("mailout: link of #%d: %w", r.Number, err)
			}
		}
		return s.enqueue(ctx, tx, st, m)
	})
}

// hashToken is how a link's token is kept: whoever reads the table cannot click it.
func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// AckLinkOf returns what the token of a "C'est réglé" link names, or ErrNoLink.
func (s *Service) AckLinkOf(ctx context.Context, token string) (AckLink, error) {
	var l AckLink
	var ids string
	if len(token) < 32 {
		return l, ErrNoLink
	}
	err := s.db.R.QueryRowContext(ctx, s.q.Get("ack-link-get"), hashToken(token)).Scan(&l.Number, &l.RequesterID, &ids)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNoLink
	}
	if err != nil {
		return l, fmt.Errorf("mailout: link: %w", err)
	}
	for _, f := range strings.Split(ids, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			l.ArticleIDs = append(l.ArticleIDs, id)
		}
	}
	return l, nil
}
