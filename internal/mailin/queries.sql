-- The statements of the incoming email channel. Times are passed in from Go, in UTC.

-- name: insert
-- An email already stored (the same Message-ID fetched again, an SMTP retry) is not stored twice:
-- no row comes back.
INSERT INTO mail_inbound (dedup_key, message_id, source, sender, subject, raw, size, state, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)
ON CONFLICT (dedup_key) DO NOTHING
RETURNING id;

-- name: get
SELECT id, message_id, source, sender, subject, raw, state, reason, COALESCE(request_number, 0),
       COALESCE(request_message_id, 0), received_at
FROM mail_inbound WHERE id = $1;

-- name: settle
-- Only a pending email is settled: a job run twice (or two instances) settles it once, and the
-- second one learns from the row count that its work is done.
UPDATE mail_inbound SET state = $2, reason = $3, request_number = $4, request_message_id = $5, processed_at = $6
WHERE id = $1 AND state = 'pending';

-- name: sender-count
-- The emails from one sender received since a time, for the per-sender rate limit.
SELECT COUNT(*) FROM mail_inbound WHERE sender = $1 AND received_at >= $2 AND id <= $3;

-- name: of-request
-- The emails a request was filed from or answered by, oldest first, without their bytes.
SELECT id, message_id, sender, subject, state, COALESCE(request_message_id, 0), received_at
FROM mail_inbound WHERE request_number = $1 AND state IN ('created', 'replied')
ORDER BY received_at, id;

-- name: original
SELECT raw FROM mail_inbound WHERE id = $1 AND request_number = $2 AND state IN ('created', 'replied');

-- name: settings
SELECT unknown_sender, move_to FROM mail_inbound_settings WHERE id = 1;

-- name: settings-upsert
INSERT INTO mail_inbound_settings (id, unknown_sender, move_to, updated_at) VALUES (1, $1, $2, $3)
ON CONFLICT (id) DO UPDATE SET unknown_sender = excluded.unknown_sender, move_to = excluded.move_to,
    updated_at = excluded.updated_at;

-- name: admins
-- The active admins, told of bounces and of runaway senders.
SELECT id FROM users WHERE active = TRUE AND role = 'admin' ORDER BY id;

-- name: recent
-- The latest emails received, for the settings page: what became of each.
SELECT id, message_id, sender, subject, state, reason, COALESCE(request_number, 0), received_at
FROM mail_inbound ORDER BY received_at DESC, id DESC LIMIT $1;
