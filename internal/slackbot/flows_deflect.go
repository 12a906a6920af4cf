package slackbot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"majordome/internal/article"
	"majordome/internal/auth"
	"majordome/internal/i18n"
	"majordome/internal/request"
)

// Answers before requests, in Slack (issue 6): the confirmation of a request filed with /om or
// a DM lists the bible's guides that may answer it, found by the bible's one suggestion
// function (article.Service.Suggest, as in the portal). "C'est réglé grâce à ce guide" withdraws
// the request (request.Desk.Withdraw: closed by the requester, with a message for the team) and
// counts the deflection (article.Service.DeflectTx, channel slack), in one transaction.

const (
	actDeflect = "deflect" // a suggested guide settled it ("number:slug")

	// maxSlackSuggestions is how many guides a confirmation lists.
	maxSlackSuggestions = 3
)

// deflectRef names the message of a DM-filed request's suggestions, in its DM thread.
func deflectRef(n int64) string { return fmt.Sprintf("request:%d:deflect", n) }

// readerViewer is who suggestions are made for: an employee, so that only the published
// articles for everyone are suggested, whoever files (an agent's drafts stay out of Slack).
func readerViewer(who actor) article.Viewer {
	return article.Viewer{UserID: who.Viewer.UserID, PersonID: who.Viewer.PersonID, Name: who.Viewer.Name,
		Email: who.Person.Email, Role: auth.Employee}
}

// suggestFor returns the guides that may answer a request about text. A failing search never
// stops the filing: it is logged and nothing is suggested.
func (a *App) suggestFor(ctx context.Context, who actor, text string) []article.Article {
	if a.Articles == nil {
		return nil
	}
	list, err := a.Articles.Suggest(ctx, readerViewer(who), text, maxSlackSuggestions)
	if err != nil {
		a.Log.Warn("slack: suggestions", "err", err)
		return nil
	}
	return list
}

// articleLink is the address of a guide of the bible.
func (a *App) articleLink(slug string) string { return a.link("/bible/" + slug) }

// deflectBlocks list the suggestions of the request r filed from o, each with its button; none
// when there are none.
func (a *App) deflectBlocks(r request.Request, o origin) []slack.Block {
	if len(o.Suggestions) == 0 {
		return nil
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(a.I18n.T(o.Lang, "deflect.slack.intro")), nil, nil)}
	for _, art := range o.Suggestions {
		value := fmt.Sprintf("%d:%s", r.Number, art.Slug)
		btn := slack.NewButtonBlockElement(actDeflect, value, plain(a.I18n.T(o.Lang, "deflect.slack.button")))
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(fmt.Sprintf("📘 <%s|%s>", a.articleLink(art.Slug), esc(art.Title))),
			nil, slack.NewAccessory(btn)))
	}
	return append(blocks, slack.NewContextBlock("", mrkdwn(a.I18n.T(o.Lang, "deflect.slack.otherwise"))))
}

// postSuggestionsInDM posts, inside tx, the suggestions of a request filed by a DM in its DM
// thread (the thread's parent is the confirmation, rebuilt on every change of the request).
func (a *App) postSuggestionsInDM(ctx context.Context, tx *sql.Tx, r request.Request, o origin) error {
	blocks := a.deflectBlocks(r, o)
	if len(blocks) == 0 || o.Requester == "" {
		return nil
	}
	text := a.I18n.T(o.Lang, "deflect.slack.intro")
	return a.post(ctx, tx, Message{Ref: deflectRef(r.Number), User: o.Requester, ThreadRef: dmRef(r.Number),
		Text: text, Blocks: blocks})
}

// deflectAction answers "C'est réglé grâce à ce guide" (value "number:slug"), for the
// requester only: the request is withdrawn and the bible credited, then the message says so.
func (a *App) deflectAction(ctx context.Context, who actor, cb slack.InteractionCallback, value string) error {
	channel, user := cb.Channel.ID, cb.User.ID
	num, slug, _ := strings.Cut(value, ":")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || slug == "" || a.Articles == nil {
		return a.notUnderstood(ctx, channel, user)
	}
	_, err = a.ownRequest(ctx, who, n)
	if err != nil {
		return a.refuse(ctx, channel, user, who.Lang, err)
	}
	av := readerViewer(who)
	art, err := a.Articles.Read(ctx, av, slug)
	if errors.Is(err, article.ErrNotFound) || errors.Is(err, article.ErrForbidden) {
		return a.tell(ctx, channel, user, a.I18n.T(who.Lang, "deflect.slack.gone"))
	}
	if err != nil {
		return err
	}
	msg := a.I18n.T(i18n.Default, "deflect.message", "title", art.Title) // for the team, in the company's language
	_, err = a.Desk.Withdraw(ctx, who.Viewer, n, msg, request.Slack, func(tx *sql.Tx, r request.Request) error {
		return a.Articles.DeflectTx(ctx, tx, av, art, strings.TrimSpace(r.Title+"\n"+r.Description), article.ChannelSlack, r.ID)
	})
	if errors.Is(err, request.ErrInvalidTransition) {
		return a.tell(ctx, channel, user, a.I18n.T(who.Lang, "deflect.slack.already", "number", n))
	}
	if err != nil {
		return a.refuse(ctx, channel, user, who.Lang, err)
	}
	text := a.I18n.T(who.Lang, "deflect.slack.done", "number", n, "title", esc(art.Title), "link", a.articleLink(art.Slug))
	if cb.Container.IsEphemeral || channel == "" || !strings.HasPrefix(channel, "D") {
		// An ephemeral confirmation (/om) cannot be edited through the Web API: a new one says it.
		return a.tell(ctx, channel, user, text)
	}
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		return a.post(ctx, tx, Message{Ref: deflectRef(n), User: user, ThreadRef: dmRef(n), Text: text, Blocks: textBlocks(text)})
	})
}
