package slackbot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"majordome/internal/request"
)

// The ids of the flows' buttons, selects and modals: Slack sends them back in block_actions
// and view_submission payloads.
const (
	actTake         = "request_take"         // triage: assign to the clicking agent (value: number)
	actPriority     = "request_priority"     // triage: priority select ("number:priority")
	actCategory     = "request_category"     // triage: category select ("number:category id")
	actConfidential = "request_confidential" // triage: toggle confidentiality (value: number)
	actReply        = "request_reply"        // triage: open the reply modal (value: number)
	actNew          = "request_new"          // App Home: open the new request modal
	actSolved       = "request_solved"       // DM thread: "C'est réglé" ("number:resolved at")
	actReopen       = "request_reopen"       // DM thread: "Toujours un problème" ("number:resolved at")
	actRate         = "request_rate"         // DM thread: 👍/👎 ("number:resolved at:score")
	actOpen         = "request_open"         // a link button: Slack tells, nothing to do

	cbNew    = "request_new"    // the new request modal
	cbReply  = "request_reply"  // the team's public reply modal (private_metadata: "number|lang")
	cbReopen = "request_reopen" // the requester's "still a problem" modal ("number|lang")

	cbShortcut      = ShortcutCallbackID     // the message shortcut "Créer une demande" (manifest.go)
	cbShortcutAlias = "request_from_message" // the same, as the fixtures name it
)

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}
func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// textBlocks is one section of mrkdwn.
func textBlocks(text string) []slack.Block {
	return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}
}

// linkButton is a button that opens url.
func linkButton(label, url string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actOpen, "", plain(label)).WithURL(url)
}

// dmRef, triageRef and resolvedRef name the messages the flows update.
func dmRef(n int64) string     { return fmt.Sprintf("request:%d:dm", n) }
func triageRef(n int64) string { return fmt.Sprintf("request:%d:triage", n) }
func resolvedRef(n int64, at string) string {
	return fmt.Sprintf("request:%d:resolved:%s", n, at)
}

// resolvedStamp tells one resolution of r from the next (a reopened request resolved again
// gets a new message).
func resolvedStamp(r request.Request) string {
	if r.ResolvedAt == nil {
		return "0"
	}
	return strconv.FormatInt(r.ResolvedAt.Unix(), 10)
}

// dmMessage is the parent of r's DM thread, as the requester sees it: number, title, status,
// who handles it, and a link. It is updated on every change.
func (a *App) dmMessage(r request.Request, lang string) (string, []slack.Block) {
	status := a.I18n.T(lang, "portal.status."+string(r.Status))
	text := a.t(lang, "dm.text", "number", r.Number, "title", r.Title, "status", status)
	info := a.t(lang, "dm.status", "status", status)
	if r.AssigneeName != "" && !r.Status.IsDone() {
		info += " · " + a.t(lang, "dm.assignee", "name", esc(r.AssigneeName))
	}
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn(a.t(lang, "dm.title", "number", r.Number, "title", esc(r.Title))), nil,
			slack.NewAccessory(linkButton(a.t(lang, "open"), a.portalLink(r.Number)))),
		slack.NewContextBlock("", mrkdwn(info)),
		slack.NewContextBlock("", mrkdwn(a.t(lang, "dm.hint"))),
	}
	return text, blocks
}

// resolvedMessage is posted in r's DM thread when it is resolved: "C'est réglé" / "Toujours un
// problème", then the satisfaction question. stage is "ask", "solved" (the requester said it
// is settled) or "rated".
func (a *App) resolvedMessage(r request.Request, lang, stage string) (string, []slack.Block) {
	at := resolvedStamp(r)
	value := fmt.Sprintf("%d:%s", r.Number, at)
	text := a.t(lang, "resolved.text", "number", r.Number)
	var blocks []slack.Block
	switch stage {
	case "rated":
		return text, textBlocks(a.t(lang, "resolved.thanks", "number", r.Number))
	case "solved":
		blocks = textBlocks(a.t(lang, "resolved.solved"))
	default:
		blocks = []slack.Block{
			slack.NewSectionBlock(mrkdwn(a.t(lang, "resolved.ask", "number", r.Number)), nil, nil),
			slack.NewActionBlock("resolved_"+value,
				slack.NewButtonBlockElement(actSolved, value, plain(a.t(lang, "resolved.solved_button"))).WithStyle(slack.StylePrimary),
				slack.NewButtonBlockElement(actReopen, value, plain(a.t(lang, "resolved.reopen_button")))),
		}
	}
	blocks = append(blocks,
		slack.NewSectionBlock(mrkdwn(a.t(lang, "resolved.rate")), nil, nil),
		slack.NewActionBlock("rate_"+value,
			slack.NewButtonBlockElement(actRate, value+":1", plain("👍 "+a.t(lang, "resolved.up"))),
			slack.NewButtonBlockElement(actRate, value+":-1", plain("👎 "+a.t(lang, "resolved.down")))))
	return text, blocks
}

// triageMessage is r as the triage channel shows it, with the buttons to work it. A
// confidential request shows only its number and a link: never its title, details, requester
// or category.
func (a *App) triageMessage(r request.Request, cats []request.Category, lang string) (string, []slack.Block) {
	link := linkButton(a.t(lang, "open"), a.deskLink(r.Number))
	if r.Confidential {
		text := a.t(lang, "triage.confidential", "number", r.Number)
		return text, []slack.Block{
			slack.NewSectionBlock(mrkdwn(a.t(lang, "triage.confidential_md", "number", r.Number)), nil, slack.NewAccessory(link)),
			slack.NewActionBlock(fmt.Sprintf("request_%d", r.Number), a.triageButtons(r, lang)...),
		}
	}
	text := a.t(lang, "triage.text", "number", r.Number, "title", r.Title)
	head := a.t(lang, "triage.title", "number", r.Number, "title", esc(r.Title))
	if d := excerpt(r.Description, 280); d != "" {
		head += "\n" + esc(d)
	}
	facts := []string{
		a.t(lang, "triage.requester", "name", esc(r.RequesterName)),
		a.I18n.T(lang, "desk.status."+string(r.Status)),
		a.I18n.T(lang, "desk.priority."+string(r.Priority)),
	}
	if r.Category != "" {
		facts = append(facts, esc(r.Category))
	}
	if r.AssigneeName != "" {
		facts = append(facts, a.t(lang, "triage.assignee", "name", esc(r.AssigneeName)))
	} else {
		facts = append(facts, a.t(lang, "triage.unassigned"))
	}
	elems := a.triageButtons(r, lang)
	var prio []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, p := range request.Priorities {
		o := slack.NewOptionBlockObject(fmt.Sprintf("%d:%s", r.Number, p), plain(a.I18n.T(lang, "desk.priority."+string(p))), nil)
		if p == r.Priority {
			initial = o
		}
		prio = append(prio, o)
	}
	elems = append(elems, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(a.t(lang, "triage.priority")),
		actPriority, prio...).WithInitialOption(initial))
	if opts, initial := categoryOptions(cats, r.CategoryID, func(c request.Category) string {
		return fmt.Sprintf("%d:%d", r.Number, c.ID)
	}); len(opts) > 0 {
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(a.t(lang, "triage.category")), actCategory, opts...)
		if initial != nil {
			sel.WithInitialOption(initial)
		}
		elems = append(elems, sel)
	}
	return text, []slack.Block{
		slack.NewSectionBlock(mrkdwn(head), nil, slack.NewAccessory(link)),
		slack.NewContextBlock("", mrkdwn(strings.Join(facts, " · "))),
		slack.NewActionBlock(fmt.Sprintf("request_%d", r.Number), elems...),
	}
}

// triageButtons are the buttons of a triage message: Prendre (while nobody has it),
// Confidentiel and Répondre.
func (a *App) triageButtons(r request.Request, lang string) []slack.BlockElement {
	n := strconv.FormatInt(r.Number, 10)
	var out []slack.BlockElement
	if r.AssigneeID == 0 && !r.Status.IsDone() {
		out = append(out, slack.NewButtonBlockElement(actTake, n, plain(a.t(lang, "triage.take"))).WithStyle(slack.StylePrimary))
	}
	conf := "triage.confidential_on"
	if r.Confidential {
		conf = "triage.confidential_off"
	}
	out = append(out, slack.NewButtonBlockElement(actConfidential, n, plain(a.t(lang, conf))))
	if r.Status != request.StatusClosed {
		out = append(out, slack.NewButtonBlockElement(actReply, n, plain(a.t(lang, "triage.reply"))))
	}
	return out
}

// categoryOptions are the active categories as options (at most 100, Slack's limit), with
// the one whose id is current.
func categoryOptions(cats []request.Category, current int64, value func(request.Category) string) ([]*slack.OptionBlockObject, *slack.OptionBlockObject) {
	var opts []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, c := range cats {
		if len(opts) == 100 {
			break
		}
		o := slack.NewOptionBlockObject(value(c), plain(excerpt(c.Label(), 75)), nil)
		if c.ID == current {
			initial = o
		}
		opts = append(opts, o)
	}
	return opts, initial
}

// newRequestModal is the modal /om opens without text, and App Home's "Nouvelle demande":
// title, details, category and urgency, prefilled with what is known.
func (a *App) newRequestModal(lang string, cats []request.Category, title, details string) *slack.ModalViewRequest {
	titleIn := slack.NewPlainTextInputBlockElement(plain(a.t(lang, "modal.title_placeholder")), "title_input").
		WithMaxLength(maxTitle)
	if title != "" {
		titleIn.WithInitialValue(title)
	}
	detailsIn := slack.NewPlainTextInputBlockElement(plain(a.t(lang, "modal.details_placeholder")), "details_input").
		WithMultiline(true)
	if details != "" {
		detailsIn.WithInitialValue(details)
	}
	blocks := []slack.Block{
		slack.NewInputBlock("title", plain(a.t(lang, "modal.title")), nil, titleIn),
		slack.NewInputBlock("details", plain(a.t(lang, "modal.details")), nil, detailsIn).WithOptional(true),
	}
	if opts, _ := categoryOptions(cats, 0, func(c request.Category) string { return strconv.FormatInt(c.ID, 10) }); len(opts) > 0 {
		blocks = append(blocks, slack.NewInputBlock("category", plain(a.t(lang, "modal.category")), nil,
			slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(a.t(lang, "modal.category_placeholder")), "category_select", opts...)).
			WithOptional(true))
	}
	var urg []*slack.OptionBlockObject
	var normal *slack.OptionBlockObject
	for _, p := range request.Priorities {
		o := slack.NewOptionBlockObject(string(p), plain(a.I18n.T(lang, "desk.priority."+string(p))), nil)
		if p == request.Normal {
			normal = o
		}
		urg = append(urg, o)
	}
	blocks = append(blocks, slack.NewInputBlock("urgency", plain(a.t(lang, "modal.urgency")), nil,
		slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "urgency_select", urg...).WithInitialOption(normal)))
	return &slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: cbNew, PrivateMetadata: "|" + lang,
		Title: plain(a.t(lang, "modal.heading")), Submit: plain(a.t(lang, "modal.submit")), Close: plain(a.t(lang, "modal.close")),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// messageModal asks for one message about request n: the team's public reply (cbReply) or the
// requester's "still a problem" (cbReopen).
func (a *App) messageModal(callback string, r request.Request, lang string) *slack.ModalViewRequest {
	heading, label, intro := "reply.heading", "reply.label", a.t(lang, "reply.intro", "number", r.Number, "title", esc(r.Title))
	if r.Confidential {
		intro = a.t(lang, "reply.intro_confidential", "number", r.Number)
	}
	if callback == cbReopen {
		heading, label, intro = "reopen.heading", "reopen.label", a.t(lang, "reopen.intro", "number", r.Number)
	}
	return &slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callback, PrivateMetadata: fmt.Sprintf("%d|%s", r.Number, lang),
		Title: plain(a.t(lang, heading)), Submit: plain(a.t(lang, "modal.submit_reply")), Close: plain(a.t(lang, "modal.close")),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(mrkdwn(intro), nil, nil),
			slack.NewInputBlock("body", plain(a.t(lang, label)), nil,
				slack.NewPlainTextInputBlockElement(nil, "body_input").WithMultiline(true)),
		}},
	}
}

// modalMeta reads a modal's private_metadata: "number|lang".
func modalMeta(s string) (int64, string) {
	n, lang, _ := strings.Cut(s, "|")
	number, _ := strconv.ParseInt(n, 10, 64)
	return number, langOf(lang)
}
