package slackbot

import (
	"context"
	"fmt"
	"testing"

	"majordome/internal/db"
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

func TestSlackChannelDMsAndSkipsTheSlackThreadsKinds(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		p := newPlatform(t, d, nil)
		ctx := context.Background()
		zp, err := p.People.Create(ctx, people.Input{FirstName: "Zoé", LastName: "Thomas", Email: "zoe@exemple.fr"})
		if err != nil {
			t.Fatal(err)
		}
		p.fake.AddUser(slackfake.User{ID: zoe, Email: "zoe@exemple.fr", Name: "Zoé Thomas"})
		fromSlack, err := p.Desk.Create(ctx, request.NewRequest{Title: "Plus d'eau chaude", RequesterEmail: zp.Email, Channel: request.Slack})
		if err != nil {
			t.Fatal(err)
		}
		fromWeb, err := p.Desk.Create(ctx, request.NewRequest{Title: "Badge perdu", RequesterEmail: zp.Email, Channel: request.Web})
		if err != nil {
			t.Fatal(err)
		}
		ch := p.Channel()
		if ch.Name() != "slack" {
			t.Fatalf("name %q", ch.Name())
		}
		deliver := func(id int64, kind string, number int64) {
			t.Helper()
			err := ch.Deliver(ctx, notify.Delivery{Notification: notify.Notification{ID: id, PersonID: zp.ID, Kind: kind,
				RequestNumber: number, Link: fmt.Sprintf("/portal/%d", number), To: notify.Recipient{Email: zp.Email, Lang: "fr"}},
				Title: "Nouvelle réponse", Body: "Camille : c'est réparé"})
			if err != nil {
				t.Fatal(err)
			}
		}
		deliver(1, request.NotifyReply, fromSlack.Number)    // the DM thread tells it: skipped
		deliver(2, request.NotifyReply, fromWeb.Number)      // filed on the web: a DM
		deliver(3, request.NotifyResolved, fromSlack.Number) // skipped
		deliver(4, "request.assigned", fromSlack.Number)     // not a requester's kind: a DM
		deliver(2, request.NotifyReply, fromWeb.Number)      // delivered again (a retry): once
		p.workOK(t, JobPost)
		posted := p.fake.Posted()
		want := map[string]int{"notify:2": 1, "notify:4": 1}
		for _, ref := range []string{"notify:1", "notify:2", "notify:3", "notify:4"} {
			if posted[ref] != want[ref] {
				t.Errorf("%s posted %d times, want %d", ref, posted[ref], want[ref])
			}
		}
		for _, m := range p.fake.Messages() {
			if m.Ref == "notify:2" && (m.Channel != "D0ZOE00001" || m.Blocks == "") {
				t.Errorf("notify:2 posted as %+v, want a DM with blocks", m)
			}
		}
		// Nobody on Slack: nothing sent, no error.
		other, err := p.People.Create(ctx, people.Input{FirstName: "Noël", LastName: "Martin", Email: "noel@exemple.fr"})
		if err != nil {
			t.Fatal(err)
		}
		if err := ch.Deliver(ctx, notify.Delivery{Notification: notify.Notification{ID: 9, PersonID: other.ID, Kind: "request.created"}, Title: "x"}); err != nil {
			t.Fatal(err)
		}
		if n := len(p.pending(t, JobPost)); n != 0 {
			t.Errorf("%d posts queued for someone not on Slack", n)
		}
	})
}
