package slackbot

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"majordome/internal/article"
	"majordome/internal/request"
)

// origin is where in Slack a request is being filed from. It travels in the context of
// Desk.Create to the observer, which records it in the same transaction as the request: the
// same origin filing twice (a payload processed again after a crash, a message turned into a
// request twice) is refused there, and the first request stands.
type origin struct {
	Key       string // unique: "command:<trigger id>", "dm:<channel>:<ts>", "message:<channel>:<ts>", "modal:<view id>"
	Requester string // the Slack user who follows the request in their DM thread
	Clicker   string // who filed it, told ephemerally in Channel ("" for none)
	Channel   string
	Lang      string // the clicker's language
	// Suggestions are the bible's guides that may answer the request, listed in its
	// confirmation (/om and DMs; flows_deflect.go).
	Suggestions []article.Article
	// Refused lists the files of a DM left out of the request (flows_attach.go), told in its
	// thread; "" for none.
	Refused string
}

type originKey struct{}

func withOrigin(ctx context.Context, o origin) context.Context {
	return context.WithValue(ctx, originKey{}, o)
}

func originFrom(ctx context.Context) (origin, bool) {
	o, ok := ctx.Value(originKey{}).(origin)
	return o, ok
}

// alreadyFiled is the origin of a request already filed: Desk.Create rolled back.
type alreadyFiled struct{ Number int64 }

func (e *alreadyFiled) Error() string { return fmt.Sprintf("slackbot: already filed as #%d", e.Number) }

// file files a request from Slack as who, for requester. A payload seen before (same origin)
// files nothing again: it is told which request it already is, or nothing when o has no
// clicker to tell.
func (a *App) file(ctx context.Context, who actor, requesterEmail string, o origin, in request.NewRequest) error {
	in.RequesterEmail, in.Channel = requesterEmail, request.Slack
	_, err := a.Desk.Create(withOrigin(ctx, o), in)
	var dup *alreadyFiled
	switch {
	case errors.As(err, &dup):
		if o.Clicker == "" || !strings.HasPrefix(o.Key, "message:") {
			return nil // the same payload again: it was done the first time
		}
		return a.tell(ctx, o.Channel, o.Clicker, a.t(who.Lang, "shortcut.already", "number", dup.Number,
			"link", a.portalLink(dup.Number)))
	case err != nil:
		ch := o.Channel
		if o.Clicker == "" {
			ch = ""
		}
		return a.refuse(ctx, ch, who.slackUser(o), who.Lang, err)
	}
	return nil
}

func (w actor) slackUser(o origin) string {
	if o.Clicker != "" {
		return o.Clicker
	}
	return o.Requester
}

// handleCommand processes the slash command (/om by default): with text, it files the request
// at once (title the first line or sentence, details the rest) and confirms ephemerally with
// its number and link; without, it opens the new request modal.
func (a *App) handleCommand(ctx context.Context, cmd slack.SlashCommand) error {
	ctx, who, err := a.actorFor(ctx, cmd.UserID)
	if err != nil {
		return a.refuse(ctx, cmd.ChannelID, cmd.UserID, langOf(""), err)
	}
	text := strings.TrimSpace(plainText(cmd.Text))
	if text == "" {
		return a.openNewModal(ctx, cmd.TriggerID, who.Lang)
	}
	title, details := splitRequest(text)
	return a.file(ctx, who, who.Person.Email,
		origin{Key: "command:" + cmd.TriggerID, Requester: cmd.UserID, Clicker: cmd.UserID, Channel: cmd.ChannelID, Lang: who.Lang,
			Suggestions: a.suggestFor(ctx, who, text)},
		request.NewRequest{Title: title, Description: details})
}

// openNewModal opens the new request modal with trigger.
func (a *App) openNewModal(ctx context.Context, trigger, lang string) error {
	cats, err := a.Desk.Categories(ctx)
	if err != nil {
		return err
	}
	view := a.newRequestModal(lang, cats, "", "")
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		return a.call(ctx, tx, "views.open", map[string]any{"trigger_id": trigger, "view": view}, "views.open:"+trigger)
	})
}

// fileFromDM files the direct message ev as a request of its author, with its files. A file
// alone is a request titled after it; an empty message, or one whose files were all left out,
// files nothing.
func (a *App) fileFromDM(ctx context.Context, user, channel, ts, text string, files []slack.File) error {
	ctx, who, err := a.actorFor(ctx, user)
	if err != nil {
		return a.refuse(ctx, "", user, langOf(""), err)
	}
	text = strings.TrimSpace(plainText(text))
	if text == "" && len(files) == 0 {
		return nil
	}
	shared, err := a.fetchFiles(ctx, who.Lang, files, slackTime(ts))
	if err != nil {
		return err
	}
	var title, details string
	switch {
	case text != "":
		title, details = splitRequest(text)
	case len(shared.Files) > 0:
		title = excerpt(a.t(who.Lang, "files.untitled", "name", shared.Files[0].Name), maxTitle)
	default:
		return a.tellNothingSent(ctx, who, user, channel, ts, "", shared)
	}
	return a.file(ctx, who, who.Person.Email,
		origin{Key: fmt.Sprintf("dm:%s:%s", channel, ts), Requester: user, Lang: who.Lang,
			Suggestions: a.suggestFor(ctx, who, cmp.Or(text, title)), Refused: shared.refusedList()},
		request.NewRequest{Title: title, Description: details, Files: shared.Files})
}

// fileFromShortcut turns someone's message into a request of its author, with a link back to
// the message, and confirms to the clicker ephemerally.
func (a *App) fileFromShortcut(ctx context.Context, cb slack.InteractionCallback) error {
	ctx, who, err := a.actorFor(ctx, cb.User.ID)
	if err != nil {
		return a.refuse(ctx, cb.Channel.ID, cb.User.ID, langOf(""), err)
	}
	author := cb.Message.User
	text := strings.TrimSpace(plainText(cb.Message.Text))
	if author == "" || cb.Message.BotID != "" || text == "" {
		return a.tell(ctx, cb.Channel.ID, cb.User.ID, a.t(who.Lang, "shortcut.not_a_person"))
	}
	requester := who.Person
	if author != cb.User.ID {
		if requester, err = a.personFor(ctx, author); err != nil {
			if errors.Is(err, ErrUnknownUser) {
				return a.tell(ctx, cb.Channel.ID, cb.User.ID, a.t(who.Lang, "shortcut.unknown_author"))
			}
			return err
		}
	}
	ts := cb.Message.Timestamp
	if ts == "" {
		ts = cb.MessageTs
	}
	title, details := splitRequest(text)
	if link := permalink(cb.Team.Domain, cb.Channel.ID, ts); link != "" {
		details = strings.TrimSpace(details + "\n\n" + a.t(langOf(requester.Language), "shortcut.link", "link", link))
	}
	return a.file(ctx, who, requester.Email,
		origin{Key: fmt.Sprintf("message:%s:%s", cb.Channel.ID, ts), Requester: author, Clicker: cb.User.ID,
			Channel: cb.Channel.ID, Lang: who.Lang},
		request.NewRequest{Title: title, Description: details})
}

// newRequestInput reads the new request modal's state.
type newRequestInput struct {
	Title, Details, Category, Urgency string
}

func readNewRequest(v slack.View) newRequestInput {
	var in newRequestInput
	if v.State == nil {
		return in
	}
	vals := v.State.Values
	in.Title = strings.TrimSpace(vals["title"]["title_input"].Value)
	in.Details = strings.TrimSpace(vals["details"]["details_input"].Value)
	in.Category = vals["category"]["category_select"].SelectedOption.Value
	in.Urgency = vals["urgency"]["urgency_select"].SelectedOption.Value
	return in
}

// checkNewRequest checks the modal's fields and resolves its category (an id, or a name) to
// the name the desk takes. The errors are keyed by block id, as response_action errors wants.
func (a *App) checkNewRequest(ctx context.Context, in newRequestInput, lang string) (request.NewRequest, map[string]string, error) {
	out := request.NewRequest{Title: in.Title, Description: in.Details, Priority: request.Priority(in.Urgency)}
	errs := map[string]string{}
	switch n := len([]rune(strings.Join(strings.Fields(in.Title), " "))); {
	case n == 0:
		errs["title"] = a.t(lang, "modal.error.title_required")
	case n > maxTitle:
		errs["title"] = a.t(lang, "modal.error.title_long", "max", maxTitle)
	}
	if len([]rune(in.Details)) > 20000 {
		errs["details"] = a.t(lang, "modal.error.details_long", "max", 20000)
	}
	if out.Priority == "" {
		out.Priority = request.Normal
	}
	ok := false
	for _, p := range request.Priorities {
		ok = ok || p == out.Priority
	}
	if !ok {
		errs["urgency"] = a.t(lang, "modal.error.urgency")
	}
	if in.Category != "" {
		cats, err := a.Desk.Categories(ctx)
		if err != nil {
			return out, nil, err
		}
		id, _ := strconv.ParseInt(in.Category, 10, 64)
		for _, c := range cats {
			if c.ID == id || strings.EqualFold(c.Name, in.Category) {
				out.Category = c.Name
			}
		}
		if out.Category == "" {
			errs["category"] = a.t(lang, "modal.error.category")
		}
	}
	if len(errs) == 0 {
		errs = nil
	}
	return out, errs, nil
}

// viewSubmission answers a view_submission AT ONCE (Slack shows field errors only from the
// HTTP answer, within 3 s): the HTTP handler (and the socket runner) call it before queueing
// the payload. Non-nil: send it as the JSON answer (response_action errors) and queue nothing;
// nil: answer an empty 200 and queue the payload as usual (handleInteraction then does the
// work). It only reads (no network, no writes).
func (a *App) viewSubmission(ctx context.Context, cb slack.InteractionCallback) *slack.ViewSubmissionResponse {
	_, lang := modalMeta(cb.View.PrivateMetadata)
	switch cb.View.CallbackID {
	case cbNew:
		_, errs, err := a.checkNewRequest(ctx, readNewRequest(cb.View), lang)
		if err != nil {
			a.Log.Error("slack: check the new request modal", "err", err)
			return nil // the job checks again, and says what went wrong
		}
		if errs != nil {
			return slack.NewErrorsViewSubmissionResponse(errs)
		}
	case cbReply, cbReopen:
		if messageBody(cb.View) == "" {
			return slack.NewErrorsViewSubmissionResponse(map[string]string{"body": a.t(lang, "modal.error.body_required")})
		}
	}
	return nil
}

// messageBody is the text typed in a message modal.
func messageBody(v slack.View) string {
	if v.State == nil {
		return ""
	}
	return strings.TrimSpace(v.State.Values["body"]["body_input"].Value)
}

// fileFromModal files the new request modal's submission.
func (a *App) fileFromModal(ctx context.Context, cb slack.InteractionCallback) error {
	ctx, who, err := a.actorFor(ctx, cb.User.ID)
	if err != nil {
		return a.refuse(ctx, "", cb.User.ID, langOf(""), err)
	}
	in, errs, err := a.checkNewRequest(ctx, readNewRequest(cb.View), who.Lang)
	if err != nil {
		return err
	}
	if errs != nil { // the modal closed on a submission checked then; things changed since
		var parts []string
		for _, e := range errs {
			parts = append(parts, e)
		}
		return a.tell(ctx, "", cb.User.ID, a.t(who.Lang, "invalid", "errors", strings.Join(parts, " ")))
	}
	key := cb.View.ID
	if key == "" {
		key = cb.TriggerID
	}
	return a.file(ctx, who, who.Person.Email, origin{Key: "modal:" + key, Requester: cb.User.ID, Lang: who.Lang}, in)
}
