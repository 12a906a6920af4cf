package mailout

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"time"

	"majordome/internal/announce"
	"majordome/internal/i18n"
	"majordome/internal/markdown"
)

// Announcements by email (announce.Deliverer, channel "email"). The fan-out paces and records
// each recipient, so an announcement's email is sent at once through the relay (deliver), not
// queued as a "mail.send" job, which would queue it a second time. It still goes through the
// outbox table, under the key "announce:ID:PERSON": rendered once (a retry sends the same
// bytes, with the same Message-ID and link), marked sent as soon as the relay accepts it, and
// not sent again once marked, so a fan-out that resumes after a crash does not send it twice
// (save in the instant between the relay's answer and that mark). It shows on the settings
// page's failures like any email.

// AnnounceRate is how fast announcement emails go by default: 30 a minute, the strictest limit
// of the common relays (Microsoft 365's SMTP submission); Google Workspace's relay and most
// company relays take more, see SetRate.
var AnnounceRate = announce.Rate{N: 30, Per: time.Minute}

// AnnounceFiles reads an attachment of an announcement with its data (announce.Service.File).
type AnnounceFiles interface {
	File(ctx context.Context, id, fileID int64) (announce.File, error)
}

// Announcer sends announcements by email.
type Announcer struct {
	s     *Service
	files AnnounceFiles
	rate  announce.Rate
}

var _ announce.Deliverer = (*Announcer)(nil)

// Announcer returns the email deliverer of announcements; files reads their attachments
// (nil: the attachments the announcement carries with their Data, if any).
func (s *Service) Announcer(files AnnounceFiles) *Announcer {
	return &Announcer{s: s, files: files, rate: AnnounceRate}
}

// SetRate changes the pace of the emails, for a relay that takes more (or less).
func (d *Announcer) SetRate(r announce.Rate) { d.rate = r }

// Channel is announce.ChannelEmail.
func (d *Announcer) Channel() string { return announce.ChannelEmail }

// Rate is AnnounceRate unless SetRate changed it.
func (d *Announcer) Rate() announce.Rate { return d.rate }

// Deliver emails an to r and returns its Message-ID. An address that bounces, a relay that
// refuses the recipient for good (5xx) or email not set up is announce.Permanent.
func (d *Announcer) Deliver(ctx context.Context, an announce.Announcement, r announce.Recipient) (string, error) {
	st, err := d.ready(ctx, r)
	if err != nil {
		return "", err
	}
	lang := langOr(r.Language)
	c := content{Lang: lang, Greeting: d.s.cat.T(lang, "mailout.greeting", "name", firstName(r.Name)),
		BodyText: strings.TrimSpace(an.Body), BodyHTML: markdown.Render(an.Body)}
	if an.AuthorName != "" {
		c.Intro = []string{d.t(lang, "email.intro", "name", an.AuthorName)}
	}
	if an.AckRequired {
		c.ActionLabel, c.ActionURL = d.t(lang, "email.ack_action"), d.ackURL(an, r)
		if an.AckBy != nil {
			c.Notes = append(c.Notes, d.t(lang, "email.ack_note_by", "date", i18n.DateTime(*an.AckBy, paris)))
		} else {
			c.Notes = append(c.Notes, d.t(lang, "email.ack_note"))
		}
	}
	files, err := d.attachments(ctx, an)
	if err != nil {
		return "", err
	}
	subject := d.t(lang, "email.subject."+importance(an), "title", an.Title)
	return d.send(ctx, st, outMail{Key: fmt.Sprintf("announce:%d:%d", an.ID, r.PersonID), To: r.Email, ToName: r.Name,
		Auto: true, Subject: subject, Content: d.s.frame(c), Files: files})
}

// Correct does nothing: a sent email cannot be changed (the portal shows the corrected text).
func (d *Announcer) Correct(context.Context, announce.Announcement, announce.Recipient, string) error {
	return nil
}

// Remind emails r a short "Rappel : …" with the link to acknowledge; one a day at most.
func (d *Announcer) Remind(ctx context.Context, an announce.Announcement, r announce.Recipient) error {
	st, err := d.ready(ctx, r)
	if err != nil {
		return err
	}
	lang := langOr(r.Language)
	c := content{Lang: lang, Greeting: d.s.cat.T(lang, "mailout.greeting", "name", firstName(r.Name)),
		Intro:       []string{d.t(lang, "email.remind.intro", "title", an.Title)},
		ActionLabel: d.t(lang, "email.ack_action"), ActionURL: d.ackURL(an, r)}
	if an.AckBy != nil {
		c.Intro = []string{d.t(lang, "email.remind.intro_by", "title", an.Title, "date", i18n.DateTime(*an.AckBy, paris))}
	}
	day := d.s.now().In(paris).Format("2006-01-02")
	_, err = d.send(ctx, st, outMail{Key: fmt.Sprintf("announce:%d:%d:remind:%s", an.ID, r.PersonID, day), To: r.Email,
		ToName: r.Name, Auto: true, Subject: d.t(lang, "email.remind.subject", "title", an.Title), Content: d.s.frame(c)})
	return err
}

// ready returns the settings when an email can go to r; otherwise announce.Permanent.
func (d *Announcer) ready(ctx context.Context, r announce.Recipient) (Settings, error) {
	st, err := d.s.Settings(ctx)
	if err != nil {
		return st, err
	}
	if !st.Ready() {
		return st, &announce.Permanent{Err: ErrNotSetUp}
	}
	if strings.TrimSpace(r.Email) == "" {
		return st, &announce.Permanent{Err: errors.New("mailout: no email address")}
	}
	if reason, failing, err := d.s.failingReason(ctx, r.Email); err != nil {
		return st, err
	} else if failing {
		return st, &announce.Permanent{Err: fmt.Errorf("mailout: %s is failing: %s", r.Email, reason)}
	}
	return st, nil
}

// send renders m into the outbox (once: a retry sends the same bytes), sends it through the
// relay unless it was sent already, and marks it sent.
func (d *Announcer) send(ctx context.Context, st Settings, m outMail) (string, error) {
	s := d.s
	q, ok, err := s.queued(ctx, m.Key)
	if err != nil {
		return "", err
	}
	if !ok {
		if _, err := s.store(ctx, nil, st, m); err != nil {
			return "", err
		}
		if q, ok, err = s.queued(ctx, m.Key); err != nil || !ok {
			return "", fmt.Errorf("mailout: outbox %s lost: %v", m.Key, err)
		}
	}
	if q.Status == "sent" {
		return q.MessageID, nil
	}
	now := s.now()
	if err := deliver(ctx, st.SMTPURL, st.Domain(), st.Address, q.To, []byte(q.Raw), s.tls); err != nil {
		if _, uerr := s.db.W.ExecContext(ctx, s.q.Get("outbox-failed"), q.ID, err.Error(), now); uerr != nil {
			s.log.Warn("mailout: record failure", "err", uerr)
		}
		if refusedForGood(err) {
			return "", &announce.Permanent{Err: err}
		}
		return "", err
	}
	// Detached: what the relay took must be recorded even when the caller is cancelled.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := s.db.W.ExecContext(rctx, s.q.Get("outbox-sent"), q.ID, now); err != nil {
		return "", fmt.Errorf("mailout: record %s sent: %w", m.Key, err)
	}
	return q.MessageID, nil
}

// refusedForGood reports whether the relay refused with a permanent reply (5xx) that is about
// the message or its recipient, not the relay's credentials (which an admin fixes).
func refusedForGood(err error) bool {
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code < 500 || te.Code > 599 {
		return false
	}
	switch te.Code {
	case 530, 534, 535, 538: // authentication
		return false
	}
	return true
}

// attachments are an's files with their data.
func (d *Announcer) attachments(ctx context.Context, an announce.Announcement) ([]file, error) {
	var out []file
	for _, f := range an.Files {
		if len(f.Data) == 0 && d.files != nil {
			full, err := d.files.File(ctx, an.ID, f.ID)
			if err != nil {
				return nil, fmt.Errorf("mailout: announcement %d: file %d: %w", an.ID, f.ID, err)
			}
			f = full
		}
		if len(f.Data) == 0 {
			continue
		}
		out = append(out, file{Name: f.Name, ContentType: f.ContentType, Data: f.Data})
	}
	return out, nil
}

// ackURL is the link that acknowledges: the recipient's token, or the portal's page.
func (d *Announcer) ackURL(an announce.Announcement, r announce.Recipient) string {
	if r.Token == "" {
		return d.s.link(fmt.Sprintf("/portal/announcements/%d", an.ID))
	}
	return d.s.link("/announcements/ack/" + r.Token)
}

// t translates key of the announcechannels area in lang.
func (d *Announcer) t(lang, key string, args ...any) string {
	return d.s.cat.T(lang, "announcechannels."+key, args...)
}

// importance is an's importance, info when unset.
func importance(an announce.Announcement) string {
	switch an.Importance {
	case announce.Important, announce.Action:
		return string(an.Importance)
	}
	return string(announce.Info)
}

func langOr(lang string) string {
	if i18n.Supported(lang) {
		return lang
	}
	return i18n.Default
}
