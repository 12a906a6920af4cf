package mailout

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"majordome/internal/auth"
	"majordome/internal/jobs"
	"majordome/internal/markdown"
	"majordome/internal/request"
)

// The conversation of a request that came in by email stays in email: the desk's observer
// queues, inside the transaction of each change, the team's public replies (never its internal
// notes) and the resolution for the requester, in the request's thread. The job renders them
// after the commit, with the reply's attachments. Everything else the desk tells people goes
// through the notification channel (channel.go), which leaves these kinds alone for email
// requests.

// replyRef names a reply to send: message MessageID of request Number, whose requester is
// RequesterID.
type replyRef struct {
	Number      int64 `json:"number"`
	MessageID   int64 `json:"message_id"`
	RequesterID int64 `json:"requester_id"`
}

// resolvedRef names the resolution of request Number.
type resolvedRef struct {
	Number      int64 `json:"number"`
	RequesterID int64 `json:"requester_id"`
}

// Observe is the desk observer of email requests; pass it to request.Desk.Observe.
func (s *Service) Observe(ctx context.Context, tx *sql.Tx, e request.DeskEvent) error {
	r := e.Request
	if r.Channel != request.Email || r.RequesterEmail == "" {
		return nil
	}
	var p sendPayload
	switch {
	case e.Kind == request.DeskMessage && !e.Message.Internal && !e.ByRequester:
		p = sendPayload{Key: fmt.Sprintf("reply:%d", e.Message.ID),
			Reply: &replyRef{Number: r.Number, MessageID: e.Message.ID, RequesterID: r.RequesterID}}
	case e.Kind == request.DeskChanged && r.Status == request.StatusResolved && e.Before.Status != request.StatusResolved:
		at := s.now().Unix()
		if r.ResolvedAt != nil {
			at = r.ResolvedAt.Unix()
		}
		p = sendPayload{Key: fmt.Sprintf("resolved:%d:%d", r.Number, at),
			Resolved: &resolvedRef{Number: r.Number, RequesterID: r.RequesterID}}
	default:
		return nil
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if !st.Ready() {
		return nil
	}
	if _, err := s.jobs.EnqueueTx(ctx, tx, JobSend, p, jobs.Key(JobSend+":"+p.Key)); err != nil {
		return fmt.Errorf("mailout: queue %s: %w", p.Key, err)
	}
	return nil
}

// requesterViewer is the requester of a request, as the desk lets them read it: no internal
// notes, no files of notes.
func requesterViewer(personID int64) request.Viewer {
	return request.Viewer{PersonID: personID, Role: auth.Employee}
}

// renderLater builds the email a job carries (a reply, a resolution). ok is false when there
// is nothing to send any more.
func (s *Service) renderLater(ctx context.Context, p sendPayload) (outMail, bool, error) {
	switch {
	case p.Reply != nil:
		return s.replyMail(ctx, p.Key, p.Reply.Number, p.Reply.RequesterID, p.Reply.MessageID, false)
	case p.Resolved != nil:
		return s.resolvedMail(ctx, p.Key, p.Resolved.Number, p.Resolved.RequesterID)
	}
	return outMail{}, false, fmt.Errorf("mailout: %s is neither stored nor renderable", p.Key)
}

// requestFor reads request number as its requester sees it.
func (s *Service) requestFor(ctx context.Context, number, requesterID int64) (request.Request, bool, error) {
	r, err := s.desk.Get(ctx, requesterViewer(requesterID), number)
	if errors.Is(err, request.ErrNotFound) {
		return r, false, nil
	}
	return r, err == nil, err
}

// requesterLang is the language the requester of r reads.
func (s *Service) requesterLang(ctx context.Context, r request.Request) string {
	if s.people != nil && r.RequesterID != 0 {
		if p, err := s.people.Get(ctx, r.RequesterID); err == nil && p.Language != "" {
			return p.Language
		}
	}
	return "fr"
}

// replyMail is the team's reply messageID on request number, for its requester, with the
// reply's files, in the request's thread. viaNotification marks the copy a web request's
// requester gets through the notification channel.
func (s *Service) replyMail(ctx context.Context, key string, number, requesterID, messageID int64, viaNotification bool) (outMail, bool, error) {
	r, ok, err := s.requestFor(ctx, number, requesterID)
	if err != nil || !ok {
		return outMail{}, false, err
	}
	v := requesterViewer(requesterID)
	msgs, err := s.desk.Conversation(ctx, v, r)
	if err != nil {
		return outMail{}, false, err
	}
	var m request.Message
	for _, x := range msgs {
		if x.ID == messageID {
			m = x
		}
	}
	if m.ID == 0 || m.Internal {
		return outMail{}, false, nil
	}
	return s.replyMailOf(ctx, key, r, m)
}

func (s *Service) replyMailOf(ctx context.Context, key string, r request.Request, m request.Message) (outMail, bool, error) {
	v := requesterViewer(r.RequesterID)
	lang := s.requesterLang(ctx, r)
	files, err := s.files(ctx, v, r, m.ID)
	if err != nil {
		return outMail{}, false, err
	}
	ids, err := s.incomingIDs(ctx, r.Number)
	if err != nil {
		return outMail{}, false, err
	}
	c := content{Lang: lang,
		Greeting:    s.cat.T(lang, "mailout.greeting", "name", firstName(r.RequesterName)),
		Intro:       []string{s.cat.T(lang, "mailout.reply.intro", "author", m.AuthorName, "number", r.Number, "title", r.Title)},
		BodyText:    m.Body,
		BodyHTML:    markdown.Render(m.Body),
		ActionLabel: s.cat.T(lang, "mailout.reply.action"),
		ActionURL:   s.link(fmt.Sprintf("/portal/%d", r.Number)),
		Notes:       []string{s.cat.T(lang, "mailout.reply.answer_hint")},
	}
	return outMail{Key: key, Number: r.Number, Suffix: fmt.Sprintf("m%d", m.ID), To: r.RequesterEmail, ToName: r.RequesterName,
		FromName: s.cat.T(lang, "mailout.from_person", "name", m.AuthorName), ReplyTo: true,
		Subject: requestSubject(r.Number, r.Title), Content: s.frame(c), Files: files, InReplyTo: ids}, true, nil
}

// resolvedMail tells the requester of request number that it is resolved, in its thread.
func (s *Service) resolvedMail(ctx context.Context, key string, number, requesterID int64) (outMail, bool, error) {
	r, ok, err := s.requestFor(ctx, number, requesterID)
	if err != nil || !ok {
		return outMail{}, false, err
	}
	lang := s.requesterLang(ctx, r)
	ids, err := s.incomingIDs(ctx, r.Number)
	if err != nil {
		return outMail{}, false, err
	}
	c := content{Lang: lang,
		Greeting:    s.cat.T(lang, "mailout.greeting", "name", firstName(r.RequesterName)),
		Intro:       []string{s.cat.T(lang, "mailout.resolved.intro", "number", r.Number, "title", r.Title)},
		ActionLabel: s.cat.T(lang, "mailout.resolved.action"),
		ActionURL:   s.link(fmt.Sprintf("/portal/%d", r.Number)),
		Notes:       []string{s.cat.T(lang, "mailout.resolved.answer_hint")},
	}
	return outMail{Key: key, Number: r.Number, Suffix: "resolved" + randomSuffix()[:6], To: r.RequesterEmail, ToName: r.RequesterName,
		ReplyTo: true, Auto: true, Subject: requestSubject(r.Number, r.Title), Content: s.frame(c), InReplyTo: ids}, true, nil
}

// files reads the attachments of message messageID of r that v may see.
func (s *Service) files(ctx context.Context, v request.Viewer, r request.Request, messageID int64) ([]file, error) {
	atts, err := s.desk.Attachments(ctx, v, r)
	if err != nil {
		return nil, err
	}
	var out []file
	for _, a := range atts {
		if a.MessageID != messageID {
			continue
		}
		a, data, err := s.desk.Attachment(ctx, v, r.Number, a.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, file{Name: a.Filename, ContentType: a.ContentType, Data: data})
	}
	return out, nil
}

// firstName is the first word of a full name, for a greeting.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}
