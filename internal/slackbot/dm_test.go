package slackbot

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"majordome/internal/announce"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// dmChannelOf is the cached DM channel of user, "" for none.
func (p *platform) dmChannelOf(t *testing.T, user string) string {
	t.Helper()
	var ch string
	err := p.DB.R.QueryRow(p.sql("SELECT channel FROM slack_dm_channels WHERE slack_user_id = $1"), user).Scan(&ch)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	return ch
}

func TestDMChannelIsOpenedOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		p := newPlatform(t, d, nil)
		p.fake.AddUser(slackfake.User{ID: zoe, Email: "zoe@exemple.fr", Name: "Zoé Thomas"})
		p.postTx(t, Message{Ref: "request:1:dm", User: zoe, Text: "Demande #1"})
		p.workOK(t, JobPost)
		if n := p.fake.Count("conversations.open"); n != 1 {
			t.Fatalf("%d conversations.open for the first DM, want 1", n)
		}
		if ch := p.dmChannelOf(t, zoe); ch != "D0ZOE00001" {
			t.Fatalf("cached DM channel %q, want D0ZOE00001", ch)
		}
		// The next DMs post straight to it, from this instance or another (the cache is in
		// the database, not in memory).
		p.postTx(t, Message{Ref: "request:2:dm", User: zoe, Text: "Demande #2"})
		p.workOK(t, JobPost)
		other := newPlatformWith(t, d, nil, p.fake, config.Slack{BotToken: testBotToken, SigningSecret: testSecret,
			APIURL: p.fake.URL, Command: "/om"})
		if _, err := other.sendNow(context.Background(), Message{Ref: "request:3:dm", User: zoe, Text: "Demande #3"}); err != nil {
			t.Fatal(err)
		}
		if n := p.fake.Count("conversations.open"); n != 1 {
			t.Errorf("%d conversations.open for three DMs, want 1", n)
		}
		posts := p.fake.Calls("chat.postMessage")
		if len(posts) != 3 {
			t.Fatalf("%d posts, want 3", len(posts))
		}
		for _, c := range posts {
			if c.Params["channel"] != "D0ZOE00001" {
				t.Errorf("posted to %q, want D0ZOE00001", c.Params["channel"])
			}
		}
	})
}

// staleProxy stands in front of the fake Slack and refuses, with its error code, every
// chat.postMessage to a channel it holds stale, as Slack does for a DM channel that is gone.
type staleProxy struct {
	*httptest.Server
	mu      sync.Mutex
	stale   map[string]string // channel → error code
	refused int
}

func newStaleProxy(t *testing.T, fake *slackfake.Server) *staleProxy {
	target, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	sp := &staleProxy{stale: map[string]string{}}
	forward := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	sp.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/chat.postMessage" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var p struct {
				Channel string `json:"channel"`
			}
			_ = json.Unmarshal(body, &p)
			sp.mu.Lock()
			code, ok := sp.stale[p.Channel]
			if ok {
				sp.refused++
			}
			sp.mu.Unlock()
			if ok {
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": code})
				return
			}
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(sp.Close)
	return sp
}

func (sp *staleProxy) refusals() int {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return sp.refused
}

func TestDMStaleChannelIsReopenedOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		fake := slackfake.New(t)
		proxy := newStaleProxy(t, fake)
		p := newPlatformWith(t, d, nil, fake, config.Slack{BotToken: testBotToken, SigningSecret: testSecret,
			APIURL: proxy.URL + "/api/", Command: "/om"})
		// Each way Slack says a DM channel is gone, for a person of its own.
		codes := []string{"channel_not_found", "is_archived", "not_in_channel", "user_disabled"}
		for i, code := range codes {
			user := fmt.Sprintf("U0STALE%03d", i)
			fake.AddUser(slackfake.User{ID: user, Email: user + "@exemple.fr", Name: code})
			// A channel cached long ago that Slack no longer takes.
			if _, err := p.DB.W.Exec(p.sql("INSERT INTO slack_dm_channels (slack_user_id, channel, opened_at) VALUES ($1, $2, $3)"),
				user, "D0OLD"+user, p.now()); err != nil {
				t.Fatal(err)
			}
			proxy.stale["D0OLD"+user] = code
			p.postTx(t, Message{Ref: "dm:" + code, User: user, Text: "Demande " + code})
		}
		p.workOK(t, JobPost)
		if n := proxy.refusals(); n != len(codes) {
			t.Errorf("%d posts refused, want the %d to the stale channels", n, len(codes))
		}
		if n := fake.Count("conversations.open"); n != len(codes) {
			t.Errorf("%d conversations.open, want %d", n, len(codes))
		}
		for i, code := range codes {
			user := fmt.Sprintf("U0STALE%03d", i)
			want := "D0STALE" + user[len("U0STALE"):]
			if got := fake.Posted()["dm:"+code]; got != 1 {
				t.Errorf("%s: delivered %d times, want once", code, got)
				continue
			}
			if ch, _ := p.at(t, "dm:"+code); ch != want {
				t.Errorf("%s: recorded in %q, want the reopened %s", code, ch, want)
			}
			if ch := p.dmChannelOf(t, user); ch != want {
				t.Errorf("%s: cached %q after the reopening, want %s", code, ch, want)
			}
		}
		if n := len(p.pending(t, JobPost)); n != 0 {
			t.Errorf("%d jobs left", n)
		}
	})
}

func TestDMStaleChannelIsNotReopenedTwice(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		fake := slackfake.New(t)
		proxy := newStaleProxy(t, fake)
		p := newPlatformWith(t, d, nil, fake, config.Slack{BotToken: testBotToken, SigningSecret: testSecret,
			APIURL: proxy.URL + "/api/", Command: "/om"})
		fake.AddUser(slackfake.User{ID: zoe, Email: "zoe@exemple.fr", Name: "Zoé Thomas"})
		const helene = "U0HELENE01"
		fake.AddUser(slackfake.User{ID: helene, Email: "helene@exemple.fr", Name: "Hélène Bernard"})
		if _, err := p.DB.W.Exec(p.sql("INSERT INTO slack_dm_channels (slack_user_id, channel, opened_at) VALUES ($1, $2, $3)"),
			zoe, "D0OLDZOE01", p.now()); err != nil {
			t.Fatal(err)
		}
		// The old channel and the reopened one both refused: one reopening, then a refusal
		// recorded, not a loop.
		proxy.stale["D0OLDZOE01"], proxy.stale["D0ZOE00001"] = "is_archived", "is_archived"
		// A channel just opened and refused at once is not reopened either.
		proxy.stale["D0HELENE01"] = "channel_not_found"
		p.postTx(t, Message{Ref: "request:8:dm", User: zoe, Text: "Demande #8"})
		p.postTx(t, Message{Ref: "request:9:dm", User: helene, Text: "Demande #9"})
		p.workOK(t, JobPost) // refusals: logged and recorded, not retried
		if n := proxy.refusals(); n != 3 {
			t.Errorf("%d posts refused, want 2 for Zoé and 1 for Hélène", n)
		}
		if n := fake.Count("conversations.open"); n != 2 {
			t.Errorf("%d conversations.open, want one for each", n)
		}
		if n := len(p.pending(t, JobPost)); n != 0 {
			t.Errorf("%d jobs left", n)
		}
		for _, ref := range []string{"request:8:dm", "request:9:dm"} {
			r, err := p.row(context.Background(), ref)
			if err != nil || r.sentVersion != r.version || r.ts != "" {
				t.Errorf("%s: %+v, %v; want recorded as refused", ref, r, err)
			}
		}
	})
}

// TestAnnounceDMsKeepTheOpeningPace checks that a faster announcement rate stays safe for the
// people the bot never wrote to: their DMs still wait conversations.open's turn (1.2 s), while
// the DMs to people already written to go at the announcement's rate.
func TestAnnounceDMsKeepTheOpeningPace(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		p := newPlatform(t, d, nil)
		ctx := context.Background()
		dl := p.Announcer(&fakeAnnouncements{})
		const interval = 500 * time.Millisecond // 120/min, the default
		dl.SetInterval(interval)
		var rs []announce.Recipient
		for _, u := range []string{"U0ANNE0001", "U0BRUNO001", "U0CHLOE001"} {
			email := u + "@exemple.fr"
			person, err := p.People.Create(ctx, people.Input{FirstName: u, LastName: "Test", Email: email, Language: "fr"})
			if err != nil {
				t.Fatal(err)
			}
			p.fake.AddUser(slackfake.User{ID: u, Email: email, Name: u})
			// Known from a request they wrote on Slack: no users.lookupByEmail in the way.
			if err := p.remember(ctx, u, person); err != nil {
				t.Fatal(err)
			}
			rs = append(rs, announce.Recipient{AnnouncementID: 1, PersonID: person.ID, Email: email, Language: "fr"})
		}
		deliver := func(id int64) time.Duration {
			t.Helper()
			an := announce.Announcement{ID: id, Title: "Coupure d'eau", Body: "Mardi matin.", Importance: announce.Info, Version: 1}
			start := p.clock.now()
			for _, r := range rs {
				if _, err := dl.Deliver(ctx, an, r); err != nil {
					t.Fatal(err)
				}
			}
			return p.clock.now().Sub(start)
		}
		// First contact: three openings, 1.2 s apart whatever the announcement's rate.
		if took := deliver(1); took < 2*rateIntervals["conversations.open"] {
			t.Errorf("3 first-contact DMs took %s, want at least 2 × 1.2 s", took)
		}
		if n := p.fake.Count("conversations.open"); n != 3 {
			t.Fatalf("%d conversations.open, want 3", n)
		}
		// Then the channels are known: the announcement's rate only.
		p.clock.advance(time.Minute)
		if took := deliver(2); took != 2*interval {
			t.Errorf("3 DMs to known channels took %s, want 2 × %s", took, interval)
		}
		if n := p.fake.Count("conversations.open"); n != 3 {
			t.Errorf("%d conversations.open after the second announcement, want still 3", n)
		}
		if n := p.fake.Count("chat.postMessage"); n != 6 {
			t.Errorf("%d DMs, want 6", n)
		}
	})
}
