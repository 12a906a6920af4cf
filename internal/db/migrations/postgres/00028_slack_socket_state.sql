-- +goose Up
-- slack_socket_state: what the Socket Mode supervisor holding the lease (slack_leases) last saw,
-- so that the settings page of any instance shows it: connected since when, or the last error.
-- Only the lease's holder writes it; the page trusts "connected" only while the lease is alive.
CREATE TABLE slack_socket_state (
    name          TEXT PRIMARY KEY,            -- "socket", as the lease
    holder        TEXT NOT NULL,               -- the instance that wrote it last
    connected_at  TIMESTAMPTZ,                 -- NULL while not connected
    error         TEXT NOT NULL DEFAULT '',    -- the last failure, kept until a connection succeeds
    updated_at    TIMESTAMPTZ NOT NULL
);

-- +goose Down
-- Forward-only.
