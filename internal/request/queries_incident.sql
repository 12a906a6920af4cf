-- Incidents, merges and bulk actions (incident.go, merge.go, bulk.go).

-- name: incident-insert
INSERT INTO incidents (title, description, status, created_by, created_by_name, created_at)
VALUES ($1, $2, 'open', $3, $4, $5)
RETURNING id;

-- name: incident-get
SELECT i.id, i.title, i.description, i.status, i.created_by, COALESCE(NULLIF(i.created_by_name, ''), u.name, ''), i.created_at, i.resolved_at,
       0, 0
FROM incidents i
LEFT JOIN users u ON u.id = i.created_by
WHERE i.id = $1;

-- name: incident-list
-- Open incidents first, then resolved ones, newest first; with how many linked requests the
-- viewer may see ($1 admin, $2 person, $3 agent, $4 account: the listing's visibility rule), and
-- how many of those are not done. The cursor is the last item's (rank, id): $6 is -1 for none.
SELECT i.id, i.title, i.description, i.status, i.created_by, COALESCE(NULLIF(i.created_by_name, ''), u.name, ''), i.created_at, i.resolved_at,
       (SELECT COUNT(*) FROM requests r WHERE r.incident_id = i.id
          AND ($1 = TRUE OR r.requester_id = $2 OR (r.confidential = FALSE AND $3 = TRUE) OR r.assignee_id = $4)),
       (SELECT COUNT(*) FROM requests r WHERE r.incident_id = i.id AND r.status NOT IN ('resolved', 'closed')
          AND ($1 = TRUE OR r.requester_id = $2 OR (r.confidential = FALSE AND $3 = TRUE) OR r.assignee_id = $4))
FROM incidents i
LEFT JOIN users u ON u.id = i.created_by
WHERE ($5 = '' OR i.status = $5)
  AND ($6 < 0
       OR (CASE WHEN i.status = 'open' THEN 0 ELSE 1 END) > $6
       OR ((CASE WHEN i.status = 'open' THEN 0 ELSE 1 END) = $6 AND i.id < $7))
ORDER BY CASE WHEN i.status = 'open' THEN 0 ELSE 1 END, i.id DESC
LIMIT $8;

-- name: incident-resolve
-- Only an open incident resolves: the row is taken, so two agents resolving at once do it once.
UPDATE incidents SET status = 'resolved', resolved_at = $2 WHERE id = $1 AND status = 'open';

-- name: incident-update-insert
INSERT INTO incident_updates (incident_id, kind, author_user_id, author_name, body, created_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: incident-updates
SELECT id, kind, author_name, body, created_at FROM incident_updates WHERE incident_id = $1 ORDER BY id;

-- name: incident-request-ids
-- Every request linked to an incident, whoever may see it: the callers apply CanSee.
SELECT id FROM requests WHERE incident_id = $1 ORDER BY number;

-- name: request-set-incident
UPDATE requests SET incident_id = $2, updated_at = $3 WHERE id = $1;

-- name: request-set-merged
UPDATE requests SET merged_into_id = $2, updated_at = $3 WHERE id = $1;

-- name: request-number-by-id
SELECT number FROM requests WHERE id = $1;

-- name: merged-from-ids
SELECT id FROM requests WHERE merged_into_id = $1 ORDER BY number;

-- name: message-copy-source
SELECT author_person_id, author_user_id, author_name, body, internal, channel, created_at
FROM request_messages WHERE request_id = $1 ORDER BY id;

-- name: follower-insert
INSERT INTO request_followers (request_id, person_id, created_at) VALUES ($1, $2, $3)
ON CONFLICT (request_id, person_id) DO NOTHING;

-- name: followers
SELECT f.person_id, p.first_name || ' ' || p.last_name, p.email
FROM request_followers f
JOIN people p ON p.id = f.person_id
WHERE f.request_id = $1
ORDER BY f.created_at, f.person_id;

-- name: incident-lock
-- Takes an open incident's row until the transaction ends, so that a link or a reply and the
-- incident's resolution happen one after the other (PostgreSQL; SQLite has one writer anyway).
UPDATE incidents SET status = status WHERE id = $1 AND status = 'open';
