package slackbot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/slack-go/slack"

	"majordome/internal/request"
)

// "C'est réglé" typed in a request's DM thread: a requester who writes, as their whole message,
// that their problem is settled is asked, in the thread, whether to close the request, with two
// buttons. « Clore ma demande » withdraws it (request.Desk.Withdraw, the requester's own close,
// audited, as the bible's "C'est réglé grâce à ce guide" does), their words becoming their
// message to the team; « Non, j'ai encore besoin d'aide » changes nothing. The phrase is
// detected conservatively (a short list, French and English, the whole message): anything else,
// and any message of an agent, is a reply as before. On a request the team has already resolved,
// the phrase confirms the resolution (as its "C'est réglé" button does) rather than reopening it.

const (
	actSettleClose = "settle_close" // DM thread: close my request ("number:ts:phrase")
	actSettleKeep  = "settle_keep"  // DM thread: no, I still need help ("number:ts:phrase")
)

// settleRef names the prompt (or the answer) to the message ts of r's DM thread: one per
// message, however often its event is processed.
func settleRef(n int64, ts string) string { return fmt.Sprintf("request:%d:settle:%s", n, ts) }

// settledPhrases are the messages that say a problem is settled, lower case, without accents,
// their words separated by one space.
var settledPhrases = setOf(
	// French
	"c'est regle", "c'est resolu", "c'est repare", "regle", "resolu", "probleme regle", "probleme resolu",
	"tout est regle", "tout est resolu", "c'est regle pour moi", "c'est resolu pour moi", "ca remarche",
	"ca marche a nouveau", "ca fonctionne a nouveau", "ca refonctionne", "vous pouvez clore",
	"vous pouvez clore la demande", "vous pouvez clore ma demande", "vous pouvez fermer la demande",
	"vous pouvez fermer ma demande", "vous pouvez fermer le ticket", "plus besoin", "je n'ai plus besoin d'aide",
	// English
	"solved", "resolved", "fixed", "it's solved", "it's resolved", "it's fixed", "all fixed", "all sorted",
	"sorted", "problem solved", "issue solved", "issue resolved", "it works now", "works now", "you can close it",
	"you can close this", "you can close the request", "you can close my request", "no longer needed",
)

// settledOpeners and settledClosers are the words of politeness a settled phrase may come with
// ("Super, c'est réglé, merci !").
var (
	settledOpeners = setOf("ok", "okay", "super", "parfait", "top", "genial", "bon", "great", "perfect", "nice", "good news",
		"bonne nouvelle")
	settledClosers = []string{"merci beaucoup", "merci bien", "merci a vous", "merci pour votre aide", "merci",
		"thanks a lot", "thank you", "thanks for your help", "thanks", "thx"}
)

func setOf(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

var (
	emojiCode = regexp.MustCompile(`:[a-z0-9_+\-]+:`)
	unaccent  = strings.NewReplacer("à", "a", "â", "a", "ä", "a", "é", "e", "è", "e", "ê", "e", "ë", "e", "î", "i",
		"ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ç", "c", "’", "'", "ʼ", "'", "`", "'")
)

// settledPhrase reports whether text, a whole message, says only that the problem is settled.
func settledPhrase(text string) bool {
	if len(text) > 120 {
		return false
	}
	s := unaccent.Replace(emojiCode.ReplaceAllString(strings.ToLower(text), " "))
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}), " ")
	for _, c := range settledClosers {
		if t, ok := strings.CutSuffix(s, " "+c); ok {
			s = t
			break
		}
	}
	if settledPhrases[s] {
		return true
	}
	for o := range settledOpeners {
		if t, ok := strings.CutPrefix(s, o+" "); ok && settledPhrases[t] {
			return true
		}
	}
	return false
}

// offerSettle answers body, the message ts of user in request n's DM thread, when it is a
// settled phrase of the request's requester (not an agent): it asks whether to close the
// request, or, on a request already resolved, confirms the resolution. handled is false for
// every other message, which is a reply as before.
func (a *App) offerSettle(ctx context.Context, who actor, user string, n int64, ts, body string) (handled bool, err error) {
	if !settledPhrase(body) || who.Viewer.IsAgent() {
		return false, nil
	}
	r, err := a.Desk.Get(ctx, who.Viewer, n)
	if err != nil && !errors.Is(err, request.ErrNotFound) && !errors.Is(err, request.ErrForbidden) {
		return false, err
	}
	if err != nil || r.RequesterID != who.Viewer.PersonID || r.Status == request.StatusClosed {
		return false, nil // the reply's path says what is wrong
	}
	ref := settleRef(n, ts)
	if r.Status == request.StatusResolved {
		// As the resolution's "C'est réglé" button: nothing reopens.
		rtext, rblocks := a.resolvedMessage(r, who.Lang, "solved")
		text := a.t(who.Lang, "resolved.solved")
		return true, a.DB.Tx(ctx, func(tx *sql.Tx) error {
			if err := a.post(ctx, tx, Message{Ref: resolvedRef(n, resolvedStamp(r)), User: user, ThreadRef: dmRef(n),
				Text: rtext, Blocks: rblocks}); err != nil {
				return err
			}
			return a.post(ctx, tx, Message{Ref: ref, User: user, ThreadRef: dmRef(n), Text: text, Blocks: textBlocks(text)})
		})
	}
	value := fmt.Sprintf("%d:%s:%s", n, ts, body)
	text := a.t(who.Lang, "settle.text", "number", n)
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn(a.t(who.Lang, "settle.ask", "number", n, "title", esc(r.Title))), nil, nil),
		slack.NewActionBlock("settle_"+ts,
			slack.NewButtonBlockElement(actSettleClose, value, plain(a.t(who.Lang, "settle.close_button"))).WithStyle(slack.StylePrimary),
			slack.NewButtonBlockElement(actSettleKeep, value, plain(a.t(who.Lang, "settle.keep_button")))),
	}
	return true, a.DB.Tx(ctx, func(tx *sql.Tx) error {
		return a.post(ctx, tx, Message{Ref: ref, User: user, ThreadRef: dmRef(n), Text: text, Blocks: blocks})
	})
}

// settleAction answers the prompt's buttons, for the request's requester only: « Clore ma
// demande » withdraws the request with their words as their message, and the prompt, in the
// same transaction, says it is closed; « Non » leaves the request as it is and the prompt
// invites them to say what they still need. value is "number:ts:phrase".
func (a *App) settleAction(ctx context.Context, who actor, cb slack.InteractionCallback, action, value string) error {
	channel, user := cb.Channel.ID, cb.User.ID
	parts := strings.SplitN(value, ":", 3)
	if len(parts) < 2 || parts[1] == "" {
		return a.notUnderstood(ctx, channel, user)
	}
	n, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || n <= 0 {
		return a.notUnderstood(ctx, channel, user)
	}
	r, err := a.ownRequest(ctx, who, n)
	if err != nil {
		return a.refuse(ctx, channel, user, who.Lang, err)
	}
	ref := settleRef(n, parts[1])
	answer := func(tx *sql.Tx, key string) error {
		text := a.t(who.Lang, key, "number", n)
		return a.post(ctx, tx, Message{Ref: ref, User: user, ThreadRef: dmRef(n), Text: text, Blocks: textBlocks(text)})
	}
	done := func(r request.Request) error { // the request was closed or resolved meanwhile (or by a run before)
		key := "settle.closed"
		if r.Status == request.StatusResolved {
			key = "settle.resolved_since"
		}
		return a.DB.Tx(ctx, func(tx *sql.Tx) error { return answer(tx, key) })
	}
	if r.Status.IsDone() {
		return done(r)
	}
	if action == actSettleKeep {
		return a.DB.Tx(ctx, func(tx *sql.Tx) error { return answer(tx, "settle.kept") })
	}
	var msg string
	if len(parts) == 3 && settledPhrase(parts[2]) {
		msg = strings.TrimSpace(parts[2])
	}
	_, err = a.Desk.Withdraw(ctx, who.Viewer, n, msg, request.Slack, func(tx *sql.Tx, _ request.Request) error {
		return answer(tx, "settle.closed")
	})
	if errors.Is(err, request.ErrInvalidTransition) {
		if r, err = a.Desk.Get(ctx, who.Viewer, n); err != nil {
			return a.refuse(ctx, channel, user, who.Lang, err)
		}
		return done(r)
	}
	if err != nil {
		return a.refuse(ctx, channel, user, who.Lang, err)
	}
	return nil
}
