package slackbot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/search"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// withBible gives the Slack app of e a bible holding the guest Wi-Fi guide (published for
// everyone) and a draft about the same subject, which must never be suggested.
func withBible(t *testing.T, e *flowsEnv) *article.Service {
	t.Helper()
	ctx := context.Background()
	arts := article.New(e.d, audit.New(e.d)).WithSearch(search.New(e.d))
	admin := article.Viewer{UserID: e.camilleUser.ID, Name: "Camille Martin", Role: auth.Admin}
	for _, a := range []article.Article{
		{Title: "Wi-Fi invités", Slug: "wifi-invites", Tags: []string{"wifi"}, Body: "Le réseau *Invités* : le code du jour est affiché à l'accueil."},
		{Title: "Wi-Fi invités (brouillon)", Slug: "wifi-brouillon", Status: article.StatusDraft, Body: "Wi-Fi invités, à relire."},
	} {
		if _, err := arts.Create(ctx, admin, a); err != nil {
			t.Fatal(err)
		}
	}
	e.app.Articles = arts
	return arts
}

// deflections counts the bible's deflections per channel, around now.
func deflections(t *testing.T, arts *article.Service) map[string]int {
	t.Helper()
	now := time.Now()
	by, err := arts.DeflectionsByChannel(context.Background(), now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return by
}

// clickDeflect sends "C'est réglé grâce à ce guide" as user, from an ephemeral message in
// channel (/om's confirmation) or from a message of the DM.
func (e *flowsEnv) clickDeflect(t *testing.T, user, channel string, ephemeral bool, value string) {
	t.Helper()
	e.interaction(t, "block-actions.txt", func(p map[string]any) {
		p["user"] = map[string]any{"id": user}
		p["channel"] = map[string]any{"id": channel}
		p["container"] = map[string]any{"type": "message", "message_ts": "1763370300.000400", "channel_id": channel,
			"is_ephemeral": ephemeral}
		p["actions"] = []any{map[string]any{"action_id": actDeflect, "block_id": "b", "type": "button", "value": value,
			"action_ts": "1763370310.000500"}}
	})
}

// /om "wifi invité": the ephemeral confirmation lists the Wi-Fi guide with its button; the
// click withdraws the request (closed, with a message for the team) and the reports count a
// deflection from Slack, once however often it is clicked. Without a matching guide, the
// confirmation lists nothing.
func TestFlowsDeflectFromCommand(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		arts := withBible(t, e)
		ctx := context.Background()
		e.command(t, "U0ZOE00001", "wifi invité")
		e.settle(t)
		n := e.latest(t)
		eph := e.waitCall(t, "chat.postEphemeral", "text", fmt.Sprintf("#%d", n))
		blocks := eph.Params["blocks"]
		value := fmt.Sprintf("%d:wifi-invites", n)
		for _, want := range []string{"https://majordome.exemple.fr/bible/wifi-invites", `"action_id":"deflect"`,
			`"value":"` + value + `"`, "C'est réglé grâce à ce guide", "Ces guides répondent peut-être"} {
			if !strings.Contains(blocks, want) {
				t.Fatalf("the confirmation lacks %q: %s", want, blocks)
			}
		}
		if strings.Contains(blocks, "wifi-brouillon") {
			t.Fatalf("a draft is suggested: %s", blocks)
		}

		// Hélène cannot withdraw Zoé's request.
		e.clickDeflect(t, "U0HELENE01", "C0GENERAL1", true, value)
		e.settle(t)
		if r := e.request(t, n); r.Status != request.StatusNew {
			t.Fatalf("someone else's click changed the request: %s", r.Status)
		}

		e.clickDeflect(t, "U0ZOE00001", "C0GENERAL1", true, value)
		e.settle(t)
		r := e.request(t, n)
		if r.Status != request.StatusClosed {
			t.Fatalf("the request is %s, want closed", r.Status)
		}
		conv, err := e.desk.Conversation(ctx, request.Viewer{Role: auth.Admin}, r)
		if err != nil {
			t.Fatal(err)
		}
		if last := conv[len(conv)-1]; last.Body != "Réglé grâce à la bible : Wi-Fi invités" || last.AuthorPersonID != e.zoe.ID || last.Internal {
			t.Fatalf("the team reads %+v", last)
		}
		done := e.waitCall(t, "chat.postEphemeral", "text", "est close")
		if done.Params["user"] != "U0ZOE00001" || !strings.Contains(done.Params["text"], "Wi-Fi invités") {
			t.Fatalf("the click's answer: %+v", done.Params)
		}
		if by := deflections(t, arts); by[article.ChannelSlack] != 1 || len(by) != 1 {
			t.Fatalf("deflections: %v, want one from Slack", by)
		}

		// Clicked again: nothing more is counted, and Zoé is told it is settled.
		e.clickDeflect(t, "U0ZOE00001", "C0GENERAL1", true, value)
		e.settle(t)
		e.waitCall(t, "chat.postEphemeral", "text", "déjà réglée")
		if by := deflections(t, arts); by[article.ChannelSlack] != 1 {
			t.Fatalf("deflections after a second click: %v", by)
		}

		// No guide about printers: the confirmation lists nothing.
		e.command(t, "U0ZOE00001", "L'imprimante du 2e est en panne")
		e.settle(t)
		n2 := e.latest(t)
		eph = e.waitCall(t, "chat.postEphemeral", "text", fmt.Sprintf("#%d", n2))
		if strings.Contains(eph.Params["blocks"], actDeflect) || strings.Contains(eph.Params["blocks"], "/bible/") {
			t.Fatalf("suggestions without a matching guide: %s", eph.Params["blocks"])
		}
	})
}

// A request filed by a DM gets the suggestions in its DM thread; the click there updates that
// message and closes the request.
func TestFlowsDeflectFromDM(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		arts := withBible(t, e)
		e.event(t, "event-message-im.json", func(_, in map[string]any) {
			in["text"] = "Bonjour, le wifi invité ne marche plus pour mon rendez-vous"
		})
		e.settle(t)
		n := e.latest(t)
		parent := e.waitMessage(t, dmRef(n), nil)
		sugg := e.waitMessage(t, deflectRef(n), nil)
		if sugg.Channel != "D0HELENE01" || sugg.ThreadTS != parent.TS || !strings.Contains(sugg.Blocks, fmt.Sprintf(`"value":"%d:wifi-invites"`, n)) {
			t.Fatalf("the suggestions: %+v (parent %s)", sugg, parent.TS)
		}
		e.clickDeflect(t, "U0HELENE01", "D0HELENE01", false, fmt.Sprintf("%d:wifi-invites", n))
		e.settle(t)
		if r := e.request(t, n); r.Status != request.StatusClosed {
			t.Fatalf("the request is %s, want closed", r.Status)
		}
		e.waitMessage(t, deflectRef(n), func(m slackfake.Message) bool {
			return m.Updates > 0 && strings.Contains(m.Text, "est close") && !strings.Contains(m.Blocks, actDeflect)
		})
		if by := deflections(t, arts); by[article.ChannelSlack] != 1 {
			t.Fatalf("deflections: %v", by)
		}
	})
}
