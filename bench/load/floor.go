package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"majordome/internal/db"
)

// The floor is the least a create over HTTP can cost on this machine: a bare net/http handler
// that decodes the same JSON body and inserts one row into SQLite, opened by db.Open (so the
// same driver, pragmas and single writer connection as Majordome), on a fresh file of its own.
// The product's create is reported as a ratio to it, measured in the same run by the same
// client.

// startFloor serves the floor on a loopback port and returns its URL and how to stop it.
func startFloor(ctx context.Context, dir string) (string, func(), error) {
	d, err := db.Open(ctx, filepath.Join(dir, "floor.db"))
	if err != nil {
		return "", nil, fmt.Errorf("load: floor: %w", err)
	}
	if _, err := d.W.ExecContext(ctx, `CREATE TABLE floor_requests (
		id INTEGER PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL, requester_email TEXT NOT NULL,
		category TEXT NOT NULL, priority TEXT NOT NULL, confidential BOOLEAN, channel TEXT NOT NULL, tags TEXT NOT NULL,
		created_at TIMESTAMP NOT NULL)`); err != nil {
		d.Close()
		return "", nil, fmt.Errorf("load: floor: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /requests", func(w http.ResponseWriter, r *http.Request) {
		var in createBody
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var id int64
		err := d.W.QueryRowContext(r.Context(), `INSERT INTO floor_requests (title, description, requester_email,
			category, priority, confidential, channel, tags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Title, in.Description, in.RequesterEmail, in.Category, in.Priority, in.Confidential, in.Channel,
			strings.Join(in.Tags, ","), time.Now().UTC()).Scan(&id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":` + strconv.FormatInt(id, 10) + "}\n"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		d.Close()
		return "", nil, fmt.Errorf("load: floor: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln) // ends with ErrServerClosed; a failure before shows as errors of the client
	}()
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		<-done
		d.Close()
	}
	return "http://" + ln.Addr().String(), stop, nil
}
