-- The statements of the notification service. Times are passed in from Go, in UTC.

-- name: insert
INSERT INTO notifications (user_id, person_id, kind, params, link, request_number, urgent, held_until, delivered_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING id;

-- name: get
-- A notification with its recipient, for a channel: the account's name, email and language, or
-- the person's when there is no account.
SELECT n.id, n.user_id, n.person_id, n.kind, n.params, n.link, n.request_number, n.urgent, n.batch_id,
       n.held_until, n.delivered_at, n.read_at, n.created_at,
       COALESCE(u.name, p.first_name || ' ' || p.last_name, ''), COALESCE(u.email, p.email, ''),
       COALESCE(u.language, p.language, 'fr')
FROM notifications n
LEFT JOIN users u ON u.id = n.user_id
LEFT JOIN people p ON p.id = n.person_id
WHERE n.id = $1;

-- name: list
-- The inbox, newest first: delivered notifications outside batches, before the cursor $2 (0: from
-- the newest).
SELECT id, user_id, person_id, kind, params, link, request_number, urgent, batch_id,
       held_until, delivered_at, read_at, created_at
FROM notifications
WHERE user_id = $1 AND delivered_at IS NOT NULL AND batch_id IS NULL AND ($2 = 0 OR id < $2)
ORDER BY id DESC
LIMIT $3;

-- name: batch-items
-- The notifications released by the batches whose ids lie between $2 and $3 (those of one page
-- of the inbox).
SELECT id, user_id, person_id, kind, params, link, request_number, urgent, batch_id,
       held_until, delivered_at, read_at, created_at
FROM notifications
WHERE user_id = $1 AND batch_id BETWEEN $2 AND $3
ORDER BY id DESC;

-- name: unread
SELECT COUNT(*) FROM notifications
WHERE user_id = $1 AND read_at IS NULL AND delivered_at IS NOT NULL AND batch_id IS NULL;

-- name: held
SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND delivered_at IS NULL;

-- name: overdue
SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND delivered_at IS NULL AND held_until <= $2;

-- name: link
SELECT link FROM notifications WHERE id = $1 AND user_id = $2 AND delivered_at IS NOT NULL;

-- name: mark-read
-- A notification, and for a batch everything it released.
UPDATE notifications SET read_at = $3
WHERE user_id = $1 AND (id = $2 OR batch_id = $2) AND read_at IS NULL AND delivered_at IS NOT NULL;

-- name: mark-batch-read
-- The batch of notification $2 once everything it released is read.
UPDATE notifications SET read_at = $3
WHERE user_id = $1 AND read_at IS NULL
  AND id = (SELECT batch_id FROM notifications WHERE id = $2 AND user_id = $1)
  AND NOT EXISTS (SELECT 1 FROM notifications i WHERE i.batch_id = notifications.id AND i.read_at IS NULL);

-- name: mark-all-read
UPDATE notifications SET read_at = $2
WHERE user_id = $1 AND read_at IS NULL AND delivered_at IS NOT NULL;

-- name: release
-- Delivers everything held for $1 into the batch $3. Only rows still held change: a second
-- release racing this one (another instance, focus stopped by hand) finds nothing left, on
-- PostgreSQL because the row locks make it re-check delivered_at once the first commits.
UPDATE notifications SET delivered_at = $2, batch_id = $3
WHERE user_id = $1 AND delivered_at IS NULL AND id <> $3
RETURNING id, kind, params, request_number;

-- name: unbatch
UPDATE notifications SET batch_id = NULL WHERE id = $1;

-- name: delete
DELETE FROM notifications WHERE id = $1;

-- name: set-params
UPDATE notifications SET params = $2 WHERE id = $1;

-- name: rehold
-- Focus was extended: what is held now waits for the new end.
UPDATE notifications SET held_until = $2 WHERE user_id = $1 AND delivered_at IS NULL;

-- name: delivered
SELECT COUNT(*) FROM notification_deliveries WHERE notification_id = $1 AND channel = $2;

-- name: delivery-insert
INSERT INTO notification_deliveries (notification_id, channel, delivered_at) VALUES ($1, $2, $3)
ON CONFLICT (notification_id, channel) DO NOTHING;

-- name: blocks
SELECT id, weekdays, start_min, end_min, timezone FROM focus_blocks WHERE user_id = $1 ORDER BY start_min, end_min, id;

-- name: block-insert
INSERT INTO focus_blocks (user_id, weekdays, start_min, end_min, timezone, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
RETURNING id;

-- name: block-update
UPDATE focus_blocks SET weekdays = $3, start_min = $4, end_min = $5, timezone = $6, updated_at = $7
WHERE id = $1 AND user_id = $2;

-- name: block-delete
DELETE FROM focus_blocks WHERE id = $1 AND user_id = $2;

-- name: focus-now
SELECT ends_at, blocks_off_until FROM focus_now WHERE user_id = $1;

-- name: focus-now-set
INSERT INTO focus_now (user_id, ends_at, blocks_off_until, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (user_id) DO UPDATE SET ends_at = excluded.ends_at, blocks_off_until = excluded.blocks_off_until,
    updated_at = excluded.updated_at;
