package slackbot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// fileWeb files a request from the web portal as Hélène.
func (e *flowsEnv) fileWeb(t *testing.T, in request.NewRequest) request.Request {
	t.Helper()
	in.RequesterEmail = e.helene.Email
	r, err := e.desk.Create(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Every new request appears in the triage channel with its buttons; Prendre assigns it to the
// clicking agent (and politely refuses an employee), the selects and Confidentiel change it,
// Répondre answers the requester; the message follows each change.
func TestFlowsTriage(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		r := e.fileWeb(t, request.NewRequest{Title: "Imprimante HS", Description: "Bourrage papier au 2e"})
		e.settle(t)
		post := e.waitMessage(t, triageRef(r.Number), nil)
		for _, want := range []string{"Imprimante HS", "Bourrage papier au 2e", "Hélène Bernard", actTake, actPriority, actCategory,
			actConfidential, actReply, fmt.Sprintf("https://majordome.exemple.fr/requests/%d", r.Number)} {
			if !strings.Contains(post.Blocks, want) {
				t.Fatalf("the triage post lacks %q: %s", want, post.Blocks)
			}
		}
		if post.Channel != triageChannel {
			t.Fatalf("posted in %s", post.Channel)
		}
		n := strconv.FormatInt(r.Number, 10)

		// Hélène is no agent: told so, nothing changes.
		e.click(t, "U0HELENE01", triageChannel, actTake, n)
		e.waitCall(t, "chat.postEphemeral", "user", "U0HELENE01")
		e.settle(t)
		if got := e.request(t, r.Number); got.AssigneeID != 0 {
			t.Fatalf("an employee took the request: %+v", got)
		}

		e.click(t, "U0JEROME01", triageChannel, actTake, n)
		e.settle(t)
		if got := e.request(t, r.Number); got.AssigneeID != e.jeromeUser.ID {
			t.Fatalf("assignee %d, want Jérôme's account %d", got.AssigneeID, e.jeromeUser.ID)
		}
		e.waitMessage(t, triageRef(r.Number), func(m slackfake.Message) bool {
			return m.Updates > 0 && strings.Contains(m.Blocks, "Prise par Jérôme Durand") && !strings.Contains(m.Blocks, actTake)
		})

		e.click(t, "U0JEROME01", triageChannel, actPriority, n+":urgent")
		e.settle(t) // one change at a time: two at once would race in the desk (the last write wins)
		cats, _ := e.desk.Categories(context.Background())
		e.click(t, "U0JEROME01", triageChannel, actCategory, fmt.Sprintf("%s:%d", n, cats[0].ID))
		e.settle(t)
		got := e.request(t, r.Number)
		if got.Priority != request.Urgent || got.Category != cats[0].Name {
			t.Fatalf("after the selects: priority %s, category %q", got.Priority, got.Category)
		}

		// Répondre opens the modal; its submission is a public reply.
		e.click(t, "U0JEROME01", triageChannel, actReply, n)
		open := e.waitCall(t, "views.open", "view", cbReply)
		var view struct {
			PrivateMetadata string `json:"private_metadata"`
		}
		if err := json.Unmarshal([]byte(open.Params["view"]), &view); err != nil {
			t.Fatal(err)
		}
		answer := e.interaction(t, "view-submission.txt", func(p map[string]any) {
			p["user"] = map[string]any{"id": "U0JEROME01"}
			p["view"] = map[string]any{"id": "V0REPLY001", "callback_id": cbReply, "private_metadata": view.PrivateMetadata,
				"state": map[string]any{"values": map[string]any{"body": map[string]any{"body_input": map[string]any{
					"type": "plain_text_input", "value": ""}}}}}
		})
		if !strings.Contains(answer, `"body"`) {
			t.Fatalf("an empty reply's answer: %q, want the body's error", answer)
		}
		e.interaction(t, "view-submission.txt", func(p map[string]any) {
			p["user"] = map[string]any{"id": "U0JEROME01"}
			p["view"] = map[string]any{"id": "V0REPLY001", "callback_id": cbReply, "private_metadata": view.PrivateMetadata,
				"state": map[string]any{"values": map[string]any{"body": map[string]any{"body_input": map[string]any{
					"type": "plain_text_input", "value": "J'arrive avec du papier."}}}}}
		})
		e.settle(t)
		conv, err := e.desk.Conversation(context.Background(), request.Viewer{Role: auth.Admin}, e.request(t, r.Number))
		if err != nil {
			t.Fatal(err)
		}
		if last := conv[len(conv)-1]; last.Body != "J'arrive avec du papier." || last.Internal || last.AuthorUserID != e.jeromeUser.ID ||
			last.Channel != request.Slack {
			t.Fatalf("the reply from the modal: %+v", last)
		}

		// Confidentiel: the message keeps only the number and a link.
		e.click(t, "U0CAMILLE1", triageChannel, actConfidential, n)
		e.settle(t)
		if !e.request(t, r.Number).Confidential {
			t.Fatal("the request is not confidential")
		}
		m := e.waitMessage(t, triageRef(r.Number), func(m slackfake.Message) bool { return strings.Contains(m.Blocks, "confidentielle") })
		for _, secret := range []string{"Imprimante", "Bourrage", "Hélène"} {
			if strings.Contains(m.Blocks+m.Text, secret) {
				t.Fatalf("the confidential triage message shows %q: %s", secret, m.Blocks)
			}
		}
	})
}

// A confidential request is posted to the triage channel as a number and a link only.
func TestFlowsTriageConfidential(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		r := e.fileWeb(t, request.NewRequest{Title: "Erreur sur ma fiche de paie", Description: "Il manque mes heures sup",
			Category: "RH & paie"})
		if !r.Confidential {
			t.Fatal("RH & paie should make the request confidential")
		}
		e.settle(t)
		m := e.waitMessage(t, triageRef(r.Number), nil)
		if !strings.Contains(m.Text, fmt.Sprintf("Demande confidentielle #%d", r.Number)) ||
			!strings.Contains(m.Blocks, fmt.Sprintf("/requests/%d", r.Number)) {
			t.Fatalf("the confidential post: %+v", m)
		}
		for _, secret := range []string{"paie", "heures", "Hélène", "Bernard"} {
			if strings.Contains(strings.ToLower(m.Blocks+m.Text), strings.ToLower(secret)) {
				t.Fatalf("the confidential post shows %q: %s", secret, m.Blocks)
			}
		}
	})
}

// While every responder is in focus, a new request waits; it is posted with the others held,
// as one message, when the focus ends. An urgent one is posted at once.
func TestFlowsTriageHeldDuringFocus(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		ctx := context.Background()
		for _, id := range []int64{e.camilleUser.ID, e.jeromeUser.ID} {
			if _, err := e.notify.StartFocus(ctx, id, time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		held1 := e.fileWeb(t, request.NewRequest{Title: "Plus de café"})
		held2 := e.fileWeb(t, request.NewRequest{Title: "Mon salaire", Category: "RH & paie"})
		urgent := e.fileWeb(t, request.NewRequest{Title: "Fuite d'eau", Priority: request.Urgent})
		e.settle(t)
		e.waitMessage(t, triageRef(urgent.Number), nil)
		for _, r := range []request.Request{held1, held2} {
			if _, ok := e.message(triageRef(r.Number)); ok {
				t.Fatalf("#%d was posted during the focus", r.Number)
			}
		}
		// One batch job, due at the focus's end.
		var payload []byte
		var runAt time.Time
		row := d.R.QueryRow(strings.ReplaceAll("SELECT payload, run_at FROM jobs WHERE kind = $1 AND state = 'pending'",
			"$1", map[bool]string{true: "?", false: "$1"}[d.Dialect == db.SQLite]), jobTriageBatch)
		if err := row.Scan(&payload, &runAt); err != nil {
			t.Fatalf("the batch job: %v", err)
		}
		if d := time.Until(runAt); d < 50*time.Minute || d > 61*time.Minute {
			t.Fatalf("the batch runs in %s, want at the focus's end", d)
		}
		// A change while held does not post it early.
		jerome := request.Viewer{UserID: e.jeromeUser.ID, Role: auth.Agent}
		high := request.High
		if _, err := e.desk.Update(ctx, jerome, held1.Number, request.Change{Priority: &high}); err != nil {
			t.Fatal(err)
		}
		e.settle(t)
		if _, ok := e.message(triageRef(held1.Number)); ok {
			t.Fatal("a change posted a held request")
		}
		// The focus ends: the batch job posts the summary and each request in its thread.
		if err := e.app.triageBatchJob(ctx, payload); err != nil {
			t.Fatal(err)
		}
		e.settle(t)
		var summary slackfake.Message
		for _, m := range e.fake.Messages() {
			if strings.HasPrefix(m.Ref, "triage-batch:") {
				summary = m
			}
		}
		if summary.Channel != triageChannel || !strings.Contains(summary.Text, "2 nouvelles demandes") ||
			!strings.Contains(summary.Blocks, "Plus de café") || strings.Contains(summary.Blocks, "salaire") ||
			!strings.Contains(summary.Blocks, fmt.Sprintf("Demande confidentielle #%d", held2.Number)) {
			t.Fatalf("the batch message: %+v", summary)
		}
		for _, r := range []request.Request{held1, held2} {
			m := e.waitMessage(t, triageRef(r.Number), nil)
			if m.ThreadTS != summary.TS {
				t.Fatalf("#%d posted outside the batch's thread: %+v", r.Number, m)
			}
		}
		if m, _ := e.message(triageRef(held1.Number)); !strings.Contains(m.Blocks, "Haute") {
			t.Fatalf("#%d posted as it was when held, not as it is: %s", held1.Number, m.Blocks)
		}
		// Run again (a retry): nothing more is posted.
		before := len(e.fake.Messages())
		if err := e.app.triageBatchJob(ctx, payload); err != nil {
			t.Fatal(err)
		}
		e.settle(t)
		if after := len(e.fake.Messages()); after != before {
			t.Fatalf("the batch ran twice: %d messages, then %d", before, after)
		}
	})
}

// App Home: an employee sees their open requests and "Nouvelle demande"; an agent also sees the
// counts of the saved views and the requests at risk.
func TestFlowsAppHome(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		mine := e.fileWeb(t, request.NewRequest{Title: "Chaise cassée"})
		e.settle(t)
		e.event(t, "event-app-home-opened.json", nil)
		pub := e.waitCall(t, "views.publish", "user_id", "U0HELENE01")
		view := pub.Params["view"]
		for _, want := range []string{`"type":"home"`, "Chaise cassée", fmt.Sprintf("#%d", mine.Number), "Reçue", actNew,
			"Nouvelle demande", fmt.Sprintf("/portal/%d", mine.Number)} {
			if !strings.Contains(view, want) {
				t.Fatalf("Hélène's home lacks %q: %s", want, view)
			}
		}
		if strings.Contains(view, "Vos vues") {
			t.Fatalf("an employee's home shows the queue's views: %s", view)
		}

		e.event(t, "event-app-home-opened.json", func(_, in map[string]any) { in["user"] = "U0JEROME01" })
		pub = e.waitCall(t, "views.publish", "user_id", "U0JEROME01")
		view = pub.Params["view"]
		for _, want := range []string{"Vos vues", "Non assignées\\u003e : 1", "Délais en danger", "Toutes les actives\\u003e : 1"} {
			if !strings.Contains(view, want) && !strings.Contains(view, strings.ReplaceAll(want, "\\u003e", ">")) {
				t.Fatalf("Jérôme's home lacks %q: %s", want, view)
			}
		}
		// Nouvelle demande, from App Home, opens the modal.
		e.click(t, "U0HELENE01", "", actNew, "new")
		e.waitCall(t, "views.open", "view", cbNew)
		e.settle(t)
	})
}

// An action or a modal the app does not know gets a polite answer, and changes nothing.
func TestFlowsUnknownAction(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		r := e.fileWeb(t, request.NewRequest{Title: "Clim en panne"})
		e.settle(t)
		before := e.request(t, r.Number)
		posts := len(e.fake.Messages())
		e.interaction(t, "block-actions.txt", func(p map[string]any) {
			p["actions"] = []any{map[string]any{"action_id": "request_explode", "block_id": "b", "type": "button",
				"value": strconv.FormatInt(r.Number, 10)}}
		})
		eph := e.waitCall(t, "chat.postEphemeral", "user", "U0JEROME01")
		if !strings.Contains(eph.Params["text"], "Je n'ai pas compris cette action") || eph.Params["channel"] != "C0OFFICE01" {
			t.Fatalf("the answer to an unknown action: %+v", eph.Params)
		}
		e.interaction(t, "view-submission.txt", func(p map[string]any) {
			p["view"].(map[string]any)["callback_id"] = "mystery_modal"
		})
		e.waitCall(t, "chat.postMessage", "text", "Je n'ai pas compris cette action")
		// A known action with a value that is no request: the same.
		e.click(t, "U0JEROME01", triageChannel, actPriority, "abc:urgent")
		eventually(t, "the third polite answer", func() bool {
			return len(e.calls("chat.postEphemeral", "text", "Je n'ai pas compris")) == 2
		})
		e.settle(t)
		after := e.request(t, r.Number)
		if after.UpdatedAt != before.UpdatedAt || after.Priority != before.Priority || after.AssigneeID != 0 {
			t.Fatalf("the request changed: %+v → %+v", before, after)
		}
		if n := e.latest(t); n != r.Number {
			t.Fatalf("request #%d filed", n)
		}
		for _, m := range e.fake.Messages()[posts:] {
			if m.Ref == triageRef(r.Number) {
				t.Fatalf("the triage message was posted again: %+v", m)
			}
		}
	})
}
