-- The notification preferences of accounts and their daily digest (prefs.go, digest.go).

-- name: prefs-get
SELECT mode, digest_hour, timezone FROM notification_prefs WHERE user_id = $1;

-- name: prefs-put
INSERT INTO notification_prefs (user_id, mode, digest_hour, timezone, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (user_id) DO UPDATE SET mode = excluded.mode, digest_hour = excluded.digest_hour,
    timezone = excluded.timezone, updated_at = excluded.updated_at;

-- name: digest-accounts
-- The active accounts that take a daily digest, with their hour and timezone.
SELECT p.user_id, p.digest_hour, p.timezone
FROM notification_prefs p JOIN users u ON u.id = p.user_id
WHERE p.mode = 'digest' AND u.active;

-- name: digest-sent
SELECT COUNT(*) FROM notification_digests WHERE user_id = $1 AND day = $2;

-- name: digest-last
SELECT MAX(sent_at) FROM notification_digests WHERE user_id = $1;

-- name: digest-insert
INSERT INTO notification_digests (user_id, day, sent_at) VALUES ($1, $2, $3)
ON CONFLICT (user_id, day) DO NOTHING;

-- name: digest-items
-- What the account has not read since $2, in the inbox (not the items of a focus batch), oldest
-- first, at most $3.
SELECT id, user_id, person_id, kind, params, link, request_number, urgent, batch_id,
       held_until, delivered_at, read_at, created_at
FROM notifications
WHERE user_id = $1 AND delivered_at IS NOT NULL AND batch_id IS NULL AND read_at IS NULL AND created_at > $2
ORDER BY id
LIMIT $3;

-- name: digest-recipient
SELECT name, email, language FROM users WHERE id = $1 AND active;
