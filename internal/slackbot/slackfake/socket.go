package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Ack is the answer a Socket Mode client sent for an envelope.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // the response payload, when the client sent one
}

// socketState is the fake's Socket Mode side: the open websockets and the acks received.
type socketState struct {
	upgrader websocket.Upgrader

	mu       sync.Mutex
	conns    map[*socketConn]bool
	opened   int // websockets ever opened
	acks     []Ack
	envelope int
}

type socketConn struct {
	ws   *websocket.Conn
	wmu  sync.Mutex // gorilla's Conn has one writer at a time
	done chan struct{}
}

func (c *socketConn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(v)
}

func (st *socketState) init() {
	st.conns = map[*socketConn]bool{}
	st.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
}

// serveSocket is the websocket apps.connections.open points to: it says hello, pings every
// 500 ms (slack-go's client drops a connection Slack stops pinging) and records acks.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	st := &s.socket
	ws, err := st.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &socketConn{ws: ws, done: make(chan struct{})}
	st.mu.Lock()
	st.conns[c] = true
	st.opened++
	n := len(st.conns)
	st.mu.Unlock()
	defer func() {
		st.mu.Lock()
		delete(st.conns, c)
		st.mu.Unlock()
		close(c.done)
		ws.Close()
	}()
	if err := c.write(map[string]any{"type": "hello", "num_connections": n,
		"connection_info": map[string]any{"app_id": AppID}}); err != nil {
		return
	}
	go func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-c.done:
				return
			case <-t.C:
				c.wmu.Lock()
				err := ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second))
				c.wmu.Unlock()
				if err != nil {
					return
				}
			}
		}
	}()
	for {
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := ws.ReadJSON(&ack); err != nil {
			return
		}
		st.mu.Lock()
		st.acks = append(st.acks, Ack{EnvelopeID: ack.EnvelopeID, Payload: ack.Payload})
		st.mu.Unlock()
	}
}

// ErrNoSocket is Push without a connected Socket Mode client.
var ErrNoSocket = errors.New("slackfake: no Socket Mode client connected")

// Push sends an envelope of type typ ("events_api", "slash_commands", "interactive") with
// payload (JSON text, or a value to encode) to one connected Socket Mode client, and returns its
// envelope id. retry is the envelope's retry_attempt (0 for the first delivery).
func (s *Server) Push(typ string, payload any, retry int) (string, error) {
	raw, ok := payload.(json.RawMessage)
	if !ok {
		if b, isBytes := payload.([]byte); isBytes {
			raw = b
		} else {
			b, err := json.Marshal(payload)
			if err != nil {
				return "", err
			}
			raw = b
		}
	}
	st := &s.socket
	st.mu.Lock()
	var c *socketConn
	for k := range st.conns {
		c = k
		break
	}
	st.envelope++
	id := fmt.Sprintf("env-%04d", st.envelope)
	st.mu.Unlock()
	if c == nil {
		return "", ErrNoSocket
	}
	return id, c.write(map[string]any{"type": typ, "envelope_id": id, "payload": raw,
		"accepts_response_payload": typ != "events_api", "retry_attempt": retry})
}

// Connected counts the Socket Mode clients connected now.
func (s *Server) Connected() int {
	s.socket.mu.Lock()
	defer s.socket.mu.Unlock()
	return len(s.socket.conns)
}

// Opened counts the websockets ever opened.
func (s *Server) Opened() int {
	s.socket.mu.Lock()
	defer s.socket.mu.Unlock()
	return s.socket.opened
}

// Acked returns the ack of envelope id, once received.
func (s *Server) Acked(id string) (Ack, bool) {
	s.socket.mu.Lock()
	defer s.socket.mu.Unlock()
	for _, a := range s.socket.acks {
		if a.EnvelopeID == id {
			return a, true
		}
	}
	return Ack{}, false
}

// Disconnect closes every open websocket, as Slack does when it rotates connections.
func (s *Server) Disconnect() { s.socket.closeAll() }

func (st *socketState) closeAll() {
	st.mu.Lock()
	defer st.mu.Unlock()
	for c := range st.conns {
		c.ws.Close()
	}
}
