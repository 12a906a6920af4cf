-- The statements of the outgoing email channel. Times are passed in from Go, in UTC.

-- name: thread-insert
-- One Message-ID of a request's thread; an id seen twice (a message fetched again) is kept once.
INSERT INTO mail_thread (message_id, request_number, direction, created_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (message_id) DO NOTHING;

-- name: thread-request
SELECT request_number FROM mail_thread WHERE message_id = $1;

-- name: thread-incoming
-- The Message-IDs the requester's mail client sent on a request, oldest first.
SELECT message_id FROM mail_thread
WHERE request_number = $1 AND direction = 'in'
ORDER BY created_at, message_id;

-- name: settings-get
SELECT address, smtp_url, imap_url, smtp_listen FROM mail_settings WHERE id = 1;

-- name: settings-put
INSERT INTO mail_settings (id, address, smtp_url, imap_url, smtp_listen, updated_at)
VALUES (1, $1, $2, $3, $4, $5)
ON CONFLICT (id) DO UPDATE SET address = excluded.address, smtp_url = excluded.smtp_url,
    imap_url = excluded.imap_url, smtp_listen = excluded.smtp_listen, updated_at = excluded.updated_at;

-- name: outbox-insert
-- A rendered email; a send key rendered already keeps its first rendering.
INSERT INTO mail_outbox (send_key, message_id, request_number, recipient, subject, raw, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
ON CONFLICT (send_key) DO NOTHING;

-- name: outbox-get
SELECT id, message_id, COALESCE(request_number, 0), recipient, subject, raw, status
FROM mail_outbox WHERE send_key = $1;

-- name: outbox-claim
-- The sending job takes the email until $2, unless it is sent or another job holds it.
UPDATE mail_outbox SET sending_until = $2
WHERE id = $1 AND status IN ('pending', 'failing') AND (sending_until IS NULL OR sending_until < $3);

-- name: outbox-claimed
SELECT status, sending_until FROM mail_outbox WHERE id = $1;

-- name: outbox-sent
UPDATE mail_outbox SET sending_until = NULL, status = 'sent', attempts = attempts + 1, last_error = '', sent_at = $2, updated_at = $2
WHERE id = $1;

-- name: outbox-failed
UPDATE mail_outbox SET sending_until = NULL, status = 'failing', attempts = attempts + 1, last_error = $2, updated_at = $3
WHERE id = $1;

-- name: outbox-skipped
UPDATE mail_outbox SET status = 'skipped', last_error = $2, updated_at = $3
WHERE id = $1;

-- name: outbox-failures
-- The admin's list: emails not sent (still retrying, or skipped for a failing address), newest first.
SELECT recipient, subject, status, attempts, last_error, updated_at
FROM mail_outbox WHERE status IN ('failing', 'skipped')
ORDER BY updated_at DESC, id DESC
LIMIT $1;

-- name: failing-put
INSERT INTO mail_failing (address, reason, marked_at) VALUES ($1, $2, $3)
ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, marked_at = excluded.marked_at;

-- name: failing-get
SELECT reason FROM mail_failing WHERE address = $1;

-- name: failing-delete
DELETE FROM mail_failing WHERE address = $1;

-- name: failing-list
SELECT address, reason, marked_at FROM mail_failing ORDER BY marked_at DESC, address LIMIT $1;
