package slackbot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

func TestSocketModeOneHolderAcrossInstances(t *testing.T) {
	testutil.EachSharedDB(t, func(t *testing.T, d1, d2 *db.DB) {
		fake := slackfake.New(t)
		cfg := config.Slack{BotToken: testBotToken, AppToken: "xapp-1-test", APIURL: fake.URL, Command: "/om"}
		p1 := newPlatformWith(t, d1, nil, fake, cfg)
		p2 := newPlatformWith(t, d2, nil, fake, cfg)
		for _, p := range []*platform{p1, p2} {
			p.socketLease = 300 * time.Millisecond
		}
		ctx1, stop1 := context.WithCancel(context.Background())
		ctx2, stop2 := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		defer wg.Wait()
		defer stop2()
		defer stop1()
		wg.Add(2)
		go func() { defer wg.Done(); p1.RunSocket(ctx1) }()
		eventually(t, "the first instance to connect", func() bool { return fake.Connected() == 1 })
		go func() { defer wg.Done(); p2.RunSocket(ctx2) }()
		eventually(t, "the second instance to try the lease", func() bool { return p2.leaseTries.Load() >= 3 })
		if fake.Opened() != 1 || fake.Connected() != 1 {
			t.Fatalf("%d sockets opened, %d connected: want one holder", fake.Opened(), fake.Connected())
		}

		// An event, then Slack's retry of it: both acknowledged, stored once.
		event := fixture(t, "event-message-im.json")
		for retry := range 2 {
			id, err := fake.Push("events_api", event, retry)
			if err != nil {
				t.Fatal(err)
			}
			eventually(t, "the ack of "+id, func() bool { _, ok := fake.Acked(id); return ok })
		}
		if n := len(p1.pending(t, JobInbound)); n != 1 {
			t.Fatalf("%d inbound jobs, want 1", n)
		}
		p1.workOK(t, JobInbound)
		if ev, _, _ := p1.got.counts(); ev != 1 {
			t.Fatalf("%d events processed", ev)
		}

		// The holder stops: the other takes over.
		stop1()
		eventually(t, "the second instance to connect", func() bool { return fake.Opened() == 2 && fake.Connected() == 1 })
		cmd := `{"command":"/om","text":"Plus de café","user_id":"U0HELENE01","channel_id":"C0GENERAL1","trigger_id":"13345224609.1.socket"}`
		id, err := fake.Push("slash_commands", []byte(cmd), 0)
		if err != nil {
			t.Fatal(err)
		}
		var ack slackfake.Ack
		eventually(t, "the command's ack", func() bool { var ok bool; ack, ok = fake.Acked(id); return ok })
		if !strings.Contains(string(ack.Payload), "noté") {
			t.Errorf("the command's ack = %s, want the flows' ephemeral text", ack.Payload)
		}
		p2.workOK(t, JobInbound)
		if _, c, _ := p2.got.counts(); c != 1 || p2.got.commands[0].Text != "Plus de café" {
			t.Errorf("commands processed: %+v", p2.got.commands)
		}
	})
}
