-- The statements of the Slack app. Times are passed in from Go, in UTC.

-- name: settings-all
SELECT key, value FROM slack_settings;

-- name: settings-put
INSERT INTO slack_settings (key, value, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at;

-- name: settings-delete
DELETE FROM slack_settings WHERE key = $1;

-- name: msg-upsert
-- A new content bumps the version; the same content again changes nothing, so that a retried
-- caller does not make Slack update the message for nothing.
INSERT INTO slack_messages (ref, body, version, thread_ref, created_at, updated_at)
VALUES ($1, $2, 1, $3, $4, $4)
ON CONFLICT (ref) DO UPDATE SET body = excluded.body, version = slack_messages.version + 1,
    thread_ref = excluded.thread_ref, updated_at = excluded.updated_at
WHERE slack_messages.body <> excluded.body;

-- name: msg-lock
-- One sender per ref: $2 the end of the lock, $3 the sender's token, $4 now.
UPDATE slack_messages SET lock_until = $2, lock_token = $3
WHERE ref = $1 AND (lock_until IS NULL OR lock_until < $4);

-- name: msg-version
SELECT version FROM slack_messages WHERE ref = $1;

-- name: msg-unlock
UPDATE slack_messages SET lock_until = NULL, lock_token = '' WHERE ref = $1 AND lock_token = $2;

-- name: msg-get
SELECT body, version, thread_ref, channel, ts, sent_version, tried_version, tried_at
FROM slack_messages WHERE ref = $1;

-- name: msg-try
-- Written before chat.postMessage: if no answer is recorded, the next attempt looks first.
UPDATE slack_messages SET tried_version = $2, tried_at = $3, channel = $4
WHERE ref = $1 AND lock_token = $5;

-- name: msg-untry
-- Slack refused the post for sure: nothing to look for next time.
UPDATE slack_messages SET tried_version = 0 WHERE ref = $1 AND lock_token = $2;

-- name: msg-sent
-- The result, recorded with the version sent, in the transaction that wakes the thread's waiting
-- replies; the lock ends with it.
UPDATE slack_messages SET channel = $2, ts = $3, sent_version = $4, tried_version = 0, last_error = $5,
    lock_until = NULL, lock_token = '', updated_at = $6
WHERE ref = $1 AND lock_token = $7;

-- name: msg-waiting
-- The replies of a thread that wait for their parent. "thread_ref <> ''" lets SQLite use the
-- partial index on thread_ref (it cannot tell that $1 is not empty): without it every message
-- sent scanned every message ever stored.
SELECT ref FROM slack_messages WHERE thread_ref = $1 AND thread_ref <> '' AND sent_version < version;

-- name: msg-at
SELECT channel, ts FROM slack_messages WHERE ref = $1 AND ts <> '';

-- name: ref-at
SELECT ref FROM slack_messages WHERE channel = $1 AND ts = $2;

-- name: rate-ensure
INSERT INTO slack_rate (bucket, next_at) VALUES ($1, $2) ON CONFLICT (bucket) DO NOTHING;

-- name: rate-take
-- Takes the bucket's slot when it is free: $2 now, $3 the next slot.
UPDATE slack_rate SET next_at = $3 WHERE bucket = $1 AND next_at <= $2;

-- name: rate-next
SELECT next_at FROM slack_rate WHERE bucket = $1;

-- name: rate-push
-- Slack said to wait (429): nobody calls before $2.
UPDATE slack_rate SET next_at = $2 WHERE bucket = $1 AND next_at < $2;

-- name: call-done
SELECT COUNT(*) FROM slack_calls_done WHERE key = $1;

-- name: call-done-put
INSERT INTO slack_calls_done (key, done_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING;

-- name: inbound-put
INSERT INTO slack_inbound (key, received_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING;

-- name: prune-inbound
DELETE FROM slack_inbound WHERE received_at < $1;

-- name: prune-calls
DELETE FROM slack_calls_done WHERE done_at < $1;

-- name: user-person
SELECT person_id FROM slack_users WHERE slack_user_id = $1;

-- name: user-of
SELECT slack_user_id FROM slack_users WHERE person_id = $1 ORDER BY updated_at DESC LIMIT 1;

-- name: user-put
INSERT INTO slack_users (slack_user_id, person_id, email, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (slack_user_id) DO UPDATE SET person_id = excluded.person_id, email = excluded.email,
    updated_at = excluded.updated_at;

-- name: lease-acquire
-- Takes or renews the lease: a free one, an expired one, or ours. $4 now.
INSERT INTO slack_leases (name, holder, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE slack_leases.holder = excluded.holder OR slack_leases.expires_at < $4;

-- name: lease-release
DELETE FROM slack_leases WHERE name = $1 AND holder = $2;

-- name: lease-holder
SELECT holder FROM slack_leases WHERE name = $1 AND expires_at >= $2;
