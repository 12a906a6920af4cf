package slackbot

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"

	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// Through Socket Mode, as a company without a public URL has it: a DM to the bot files a
// request and opens its DM thread, and a wrong modal is answered with its errors in the ack.
func TestFlowsSocketMode(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d, func(c *config.Slack) { c.AppToken = "xapp-1-test" })
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); e.app.RunSocket(ctx) }()
		defer wg.Wait()
		defer stop()
		eventually(t, "the socket to connect", func() bool { return e.fake.Connected() == 1 })

		id, err := e.fake.Push("events_api", fixture(t, "event-message-im.json"), 0)
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, "the ack of "+id, func() bool { _, ok := e.fake.Acked(id); return ok })
		e.settle(t)
		n := e.latest(t)
		if n == 0 {
			t.Fatal("the DM sent through the socket filed nothing")
		}
		if r := e.request(t, n); r.RequesterID != e.helene.ID || r.Channel != request.Slack {
			t.Fatalf("request from the socket's DM: %+v", r)
		}
		e.waitMessage(t, dmRef(n), nil)

		f, err := url.ParseQuery(string(fixture(t, "view-submission.txt")))
		if err != nil {
			t.Fatal(err)
		}
		id, err = e.fake.Push("interactive", []byte(f.Get("payload")), 0)
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, "the ack of "+id, func() bool { _, ok := e.fake.Acked(id); return ok })
		ack, _ := e.fake.Acked(id)
		var resp struct {
			Action string            `json:"response_action"`
			Errors map[string]string `json:"errors"`
		}
		if err := json.Unmarshal(ack.Payload, &resp); err != nil || resp.Action != "errors" ||
			!strings.Contains(resp.Errors["category"], "catégorie") {
			t.Fatalf("the modal's ack: %s (%v)", ack.Payload, err)
		}
		e.settle(t)
		if got := e.latest(t); got != n {
			t.Fatalf("a wrong modal filed #%d", got)
		}
	})
}
