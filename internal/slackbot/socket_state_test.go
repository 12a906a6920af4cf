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

// The supervisor records the Socket Mode state where every instance reads it: waiting, then
// the error Slack gave for a refused app token, then connected (by which instance, since
// when) once a good one is saved, and waiting again once it stops.
func TestSocketStateRecordedBySupervisor(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		fake := slackfake.New(t)
		fake.AppToken = "xapp-1-good"
		p := newPlatformWith(t, d, nil, fake, config.Slack{APIURL: fake.URL, Command: "/om"})
		p.socketLease, p.socketPoll = 300*time.Millisecond, 20*time.Millisecond
		ctx := context.Background()
		state := func() SocketState {
			t.Helper()
			st, err := p.Store().SocketState(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		save := func(in SettingsInput) {
			t.Helper()
			in.UnknownUsers = UnknownCreate
			if err := p.Store().Save(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		if st := state(); st.State != SocketOff {
			t.Fatalf("state without tokens = %+v, want off", st)
		}
		save(SettingsInput{BotToken: testBotToken, AppToken: "xapp-1-wrong"})
		if st := state(); st.State != SocketWaiting {
			t.Fatalf("state before any supervisor = %+v, want waiting", st)
		}

		run, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); p.RunSocket(run) }()
		defer wg.Wait()
		defer stop()
		testutil.Eventually(t, "the refused app token's error", func() bool { return state().State == SocketError })
		if st := state(); !strings.Contains(st.Error, "invalid_auth") || st.Instance != p.instance {
			t.Errorf("error state = %+v, want Slack's invalid_auth by %s", st, p.instance)
		}

		save(SettingsInput{AppToken: "xapp-1-good"})
		testutil.Eventually(t, "the connection", func() bool { return state().State == SocketConnected })
		st := state()
		if st.Instance != p.instance || !st.Since.Equal(p.clock.now()) || st.Error != "" || fake.Connected() != 1 {
			t.Errorf("connected state = %+v, want %s since %v with no error (%d sockets)", st, p.instance, p.clock.now(), fake.Connected())
		}
		if !strings.Contains(p.instance, "-") {
			t.Errorf("instance name %q, want its host and a suffix", p.instance)
		}

		stop()
		wg.Wait()
		if st := state(); st.State != SocketWaiting {
			t.Errorf("state once the supervisor stopped = %+v, want waiting", st)
		}
	})
}

// A connection recorded by an instance whose lease ran out (it crashed) is not shown as open.
func TestSocketStateTrustsOnlyALiveLease(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		fake := slackfake.New(t)
		p := newPlatformWith(t, d, nil, fake, config.Slack{APIURL: fake.URL, Command: "/om", BotToken: testBotToken, AppToken: "xapp-1-test"})
		ctx := context.Background()
		if held, err := p.lease(ctx); err != nil || !held {
			t.Fatalf("lease: %v %v", held, err)
		}
		p.socketStarting(ctx)
		p.socketConnected(ctx)
		if st, err := p.Store().SocketState(ctx); err != nil || st.State != SocketConnected {
			t.Fatalf("state = %+v, %v: want connected", st, err)
		}
		p.clock.advance(p.socketLease + time.Second)
		if st, err := p.Store().SocketState(ctx); err != nil || st.State != SocketWaiting {
			t.Errorf("state once the lease ran out = %+v, %v: want waiting", st, err)
		}
	})
}
