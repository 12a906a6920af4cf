package mailout

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// ErrNotSetUp is returned when email is asked for while no address or relay is set.
var ErrNotSetUp = errors.New("mailout: email is not set up")

// Ready reports whether email can be sent (an address and a relay are set).
func (s *Service) Ready(ctx context.Context) bool {
	st, err := s.Settings(ctx)
	return err == nil && st.Ready()
}

// SendSignInLink queues the email that carries a sign-in link (url, valid minutes minutes) to
// to, in lang.
func (s *Service) SendSignInLink(ctx context.Context, to, name, lang, url string, minutes int) error {
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if !st.Ready() {
		return ErrNotSetUp
	}
	c := content{Lang: lang, Greeting: s.cat.T(lang, "mailout.greeting", "name", firstName(name)),
		Intro:       []string{s.cat.T(lang, "mailout.signin.intro")},
		ActionLabel: s.cat.T(lang, "mailout.signin.action"), ActionURL: url,
		Notes: []string{s.cat.T(lang, "mailout.signin.validity", "minutes", minutes), s.cat.T(lang, "mailout.signin.not_you")}}
	return s.enqueueNow(ctx, st, outMail{Key: "signin:" + randomSuffix(), To: to, ToName: name, Auto: true,
		Subject: s.cat.T(lang, "mailout.signin.subject"), Content: s.frame(c)})
}

// SendTest queues a test email to to, in lang, from the settings page.
func (s *Service) SendTest(ctx context.Context, to, name, lang string) error {
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if !st.Ready() {
		return ErrNotSetUp
	}
	c := content{Lang: lang, Greeting: s.cat.T(lang, "mailout.greeting", "name", firstName(name)),
		Intro: []string{s.cat.T(lang, "mailout.test.intro", "address", st.Address)}}
	return s.enqueueNow(ctx, st, outMail{Key: "test:" + randomSuffix(), To: to, ToName: name, Auto: true,
		Subject: s.cat.T(lang, "mailout.test.subject"), Content: s.frame(c)})
}

// SendAutoReply queues, inside tx, the automatic answer to an email (an unknown sender refused
// by the settings): plain paragraphs of text, with Auto-Submitted: auto-replied and In-Reply-To
// the sender's Message-ID, so that their own auto-responder stays silent (RFC 3834). It does
// nothing while email is not set up.
func (s *Service) SendAutoReply(ctx context.Context, tx *sql.Tx, to, subject, text, inReplyTo string) error {
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if !st.Ready() {
		return nil
	}
	var paras []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	key := "autoreply:" + randomSuffix()
	if inReplyTo != "" {
		key = "autoreply:" + normalizeID(inReplyTo)
	}
	return s.enqueue(ctx, tx, st, outMail{Key: key, To: to, AutoReply: inReplyTo, Auto: inReplyTo == "",
		Subject: subject, Content: content{Lang: "fr", Intro: paras}})
}
