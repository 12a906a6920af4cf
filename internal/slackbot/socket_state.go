package slackbot

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// The states of the Socket Mode connection, as the settings page shows them.
const (
	SocketOff       = "off"       // not in Socket Mode (no app token, or no bot token)
	SocketWaiting   = "waiting"   // no instance connected yet, nor any failure
	SocketConnected = "connected" // an instance holds the lease and its connection is open
	SocketError     = "error"     // the last attempt failed (Slack refused a token, unreachable…)
)

// SocketState is the Socket Mode connection as the instance holding its lease last recorded
// it (in slack_socket_state), so that every instance's settings page shows the same.
type SocketState struct {
	State    string    // SocketOff, SocketWaiting, SocketConnected or SocketError
	Instance string    // the instance connected, or the one that failed
	Since    time.Time // connected since
	Error    string    // SocketError: what went wrong
}

// SocketState reads the state of the Socket Mode connection. "Connected" is believed only while
// the instance that wrote it holds a live lease: one that stopped without a word (a crash) shows
// as waiting once its lease runs out, until another takes over.
func (s *Store) SocketState(ctx context.Context) (SocketState, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return SocketState{}, err
	}
	if !set.SocketMode() || !set.Enabled() {
		return SocketState{State: SocketOff}, nil
	}
	var holder, msg, leaseHolder string
	var since sql.NullTime
	var updated time.Time
	err = s.db.R.QueryRowContext(ctx, s.q.Get("socket-state-get"), socketLeaseName, s.now()).
		Scan(&holder, &since, &msg, &updated, &leaseHolder)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return SocketState{State: SocketWaiting}, nil
	case err != nil:
		return SocketState{}, fmt.Errorf("slackbot: socket state: %w", err)
	}
	switch {
	case since.Valid && leaseHolder == holder:
		return SocketState{State: SocketConnected, Instance: holder, Since: since.Time.UTC()}, nil
	case msg != "":
		return SocketState{State: SocketError, Instance: holder, Error: msg}, nil
	}
	return SocketState{State: SocketWaiting}, nil
}

// The supervisor's records. A failure to record is logged, never fatal: the connection matters
// more than its report.

// socketStarting records that this instance, holding the lease, is connecting.
func (a *App) socketStarting(ctx context.Context) {
	a.socketRecord(ctx, "socket-state-start")
}

// socketConnected records that the connection is open.
func (a *App) socketConnected(ctx context.Context) {
	a.socketRecord(ctx, "socket-state-connected")
}

// socketEnded records that the connection is closed (for a reconnection, or for good).
func (a *App) socketEnded(ctx context.Context) {
	a.socketRecord(ctx, "socket-state-ended")
}

// socketFailed records why the connection failed.
func (a *App) socketFailed(ctx context.Context, err error) {
	msg := strings.TrimSpace(err.Error())
	if r := []rune(msg); len(r) > 300 {
		msg = string(r[:300]) + "…"
	}
	a.socketRecord(ctx, "socket-state-error", msg)
}

func (a *App) socketRecord(ctx context.Context, query string, extra ...any) {
	if ctx.Err() != nil {
		// Stopping: the record is still worth making, as the lease is being released.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
	}
	args := append([]any{socketLeaseName, a.instance, a.now()}, extra...)
	if _, err := a.DB.W.ExecContext(ctx, a.q.Get(query), args...); err != nil {
		a.Log.Warn("slack socket mode: record the state", "err", err)
	}
}

// instanceName names this process in the Socket Mode lease and on the settings page: its host
// and a random suffix, unique among the instances sharing the database.
func instanceName() string {
	b := make([]byte, 4)
	rand.Read(b)
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "majordome"
	}
	return host + "-" + hex.EncodeToString(b)
}
