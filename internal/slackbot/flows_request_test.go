package slackbot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// The Done-when of the Slack app: a request filed with /om gets the team's replies from the web
// in its DM thread, and a reply in that thread lands on the request.
func TestFlowsCommandConversation(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		ctx := context.Background()
		if ack := ackOf(t, e.command(t, "U0HELENE01", "Plus d'eau chaude au 3ème étage. Le ballon fait un bruit bizarre.")); !strings.Contains(ack, "« Plus d'eau chaude au 3ème étage. »") {
			t.Fatalf("the command's answer: %q, want the title it files (the job confirms the number)", ack)
		}
		e.settle(t)
		n := e.latest(t)
		r := e.request(t, n)
		if r.Title != "Plus d'eau chaude au 3ème étage." || r.Description != "Le ballon fait un bruit bizarre." ||
			r.Channel != request.Slack || r.RequesterID != e.helene.ID {
			t.Fatalf("request filed: %+v", r)
		}
		eph := e.waitCall(t, "chat.postEphemeral", "text", fmt.Sprintf("#%d", n))
		if eph.Params["user"] != "U0HELENE01" || eph.Params["channel"] != "C0GENERAL1" ||
			!strings.Contains(eph.Params["text"], fmt.Sprintf("https://majordome.exemple.fr/portal/%d", n)) {
			t.Fatalf("confirmation: %+v", eph.Params)
		}
		parent := e.waitMessage(t, dmRef(n), nil)
		if parent.Channel != "D0HELENE01" || !strings.Contains(parent.Text, r.Title) || !strings.Contains(parent.Blocks, "Reçue") {
			t.Fatalf("DM thread's parent: %+v", parent)
		}

		// Jérôme answers from the web: the reply appears in Hélène's DM thread.
		jerome, err := e.desk.ViewerFor(ctx, e.jeromeUser.ID, e.jeromeUser.Name, e.jeromeUser.Email, auth.Agent)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.desk.Reply(ctx, jerome, n, "Le plombier passe à 14 h.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		if _, err := e.desk.Reply(ctx, jerome, n, "Note : contrat Dalkia", true, request.Web); err != nil {
			t.Fatal(err)
		}
		e.settle(t)
		var replies []slackfake.Message
		for _, m := range e.fake.Messages() {
			if m.ThreadTS == parent.TS {
				replies = append(replies, m)
			}
		}
		if len(replies) != 1 || replies[0].Channel != "D0HELENE01" || !strings.Contains(replies[0].Text, "Le plombier passe à 14 h.") ||
			!strings.Contains(replies[0].Text, "Jérôme Durand") {
			t.Fatalf("the thread holds %+v, want the public reply only (never the note)", replies)
		}
		// The reply opened the request: the parent shows it.
		e.waitMessage(t, dmRef(n), func(m slackfake.Message) bool { return m.Updates > 0 && strings.Contains(m.Blocks, "En cours") })

		// Hélène answers in the thread: her reply lands on the request, and is not echoed back.
		e.event(t, "event-message-im.json", func(_, in map[string]any) {
			in["text"] = "Merci, je serai là."
			in["ts"] = "1763379999.000100"
			in["thread_ts"] = parent.TS
		})
		e.settle(t)
		conv, err := e.desk.Conversation(ctx, request.Viewer{Role: auth.Admin}, e.request(t, n))
		if err != nil {
			t.Fatal(err)
		}
		last := conv[len(conv)-1]
		if last.Body != "Merci, je serai là." || last.AuthorPersonID != e.helene.ID || last.Channel != request.Slack {
			t.Fatalf("the thread reply became %+v", last)
		}
		for _, m := range e.fake.Messages() {
			if m.User == slackfake.BotUserID && strings.Contains(m.Text, "je serai là") {
				t.Fatalf("the requester's own reply was echoed back: %+v", m)
			}
		}
		if got := e.latest(t); got != n {
			t.Fatalf("the thread reply filed a new request #%d", got)
		}
	})
}

// The status changes update the DM thread's parent; the resolution asks "C'est réglé ?" with
// the satisfaction question, and 👍 rates the request.
func TestFlowsResolution(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		ctx := context.Background()
		e.command(t, "U0HELENE01", "Badge perdu")
		e.settle(t)
		n := e.latest(t)
		admin := request.Viewer{UserID: e.camilleUser.ID, Name: "Camille Martin", Role: auth.Admin}
		waiting := request.StatusWaitingThirdParty
		if _, err := e.desk.Update(ctx, admin, n, request.Change{Status: &waiting}); err != nil {
			t.Fatal(err)
		}
		e.settle(t)
		parent := e.waitMessage(t, dmRef(n), func(m slackfake.Message) bool { return strings.Contains(m.Blocks, "Attend un prestataire") })
		if parent.Updates == 0 {
			t.Fatalf("the parent was not updated: %+v", parent)
		}
		resolved := request.StatusResolved
		r, err := e.desk.Update(ctx, admin, n, request.Change{Status: &resolved})
		if err != nil {
			t.Fatal(err)
		}
		e.settle(t)
		ref := resolvedRef(n, resolvedStamp(r))
		ask := e.waitMessage(t, ref, nil)
		if ask.ThreadTS != parent.TS || !strings.Contains(ask.Blocks, actSolved) || !strings.Contains(ask.Blocks, actReopen) ||
			!strings.Contains(ask.Blocks, actRate) || !strings.Contains(ask.Blocks, "C'est réglé") {
			t.Fatalf("the resolution message: %+v", ask)
		}
		// 👍 from Hélène rates the request, and the message thanks her.
		e.click(t, "U0HELENE01", "D0HELENE01", actRate, fmt.Sprintf("%d:%s:1", n, resolvedStamp(r)))
		e.settle(t)
		if got := e.request(t, n).Satisfaction; got != 1 {
			t.Fatalf("satisfaction %d, want 1", got)
		}
		e.waitMessage(t, ref, func(m slackfake.Message) bool { return strings.Contains(m.Blocks, "Merci pour votre avis") })

		// "Toujours un problème" opens the modal; its submission reopens the request.
		e.click(t, "U0HELENE01", "D0HELENE01", actReopen, fmt.Sprintf("%d:%s", n, resolvedStamp(r)))
		open := e.waitCall(t, "views.open", "view", cbReopen)
		var view struct {
			PrivateMetadata string `json:"private_metadata"`
		}
		if err := json.Unmarshal([]byte(open.Params["view"]), &view); err != nil {
			t.Fatal(err)
		}
		answer := e.interaction(t, "view-submission.txt", func(p map[string]any) {
			p["view"] = map[string]any{"id": "V0REOPEN01", "callback_id": cbReopen, "private_metadata": view.PrivateMetadata,
				"state": map[string]any{"values": map[string]any{"body": map[string]any{"body_input": map[string]any{
					"type": "plain_text_input", "value": "Toujours pas de badge."}}}}}
		})
		if answer != "" {
			t.Fatalf("the submission's answer: %q", answer)
		}
		e.settle(t)
		if got := e.request(t, n).Status; got != request.StatusOpen {
			t.Fatalf("status %s after 'Toujours un problème', want open", got)
		}
	})
}

// /om alone opens the modal, prefilled with the desk's categories and a normal urgency; its
// submission is checked at once (errors shown in the modal), then files the request.
func TestFlowsModal(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		e.command(t, "U0HELENE01", "  ")
		open := e.waitCall(t, "views.open", "view", cbNew)
		if !strings.HasPrefix(open.Params["trigger_id"], "trigger-") {
			t.Fatalf("views.open without the command's trigger: %+v", open.Params)
		}
		view := strings.ReplaceAll(open.Params["view"], "\\u0026", "&")
		for _, want := range []string{`"title_input"`, `"details_input"`, `"category_select"`, `"urgency_select"`,
			"Locaux & maintenance", `"initial_option"`, "Normale"} {
			if !strings.Contains(view, want) {
				t.Fatalf("the modal lacks %s: %s", want, open.Params["view"])
			}
		}
		e.settle(t)

		// The fixture's category is no category of this desk: the modal says so, nothing is filed.
		answer := e.interaction(t, "view-submission.txt", nil)
		var resp struct {
			Action string            `json:"response_action"`
			Errors map[string]string `json:"errors"`
		}
		if err := json.Unmarshal([]byte(answer), &resp); err != nil || resp.Action != "errors" || resp.Errors["category"] == "" {
			t.Fatalf("answer %q (%v): want the category's error", answer, err)
		}
		answer = e.interaction(t, "view-submission.txt", func(p map[string]any) {
			vals := p["view"].(map[string]any)["state"].(map[string]any)["values"].(map[string]any)
			vals["title"].(map[string]any)["title_input"].(map[string]any)["value"] = " "
			delete(vals, "category")
		})
		if err := json.Unmarshal([]byte(answer), &resp); err != nil || resp.Errors["title"] == "" {
			t.Fatalf("answer %q: want the title's error", answer)
		}
		e.settle(t)
		if n := e.latest(t); n != 0 {
			t.Fatalf("request #%d filed from a wrong submission", n)
		}

		cats, err := e.desk.Categories(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var locaux request.Category
		for _, c := range cats {
			if c.Name == "Locaux & maintenance" {
				locaux = c
			}
		}
		answer = e.interaction(t, "view-submission.txt", func(p map[string]any) {
			vals := p["view"].(map[string]any)["state"].(map[string]any)["values"].(map[string]any)
			vals["category"].(map[string]any)["category_select"].(map[string]any)["selected_option"].(map[string]any)["value"] =
				strconv.FormatInt(locaux.ID, 10)
		})
		if answer != "" {
			t.Fatalf("the right submission's answer: %q", answer)
		}
		e.settle(t)
		r := e.request(t, e.latest(t))
		if r.Title != "Plus d'eau chaude au 3ème étage" || r.Description != "Le ballon fait un bruit bizarre depuis ce matin." ||
			r.Category != locaux.Name || r.Priority != request.Urgent || r.RequesterID != e.helene.ID || r.Channel != request.Slack {
			t.Fatalf("request filed from the modal: %+v", r)
		}
		e.waitMessage(t, dmRef(r.Number), nil)
	})
}

// A direct message to the bot becomes a request; a bot's message, an edit, a message in a
// channel do not.
func TestFlowsDirectMessage(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		e.event(t, "event-message-im.json", func(_, in map[string]any) { in["bot_id"] = "B0OTHER"; in["ts"] = "1.1" })
		e.event(t, "event-message-im.json", func(_, in map[string]any) { in["subtype"] = "message_changed"; in["ts"] = "1.2" })
		e.event(t, "event-message-im.json", func(_, in map[string]any) { in["channel_type"] = "channel"; in["ts"] = "1.3" })
		e.settle(t)
		if n := e.latest(t); n != 0 {
			t.Fatalf("request #%d filed from a message that is no DM from a person", n)
		}
		e.event(t, "event-message-im.json", nil)
		e.settle(t)
		n := e.latest(t)
		if n == 0 {
			t.Fatal("the DM filed nothing")
		}
		r := e.request(t, n)
		if r.Title != "Bonjour, la photocopieuse du 2e affiche une erreur E-204 et ne veut plus imprimer" ||
			r.RequesterID != e.helene.ID || r.Channel != request.Slack {
			t.Fatalf("request from the DM: %+v", r)
		}
		parent := e.waitMessage(t, dmRef(n), nil)
		if parent.Channel != "D0HELENE01" || parent.ThreadTS != "" {
			t.Fatalf("the DM thread's parent: %+v", parent)
		}
		if c := e.calls("chat.postEphemeral", "", ""); len(c) != 0 {
			t.Fatalf("a DM is confirmed by its thread, not ephemerally: %+v", c)
		}
	})
}

// The message shortcut turns someone's message into a request of its author, linked to the
// message, and tells the clicker; the same message twice is one request.
func TestFlowsShortcut(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		e.interaction(t, "message-shortcut.txt", nil)
		e.settle(t)
		n := e.latest(t)
		r := e.request(t, n)
		if r.RequesterID != e.anais.ID || r.Channel != request.Slack ||
			r.Title != "Quelqu'un sait pourquoi la porte du parking de Lyon ne s'ouvre plus avec le badge ?" ||
			!strings.Contains(r.Description, "https://exemple.slack.com/archives/C0LYON0001/p1763370390000550") {
			t.Fatalf("request from the shortcut: %+v", r)
		}
		eph := e.waitCall(t, "chat.postEphemeral", "user", "U0ZOE00001")
		if eph.Params["channel"] != "C0LYON0001" || !strings.Contains(eph.Params["text"], fmt.Sprintf("#%d", n)) ||
			!strings.Contains(eph.Params["text"], "Anaïs Petit") {
			t.Fatalf("the clicker's confirmation: %+v", eph.Params)
		}
		// Anaïs follows it in her DM, in English.
		parent := e.waitMessage(t, dmRef(n), nil)
		if parent.Channel != "D0ANAIS001" || !strings.Contains(parent.Text, "Request #") {
			t.Fatalf("the author's DM: %+v", parent)
		}
		// Camille clicks the shortcut on the same message: no second request.
		e.interaction(t, "message-shortcut.txt", func(p map[string]any) { p["user"] = map[string]any{"id": "U0CAMILLE1"} })
		e.settle(t)
		if got := e.latest(t); got != n {
			t.Fatalf("the same message filed #%d after #%d", got, n)
		}
		again := e.waitCall(t, "chat.postEphemeral", "user", "U0CAMILLE1")
		if !strings.Contains(again.Params["text"], fmt.Sprintf("déjà la demande <https://majordome.exemple.fr/portal/%d|#%d>", n, n)) {
			t.Fatalf("the second click is told: %q", again.Params["text"])
		}
	})
}

// A Slack user the app cannot match to a person is told so, politely, and nothing is filed.
func TestFlowsUnknownUserRefused(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		e.command(t, "U0NOBODY01", "Ma souris ne marche plus")
		eph := e.waitCall(t, "chat.postEphemeral", "user", "U0NOBODY01")
		if !strings.Contains(eph.Params["text"], "annuaire") || eph.Params["channel"] != "C0GENERAL1" {
			t.Fatalf("the refusal: %+v", eph.Params)
		}
		e.settle(t)
		if n := e.latest(t); n != 0 {
			t.Fatalf("request #%d filed for an unknown user", n)
		}
	})
}
