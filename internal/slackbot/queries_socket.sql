-- The Socket Mode state the settings page shows (socket_state.go). Only the lease's holder
-- writes; each write but the first of a connection names its writer, so that an instance that
-- lost the lease cannot overwrite its successor's state.

-- name: socket-state-start
-- A connection attempt begins: this instance holds the lease; the last error stays until it
-- succeeds. $1 name, $2 holder, $3 now.
INSERT INTO slack_socket_state (name, holder, connected_at, error, updated_at) VALUES ($1, $2, NULL, '', $3)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, connected_at = NULL, updated_at = excluded.updated_at;

-- name: socket-state-connected
UPDATE slack_socket_state SET connected_at = $3, error = '', updated_at = $3 WHERE name = $1 AND holder = $2;

-- name: socket-state-error
-- $4: the failure.
UPDATE slack_socket_state SET connected_at = NULL, error = $4, updated_at = $3 WHERE name = $1 AND holder = $2;

-- name: socket-state-ended
UPDATE slack_socket_state SET connected_at = NULL, updated_at = $3 WHERE name = $1 AND holder = $2;

-- name: socket-state-get
-- The state with the lease's holder while it lasts ($2 now): "connected" is trusted only while
-- the instance that wrote it still holds the lease.
SELECT s.holder, s.connected_at, s.error, s.updated_at, COALESCE(l.holder, '')
FROM slack_socket_state s
LEFT JOIN slack_leases l ON l.name = s.name AND l.expires_at >= $2
WHERE s.name = $1;
