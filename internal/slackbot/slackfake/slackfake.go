// Package slackfake is a fake Slack for tests: an httptest server that speaks the Web API methods
// Majordome uses, records every call for assertions, can fail a method on demand (a 429 with
// Retry-After, a 500, a lost answer), and serves Socket Mode (apps.connections.open and a
// websocket that pushes envelopes and records acks), and files (files.info and their private
// download URLs, files.go). Point config.Slack.APIURL at URL.
//
// It answers like Slack does: HTTP 200 with {"ok": true, …} or {"ok": false, "error": "…"},
// with slack-go's own types where the library has them, so that slack-go and Majordome's own
// client parse the answers as they would Slack's.
package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Fixed identities of the fake workspace.
const (
	TeamID    = "T0EXEMPLE"
	BotUserID = "U0MAJORDOM"
	BotID     = "B0MAJORDOM"
	AppID     = "A0MAJORDOM"
)

// Call is one Web API call the fake received.
type Call struct {
	Method string
	Token  string            // the bearer token (or the form's token)
	Params map[string]string // form values, or the JSON body's fields (objects and arrays as JSON text)
	At     time.Time
}

// User is a member of the fake workspace.
type User struct {
	ID       string
	Email    string
	Name     string // the display name, e.g. "Zoé Thomas"
	Deleted  bool
	IsBot    bool
	Timezone string
}

// Message is a message the fake holds, as posted (and updated) through the API.
type Message struct {
	Channel  string
	TS       string
	ThreadTS string
	Text     string
	Blocks   string // the blocks as JSON text, "" for none
	User     string // the author: the bot for what the API posted
	Ref      string // metadata.event_payload.ref, Majordome's name for the message
	Updates  int    // how many chat.update calls changed it
}

type failure struct {
	status     int
	retryAfter int  // seconds; 0 for no header
	n          int  // how many more calls fail; <0 for every call until Heal
	drop       bool // do the work, then lose the answer
}

// Server is a running fake Slack.
type Server struct {
	// URL is the Web API base URL, ending in "/", for config.Slack.APIURL.
	URL string
	// BotToken and AppToken are the tokens the fake accepts; "" accepts any of the right kind.
	BotToken, AppToken string

	srv *httptest.Server

	mu       sync.Mutex
	calls    []Call
	users    map[string]User
	failures map[string]*failure
	messages []*Message
	files    map[string]File
	seq      int
	lastTS   int64 // microseconds
	socket   socketState
	hold     *hold // answers held until Release (hold.go); nil for none
}

// New starts a fake Slack, closed at the end of the test.
func New(t interface{ Cleanup(func()) }) *Server {
	s := &Server{users: map[string]User{}, failures: map[string]*failure{}, files: map[string]File{}}
	s.socket.init()
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.serveAPI)
	mux.HandleFunc("/socket", s.serveSocket)
	mux.HandleFunc("GET /files-pri/{key}/download/{name}", s.serveFile)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/api/"
	t.Cleanup(s.Close)
	return s
}

// Close stops the server and the sockets.
func (s *Server) Close() {
	s.socket.closeAll()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// AddUser adds (or replaces) a member of the workspace.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// Fail makes the next n calls of method answer HTTP status (n < 0: every call until Heal), with
// Retry-After: retryAfter seconds when retryAfter > 0. Nothing is done for those calls, but they
// are recorded. DownloadMethod fails the downloads of files.
func (s *Server) Fail(method string, n, status, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = &failure{status: status, retryAfter: retryAfter, n: n}
}

// RateLimit makes the next n calls of method answer 429 with Retry-After.
func (s *Server) RateLimit(method string, n, retryAfter int) { s.Fail(method, n, 429, retryAfter) }

// DropAnswer makes the next n calls of method do their work (a message is posted) and then
// answer 502, as if the answer was lost on the way back or the caller crashed before reading it.
func (s *Server) DropAnswer(method string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = &failure{status: http.StatusBadGateway, n: n, drop: true}
}

// Heal stops the failures of method ("" for every method).
func (s *Server) Heal(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if method == "" {
		clear(s.failures)
		return
	}
	delete(s.failures, method)
}

// Calls returns the calls received for method ("" for all), oldest first.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Count is len(Calls(method)).
func (s *Server) Count(method string) int { return len(s.Calls(method)) }

// Messages returns the messages posted, oldest first (copies).
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		out[i] = *m
	}
	return out
}

// Posted counts the messages posted under each ref (metadata event_payload.ref): exactly-once
// delivery means 1 for each.
func (s *Server) Posted() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, m := range s.messages {
		if m.Ref != "" {
			out[m.Ref]++
		}
	}
	return out
}

// AddMessage puts a message in a channel, as if someone wrote it, and returns its ts.
func (s *Server) AddMessage(channel, user, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &Message{Channel: channel, TS: s.nextTS(), Text: text, User: user}
	s.messages = append(s.messages, m)
	return m.TS
}

// nextTS is a new message ts: the time in microseconds, as Slack's, and unique.
func (s *Server) nextTS() string {
	s.lastTS = max(time.Now().UnixMicro(), s.lastTS+1)
	return fmt.Sprintf("%d.%06d", s.lastTS/1e6, s.lastTS%1e6)
}

// serveAPI answers one Web API call.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	params, err := readParams(r)
	if err != nil {
		writeJSON(w, http.StatusOK, errorAnswer("invalid_form_data"))
		return
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" {
		token = params["token"]
	}
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: method, Token: token, Params: params, At: time.Now()})
	f := s.failures[method]
	drop := false
	if f != nil && f.n != 0 {
		if f.n > 0 {
			f.n--
		}
		drop = f.drop
		if !f.drop {
			s.mu.Unlock()
			if f.retryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
			}
			http.Error(w, http.StatusText(f.status), f.status)
			return
		}
	}
	answer := s.answer(method, token, params, r)
	s.mu.Unlock()
	s.wait(r.Context(), method)
	if drop {
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

// answer does the work of a call, under s.mu, and returns Slack's answer.
func (s *Server) answer(method, token string, p map[string]string, r *http.Request) any {
	if method == "apps.connections.open" {
		if !strings.HasPrefix(token, "xapp-") || (s.AppToken != "" && token != s.AppToken) {
			return errorAnswer("invalid_auth")
		}
		u := "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/socket"
		return struct {
			slack.SlackResponse
			slack.SocketModeConnection
		}{slack.SlackResponse{Ok: true}, slack.SocketModeConnection{URL: u}}
	}
	if !strings.HasPrefix(token, "xoxb-") || (s.BotToken != "" && token != s.BotToken) {
		return errorAnswer("invalid_auth")
	}
	switch method {
	case "auth.test":
		return struct {
			slack.SlackResponse
			slack.AuthTestResponse
		}{slack.SlackResponse{Ok: true}, slack.AuthTestResponse{URL: "https://exemple.slack.com/", Team: "Exemple",
			User: "majordome", TeamID: TeamID, UserID: BotUserID, BotID: BotID}}
	case "chat.postMessage":
		return s.postMessage(p)
	case "chat.update":
		return s.update(p)
	case "chat.postEphemeral":
		if p["channel"] == "" || p["user"] == "" {
			return errorAnswer("channel_not_found")
		}
		return map[string]any{"ok": true, "message_ts": s.nextTS()}
	case "files.info":
		return s.fileInfo(p)
	case "chat.getPermalink":
		m := s.find(p["channel"], p["message_ts"])
		if m == nil {
			return errorAnswer("message_not_found")
		}
		return map[string]any{"ok": true, "channel": m.Channel,
			"permalink": "https://exemple.slack.com/archives/" + m.Channel + "/p" + strings.ReplaceAll(m.TS, ".", "")}
	case "conversations.open":
		users := p["users"]
		if users == "" || strings.Contains(users, ",") {
			return errorAnswer("not_implemented")
		}
		if _, ok := s.users[users]; !ok {
			return errorAnswer("user_not_found")
		}
		return map[string]any{"ok": true, "channel": slack.Channel{GroupConversation: slack.GroupConversation{
			Conversation: slack.Conversation{ID: "D" + strings.TrimPrefix(users, "U"), IsIM: true}}}}
	case "conversations.history":
		return s.history(p, false)
	case "conversations.replies":
		return s.history(p, true)
	case "users.info":
		u, ok := s.users[p["user"]]
		if !ok {
			return errorAnswer("user_not_found")
		}
		return map[string]any{"ok": true, "user": slackUser(u)}
	case "users.lookupByEmail":
		for _, u := range s.users {
			if strings.EqualFold(u.Email, p["email"]) {
				return map[string]any{"ok": true, "user": slackUser(u)}
			}
		}
		return errorAnswer("users_not_found")
	case "views.open", "views.publish", "views.update", "views.push":
		if method == "views.open" && p["trigger_id"] == "" {
			return errorAnswer("invalid_trigger_id")
		}
		if method == "views.publish" && p["user_id"] == "" {
			return errorAnswer("invalid_arguments")
		}
		var v slack.View
		if err := json.Unmarshal([]byte(p["view"]), &v); err != nil {
			return errorAnswer("invalid_arguments")
		}
		s.seq++
		v.ID = fmt.Sprintf("V%08d", s.seq)
		if p["view_id"] != "" {
			v.ID = p["view_id"]
		}
		return map[string]any{"ok": true, "view": v}
	}
	return errorAnswer("unknown_method")
}

func (s *Server) postMessage(p map[string]string) any {
	ch := p["channel"]
	if ch == "" || strings.HasPrefix(ch, "#") && ch != "#general" {
		return errorAnswer("channel_not_found")
	}
	if p["text"] == "" && p["blocks"] == "" {
		return errorAnswer("no_text")
	}
	if ch == "#general" {
		ch = "C0GENERAL1"
	}
	if t := p["thread_ts"]; t != "" && s.find(ch, t) == nil {
		return errorAnswer("thread_not_found")
	}
	m := &Message{Channel: ch, TS: s.nextTS(), ThreadTS: p["thread_ts"], Text: p["text"], Blocks: p["blocks"],
		User: BotUserID, Ref: refOf(p["metadata"])}
	s.messages = append(s.messages, m)
	return map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS, "message": s.slackMessage(m)}
}

func (s *Server) update(p map[string]string) any {
	m := s.find(p["channel"], p["ts"])
	if m == nil {
		return errorAnswer("message_not_found")
	}
	if p["text"] != "" {
		m.Text = p["text"]
	}
	if p["blocks"] != "" {
		m.Blocks = p["blocks"]
	}
	m.Updates++
	return map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS, "text": m.Text}
}

// history answers conversations.history (the channel's top-level messages, newest first) or
// conversations.replies (a thread: its parent then the replies).
func (s *Server) history(p map[string]string, replies bool) any {
	ch := p["channel"]
	var msgs []slack.Message
	for _, m := range s.messages {
		if m.Channel != ch {
			continue
		}
		if replies {
			if m.TS != p["ts"] && m.ThreadTS != p["ts"] {
				continue
			}
		} else if m.ThreadTS != "" {
			continue
		}
		if o := p["oldest"]; o != "" && m.TS < o {
			continue
		}
		sm := s.slackMessage(m)
		if p["include_all_metadata"] != "true" && p["include_all_metadata"] != "1" {
			sm.Metadata = slack.SlackMetadata{}
		}
		msgs = append(msgs, sm)
	}
	if !replies {
		slices.Reverse(msgs)
	}
	if replies && len(msgs) == 0 {
		return errorAnswer("thread_not_found")
	}
	return slack.GetConversationHistoryResponse{SlackResponse: slack.SlackResponse{Ok: true}, Messages: msgs}
}

func (s *Server) slackMessage(m *Message) slack.Message {
	var sm slack.Message
	sm.Type = "message"
	sm.Channel = m.Channel
	sm.User = m.User
	sm.Text = m.Text
	sm.Timestamp = m.TS
	sm.ThreadTimestamp = m.ThreadTS
	if m.User == BotUserID {
		sm.BotID = BotID
	}
	if m.Ref != "" {
		sm.Metadata = slack.SlackMetadata{EventType: "majordome_message", EventPayload: map[string]any{"ref": m.Ref}}
	}
	return sm
}

func (s *Server) find(channel, ts string) *Message {
	for _, m := range s.messages {
		if m.Channel == channel && m.TS == ts {
			return m
		}
	}
	return nil
}

func slackUser(u User) slack.User {
	tz := u.Timezone
	if tz == "" {
		tz = "Europe/Paris"
	}
	first, last, _ := strings.Cut(u.Name, " ")
	return slack.User{ID: u.ID, TeamID: TeamID, Name: strings.ToLower(strings.ReplaceAll(u.Name, " ", ".")),
		RealName: u.Name, Deleted: u.Deleted, IsBot: u.IsBot, TZ: tz,
		Profile: slack.UserProfile{Email: u.Email, RealName: u.Name, DisplayName: u.Name, FirstName: first, LastName: last}}
}

// refOf reads Majordome's ref from a message's metadata JSON.
func refOf(metadata string) string {
	if metadata == "" {
		return ""
	}
	var md slack.SlackMetadata
	if json.Unmarshal([]byte(metadata), &md) != nil {
		return ""
	}
	ref, _ := md.EventPayload["ref"].(string)
	return ref
}

// readParams reads a call's parameters from the query, a form body or a JSON body.
func readParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		if len(strings.TrimSpace(string(body))) == 0 {
			return out, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, err
		}
		for k, raw := range m {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				out[k] = str
			} else {
				out[k] = string(raw)
			}
		}
		return out, nil
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	for k, v := range vals {
		out[k] = v[0]
	}
	return out, nil
}

func errorAnswer(code string) slack.SlackResponse {
	return slack.SlackResponse{Ok: false, Error: code}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
