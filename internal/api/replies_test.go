package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// messageJSON is a message as the API shows it.
type messageJSON struct {
	ID     int64 `json:"id"`
	Author struct {
		Name string `json:"name"`
	} `json:"author"`
	Body      string `json:"body"`
	Internal  bool   `json:"internal"`
	Channel   string `json:"channel"`
	CreatedAt string `json:"created_at"`
}

type messageListJSON struct {
	Items      []messageJSON `json:"items"`
	NextCursor *string       `json:"next_cursor"`
}

func TestRepliesAndNotes(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		req := k.file(request.NewRequest{Title: "Imprimante bloquée", RequesterEmail: "zoe.thomas@exemple.fr"})
		path := "/api/v1/requests/" + itoa(req.Number)
		post := func(token string, body map[string]any) messageJSON {
			t.Helper()
			r := k.do(call{method: "POST", path: path + "/replies", token: token, body: body})
			if r.Status != 201 {
				t.Fatalf("reply %v: %d %s", body, r.Status, r.Body)
			}
			var m messageJSON
			r.decode(t, &m)
			return m
		}
		messages := func(token string) (reply, messageListJSON) {
			t.Helper()
			r := k.do(call{method: "GET", path: path + "/messages", token: token})
			var l messageListJSON
			if r.Status == 200 {
				r.decode(t, &l)
			}
			return r, l
		}

		pub := post(k.agent, map[string]any{"body": "  Avez-vous essayé de la redémarrer ?  "})
		if pub.Internal || pub.Author.Name != "Intégration Slack" || pub.Body != "Avez-vous essayé de la redémarrer ?" ||
			pub.Channel != "api" || !strings.HasSuffix(pub.CreatedAt, "Z") {
			t.Errorf("public reply: %+v", pub)
		}
		if _, got := k.get(k.agent, req.Number); got.Status != "open" || got.FirstResponseAt == nil {
			t.Errorf("a first public reply opens the request and is its first response: %s %s", got.Status, deref(got.FirstResponseAt))
		}
		note := post(k.admin, map[string]any{"body": "Toner à commander", "internal": true})
		if !note.Internal || note.Author.Name != "Admin" {
			t.Errorf("note: %+v", note)
		}

		r, l := messages(k.agent)
		if r.Status != 200 || len(l.Items) != 2 || l.Items[0].ID != pub.ID || l.Items[1].ID != note.ID || !l.Items[1].Internal || l.NextCursor != nil {
			t.Fatalf("an agent reads the reply and the note, oldest first: %s", r.Body)
		}
		// An employee token is no person, so it sees no request at all: the conversation, notes
		// and all, answers 404 exactly as a request that does not exist.
		r, _ = messages(k.employee)
		if p := problemOf(t, r, 404); strings.Contains(string(r.Body), "Toner") || p.Detail != notFoundDetail(t, k) {
			t.Errorf("an employee token must learn nothing: %s", r.Body)
		}
		problemOf(t, k.do(call{method: "POST", path: path + "/replies", token: k.employee, body: map[string]any{"body": "Note", "internal": true}}), 403)

		// Refusals: nothing is added.
		refusals := []struct {
			name       string
			body       any
			status     int
			field      string
			docRejects bool
		}{
			{"empty body", map[string]any{"body": ""}, 422, "body", true},
			{"blank body", map[string]any{"body": " \n "}, 422, "body", true},
			{"no body", map[string]any{"internal": true}, 422, "body", true},
			{"internal not a boolean", map[string]any{"body": "x", "internal": "oui"}, 422, "internal", true},
			{"unknown field", map[string]any{"body": "x", "author": "moi"}, 400, "author", true},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				r := k.do(call{method: "POST", path: path + "/replies", token: k.agent, body: tt.body, docRejects: tt.docRejects})
				if p := problemOf(t, r, tt.status); p.fieldCode(tt.field) == "" {
					t.Errorf("the problem should name %s: %s", tt.field, r.Body)
				}
			})
		}
		if _, l := messages(k.agent); len(l.Items) != 2 {
			t.Errorf("refused replies were stored: %d messages", len(l.Items))
		}
		problemOf(t, k.do(call{method: "POST", path: "/api/v1/requests/999999/replies", token: k.agent, body: map[string]any{"body": "x"}}), 404)
		problemOf(t, k.do(call{method: "GET", path: "/api/v1/requests/999999/messages", token: k.agent}), 404)

		// A closed request takes no more replies, public or internal.
		if r := k.do(call{method: "PATCH", path: path, token: k.agent, body: map[string]any{"status": "closed"}}); r.Status != 200 {
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		for _, internal := range []bool{false, true} {
			r := k.do(call{method: "POST", path: path + "/replies", token: k.agent, body: map[string]any{"body": "Encore une chose", "internal": internal}})
			if p := problemOf(t, r, 409); p.Type != "https://majordome.dev/problems/request-closed" {
				t.Errorf("reply to a closed request: %s", r.Body)
			}
		}
		if _, l := messages(k.agent); len(l.Items) != 2 {
			t.Errorf("a reply to a closed request was stored: %d messages", len(l.Items))
		}
	})
}

// notFoundDetail is the detail of the 404 for a request that does not exist.
func notFoundDetail(t *testing.T, k desk) string {
	t.Helper()
	return problemOf(t, k.do(call{method: "GET", path: "/api/v1/requests/999999", token: k.admin}), 404).Detail
}

func TestConfidentialRequestsAndAgentTokens(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		ctx := context.Background()
		pay := k.file(request.NewRequest{Title: "Erreur sur ma fiche de paie", RequesterEmail: "zoe.thomas@exemple.fr", Category: "RH & paie"})
		wifi := k.file(request.NewRequest{Title: "Wi-Fi en panne", RequesterEmail: "helene.dupre@exemple.fr", Category: "IT & Wi-Fi"})
		if !pay.Confidential || wifi.Confidential {
			t.Fatalf("setup: pay %v, wifi %v", pay.Confidential, wifi.Confidential)
		}
		// Assigned to an agent account, it stays hidden from agent tokens: a token is not that
		// account.
		admin := request.Viewer{Role: auth.Admin, Name: "test"}
		if _, err := k.Requests.Update(ctx, admin, pay.Number, request.Change{AssigneeID: &k.jerome.ID}); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/requests/" + itoa(pay.Number)
		missing := notFoundDetail(t, k)
		before := k.stored(pay.Number)

		hidden := []call{
			{method: "GET", path: path},
			{method: "PATCH", path: path, body: map[string]any{"status": "closed"}},
			{method: "PATCH", path: path, body: map[string]any{"confidential": false}},
			{method: "POST", path: path + "/replies", body: map[string]any{"body": "Je regarde"}},
			{method: "POST", path: path + "/replies", body: map[string]any{"body": "Note", "internal": true}},
			{method: "GET", path: path + "/messages"},
		}
		for _, c := range hidden {
			t.Run("agent "+c.method+" "+c.path, func(t *testing.T) {
				c.token = k.agent
				r := k.do(c)
				if p := problemOf(t, r, 404); p.Detail != missing {
					t.Errorf("a hidden request must answer as a missing one: %q, want %q", p.Detail, missing)
				}
				if strings.Contains(string(r.Body), "paie") {
					t.Errorf("the answer leaks the request: %s", r.Body)
				}
			})
		}
		after := k.stored(pay.Number)
		msgs, err := k.Requests.Conversation(ctx, admin, after)
		if err != nil {
			t.Fatal(err)
		}
		if after.Status != before.Status || !after.Confidential || len(msgs) != 0 {
			t.Errorf("the agent token changed a request it cannot see: %s, confidential %v, %d messages", after.Status, after.Confidential, len(msgs))
		}

		list := func(token, query string) []int64 {
			t.Helper()
			var l requestListJSON
			r := k.do(call{method: "GET", path: "/api/v1/requests" + query, token: token})
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			r.decode(t, &l)
			return l.numbers()
		}
		if got := list(k.agent, ""); !slices.Equal(got, []int64{wifi.Number}) {
			t.Errorf("the agent token lists %v, want only %d", got, wifi.Number)
		}
		if got := list(k.agent, "?confidential=true"); len(got) != 0 {
			t.Errorf("the agent token lists confidential requests: %v", got)
		}
		if got := list(k.agent, "?assignee=jerome.lefevre@exemple.fr"); len(got) != 0 {
			t.Errorf("the agent token lists the confidential request of an agent account: %v", got)
		}
		if got := list(k.admin, "?confidential=true"); !slices.Equal(got, []int64{pay.Number}) {
			t.Errorf("the admin token lists %v, want %d", got, pay.Number)
		}

		// The admin token sees it, and reading it leaves a trace naming the token.
		r, got := k.get(k.admin, pay.Number)
		if r.Status != 200 || !got.Confidential || got.Title != pay.Title {
			t.Fatalf("admin get: %d %s", r.Status, r.Body)
		}
		reads, _, err := k.Audit.List(ctx, audit.Filter{Action: "request.read"})
		if err != nil {
			t.Fatal(err)
		}
		if len(reads) == 0 || reads[0].ActorName != "Admin" || reads[0].EntityName != pay.Ref() {
			t.Errorf("the read of a confidential request is audited: %+v", reads)
		}
	})
}
