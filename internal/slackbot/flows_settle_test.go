package slackbot

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

func TestSettledPhrase(t *testing.T) {
	for text, want := range map[string]bool{
		"C'est réglé":    true,
		"c’est réglé !":  true,
		"C'EST REGLE.":   true,
		"Réglé, merci !": true,
		"Super, c'est réglé, merci beaucoup 🙂": true,
		"c'est réglé :tada:":                   true,
		"Problème résolu":                      true,
		"Vous pouvez clore la demande.":        true,
		"Ça remarche !":                        true,
		"Solved, thanks!":                      true,
		"It's fixed":                           true,
		"Great, all sorted. Thank you":         true,
		"":                                     false,
		"merci":                                false,
		"ok":                                   false,
		"c'est bon":                            false, // too vague: "ok" as often as "settled"
		"Ce n'est pas encore réglé, le ballon fuit toujours": false,
		"réglé ? pas du tout":                                false,
		"pas réglé":                                          false,
		"not fixed":                                          false,
		"is it fixed?":                                       false,
		"c'est réglé pour le badge mais pas pour la clé": false,
	} {
		if got := settledPhrase(text); got != want {
			t.Errorf("settledPhrase(%q) = %v, want %v", text, got, want)
		}
	}
}

// threadMessage sends user's message text, at ts, in the DM thread of parent.
func (e *flowsEnv) threadMessage(t *testing.T, user string, parent slackfake.Message, ts, text string) {
	t.Helper()
	e.event(t, "event-message-im.json", func(_, in map[string]any) {
		in["user"], in["channel"] = user, parent.Channel
		in["text"], in["ts"], in["thread_ts"] = text, ts, parent.TS
	})
}

// conversationOf is request n's messages.
func (e *flowsEnv) conversationOf(t *testing.T, n int64) []request.Message {
	t.Helper()
	conv, err := e.desk.Conversation(context.Background(), request.Viewer{Role: auth.Admin}, e.request(t, n))
	if err != nil {
		t.Fatal(err)
	}
	return conv
}

// "C'est réglé" typed in a request's DM thread asks whether to close it: « Non » changes
// nothing, « Clore ma demande » closes it as its requester (audited, her words for the team),
// once however often the message and the click come; a longer sentence is a reply as before.
func TestFlowsSettleInThread(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		e.event(t, "event-message-im.json", nil)
		e.settle(t)
		n := e.latest(t)
		parent := e.waitMessage(t, dmRef(n), nil)
		before := len(e.conversationOf(t, n))

		// The phrase, processed twice (Slack's retry under a new event id): one prompt, no reply.
		const ts1 = "1763379400.000100"
		e.threadMessage(t, "U0HELENE01", parent, ts1, "C'est réglé !")
		e.threadMessage(t, "U0HELENE01", parent, ts1, "C'est réglé !")
		e.settle(t)
		prompt := e.waitMessage(t, settleRef(n, ts1), nil)
		if prompt.ThreadTS != parent.TS || prompt.Channel != parent.Channel || !strings.Contains(prompt.Blocks, actSettleClose) ||
			!strings.Contains(prompt.Blocks, actSettleKeep) || !strings.Contains(prompt.Blocks, "Clore ma demande") ||
			!strings.Contains(prompt.Blocks, "Non, j'ai encore besoin d'aide") {
			t.Fatalf("the prompt: %+v", prompt)
		}
		if got := len(e.threadNotes(parent, fmt.Sprintf("Clore la demande #%d", n))); got != 1 {
			t.Fatalf("%d prompts, want 1", got)
		}
		if got := len(e.conversationOf(t, n)); got != before {
			t.Fatalf("the phrase became a reply (%d messages, want %d)", got, before)
		}
		status := e.request(t, n).Status

		// « Non, j'ai encore besoin d'aide »: nothing changes, the prompt says so.
		value := fmt.Sprintf("%d:%s:C'est réglé !", n, ts1)
		e.click(t, "U0HELENE01", parent.Channel, actSettleKeep, value)
		e.settle(t)
		e.waitMessage(t, settleRef(n, ts1), func(m slackfake.Message) bool {
			return m.Updates > 0 && strings.Contains(m.Text, "reste ouverte") && !strings.Contains(m.Blocks, actSettleClose)
		})
		if r := e.request(t, n); r.Status != status || len(e.conversationOf(t, n)) != before {
			t.Fatalf("« Non » changed the request: %s, %d messages", r.Status, len(e.conversationOf(t, n)))
		}

		// "réglé" inside a longer sentence: a reply as before, no prompt.
		const ts2 = "1763379500.000100"
		e.threadMessage(t, "U0HELENE01", parent, ts2, "Ce n'est pas encore réglé, le ballon fuit toujours")
		e.settle(t)
		if conv := e.conversationOf(t, n); len(conv) != before+1 || conv[len(conv)-1].Body != "Ce n'est pas encore réglé, le ballon fuit toujours" {
			t.Fatalf("the longer sentence: %+v", conv)
		}
		if _, ok := e.message(settleRef(n, ts2)); ok {
			t.Fatal("a longer sentence got the prompt")
		}

		// Zoé clicks Hélène's button (a forged payload): refused, nothing changes.
		const ts3 = "1763379600.000100"
		e.threadMessage(t, "U0HELENE01", parent, ts3, "Réglé, merci")
		e.settle(t)
		e.waitMessage(t, settleRef(n, ts3), nil)
		value = fmt.Sprintf("%d:%s:Réglé, merci", n, ts3)
		e.click(t, "U0ZOE00001", "D0ZOE00001", actSettleClose, value)
		e.settle(t)
		if r := e.request(t, n); r.Status.IsDone() {
			t.Fatalf("another person's click closed the request: %s", r.Status)
		}

		// « Clore ma demande », twice: closed once, as Hélène, with her words, and the prompt
		// and the thread's parent say so.
		e.click(t, "U0HELENE01", parent.Channel, actSettleClose, value)
		e.click(t, "U0HELENE01", parent.Channel, actSettleClose, value)
		e.settle(t)
		r := e.request(t, n)
		if r.Status != request.StatusClosed {
			t.Fatalf("status %s after « Clore ma demande », want closed", r.Status)
		}
		conv := e.conversationOf(t, n)
		if last := conv[len(conv)-1]; len(conv) != before+2 || last.Body != "Réglé, merci" || last.AuthorPersonID != e.helene.ID ||
			last.Channel != request.Slack {
			t.Fatalf("the conversation after the close: %+v", conv)
		}
		e.waitMessage(t, settleRef(n, ts3), func(m slackfake.Message) bool {
			return strings.Contains(m.Text, "est fermée") && !strings.Contains(m.Blocks, actSettleClose)
		})
		e.waitMessage(t, dmRef(n), func(m slackfake.Message) bool { return strings.Contains(m.Blocks, "Fermée") })
		var audited int
		q := "SELECT COUNT(*) FROM audit_log WHERE action = 'request.update' AND entity_id = $1 AND actor_kind = 'slack' AND actor_name = $2 AND after_json LIKE $3"
		if d.Dialect == db.SQLite {
			q = strings.ReplaceAll(q, "$", "?")
		}
		if err := d.R.QueryRow(q, r.ID, "Hélène Bernard", "%closed%").Scan(&audited); err != nil {
			t.Fatal(err)
		}
		if audited != 1 {
			t.Fatalf("%d audit entries of the close by Hélène, want 1", audited)
		}
		for _, m := range e.fake.Messages() {
			if m.ThreadTS == parent.TS && strings.Contains(m.Text, "Réglé, merci") {
				t.Fatalf("her words were echoed back: %+v", m)
			}
		}
	})
}

// On a request the team resolved, "c'est réglé" confirms the resolution instead of reopening
// it; an agent's "c'est réglé" on their own request is a reply as before.
func TestFlowsSettleResolvedAndAgent(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		ctx := context.Background()
		e.event(t, "event-message-im.json", nil)
		e.settle(t)
		n := e.latest(t)
		parent := e.waitMessage(t, dmRef(n), nil)
		admin := request.Viewer{UserID: e.camilleUser.ID, Name: "Camille Martin", Role: auth.Admin}
		resolved := request.StatusResolved
		r, err := e.desk.Update(ctx, admin, n, request.Change{Status: &resolved})
		if err != nil {
			t.Fatal(err)
		}
		e.settle(t)
		e.waitMessage(t, resolvedRef(n, resolvedStamp(r)), nil)
		before := len(e.conversationOf(t, n))
		const ts = "1763379700.000100"
		e.threadMessage(t, "U0HELENE01", parent, ts, "c'est réglé, merci")
		e.settle(t)
		if got := e.request(t, n).Status; got != request.StatusResolved {
			t.Fatalf("status %s after « c'est réglé » on a resolved request, want resolved", got)
		}
		if got := len(e.conversationOf(t, n)); got != before {
			t.Fatalf("the phrase became a reply on a resolved request (%d messages)", got)
		}
		e.waitMessage(t, resolvedRef(n, resolvedStamp(r)), func(m slackfake.Message) bool {
			return m.Updates > 0 && !strings.Contains(m.Blocks, actSolved)
		})
		e.waitMessage(t, settleRef(n, ts), func(m slackfake.Message) bool { return strings.Contains(m.Text, "merci de l'avoir confirmé") })

		// Jérôme, an agent, files his own request and writes "C'est réglé" in its thread.
		e.event(t, "event-message-im.json", func(_, in map[string]any) {
			in["user"], in["channel"], in["text"], in["ts"] = "U0JEROME01", "D0JEROME01", "Mon écran clignote", "1763379800.000100"
		})
		e.settle(t)
		m := e.latest(t)
		if m == n || e.request(t, m).RequesterID != e.jerome.ID {
			t.Fatalf("Jérôme's request: #%d", m)
		}
		his := e.waitMessage(t, dmRef(m), nil)
		before = len(e.conversationOf(t, m))
		e.threadMessage(t, "U0JEROME01", his, "1763379900.000100", "C'est réglé")
		e.settle(t)
		if conv := e.conversationOf(t, m); len(conv) != before+1 || conv[len(conv)-1].Body != "C'est réglé" {
			t.Fatalf("an agent's « C'est réglé »: %+v", conv)
		}
		if _, ok := e.message(settleRef(m, "1763379900.000100")); ok {
			t.Fatal("an agent got the prompt")
		}
	})
}

// Files without text, all left out, are answered once per message, however often its event is
// processed: in a new DM and in a request's thread.
func TestFlowsNothingSentOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		prog := e.fake.AddFile(slackfake.File{ID: "F0PROG0001", Name: "outil.exe", Mimetype: "application/octet-stream", Data: exeBytes})
		e.share(t, "", "1763378000.000100", "", fileJSON(t, prog, nil))
		e.share(t, "", "1763378000.000100", "", fileJSON(t, prog, nil))
		e.settle(t)
		if n := e.latest(t); n != 0 {
			t.Fatalf("a refused file alone filed #%d", n)
		}
		var notes []slackfake.Message
		for _, m := range e.fake.Messages() {
			if m.Channel == "D0HELENE01" && m.ThreadTS == "" && strings.Contains(m.Text, "rien n'a été transmis") {
				notes = append(notes, m)
			}
		}
		if len(notes) != 1 {
			t.Fatalf("%d notes for one message, want 1: %+v", len(notes), notes)
		}

		e.event(t, "event-message-im.json", nil)
		e.settle(t)
		parent := e.waitMessage(t, dmRef(e.latest(t)), nil)
		e.share(t, "", "1763379200.000100", parent.TS, fileJSON(t, prog, nil))
		e.share(t, "", "1763379200.000100", parent.TS, fileJSON(t, prog, nil))
		e.waitNote(t, parent, "rien n'a été transmis") // once
	})
}
