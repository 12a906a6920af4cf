-- name: category-count
SELECT COUNT(*) FROM categories;

-- name: category-insert-default
INSERT INTO categories (name, name_key, confidential_default, position, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5)
ON CONFLICT (name_key) DO NOTHING;

-- name: categories
-- Every category, archived ones included; categories.go puts them in tree order.
SELECT id, name, parent_id, confidential_default, position, archived FROM categories ORDER BY position, name_key, id;

-- name: category-by-key
SELECT id, name, parent_id, confidential_default, position, archived FROM categories WHERE name_key = $1;

-- name: person-id-by-email
SELECT id FROM people WHERE email_key = $1 AND active = TRUE;

-- name: agent
SELECT name, role FROM users WHERE id = $1 AND active = TRUE;

-- name: next-number
UPDATE counters SET value = value + 1 WHERE name = 'request' RETURNING value;

-- name: insert
INSERT INTO requests (number, title, description, requester_id, category_id, priority, status, channel,
                      confidential, created_at, updated_at, assignee_id)
VALUES ($1, $2, $3, $4, $5, $6, 'new', $7, $8, $9, $9, $10)
RETURNING id;

-- name: get
SELECT r.id, r.number, r.title, r.description, r.requester_id, p.first_name || ' ' || p.last_name, p.email,
       r.category_id, c.name, r.priority, r.status, r.assignee_id, u.name, r.due_date, r.channel, r.confidential,
       r.incident_id, r.merged_into_id, r.first_response_at, r.resolved_at, r.closed_at, r.satisfaction,
       r.satisfaction_comment, r.created_at, r.updated_at,
       r.first_response_due_at, r.resolution_due_at, r.sla_paused_at
FROM requests r
JOIN people p ON p.id = r.requester_id
LEFT JOIN categories c ON c.id = r.category_id
LEFT JOIN users u ON u.id = r.assignee_id
WHERE r.number = $1;

-- name: get-locked
-- get inside a transaction that will write the request: PostgreSQL locks its row until the
-- commit (queries.postgres.sql), so that two changes of one request never overwrite each other.
SELECT r.id, r.number, r.title, r.description, r.requester_id, p.first_name || ' ' || p.last_name, p.email,
       r.category_id, c.name, r.priority, r.status, r.assignee_id, u.name, r.due_date, r.channel, r.confidential,
       r.incident_id, r.merged_into_id, r.first_response_at, r.resolved_at, r.closed_at, r.satisfaction,
       r.satisfaction_comment, r.created_at, r.updated_at,
       r.first_response_due_at, r.resolution_due_at, r.sla_paused_at
FROM requests r
JOIN people p ON p.id = r.requester_id
LEFT JOIN categories c ON c.id = r.category_id
LEFT JOIN users u ON u.id = r.assignee_id
WHERE r.number = $1;

-- name: list
-- The listing's rows; Filter.where adds the conditions of the filters that are set, then the
-- order and the limit.
SELECT r.id, r.number, r.title, r.description, r.requester_id, p.first_name || ' ' || p.last_name, p.email,
       r.category_id, c.name, r.priority, r.status, r.assignee_id, u.name, r.due_date, r.channel, r.confidential,
       r.incident_id, r.merged_into_id, r.first_response_at, r.resolved_at, r.closed_at, r.satisfaction,
       r.satisfaction_comment, r.created_at, r.updated_at,
       r.first_response_due_at, r.resolution_due_at, r.sla_paused_at
FROM requests r
JOIN people p ON p.id = r.requester_id
LEFT JOIN categories c ON c.id = r.category_id
LEFT JOIN users u ON u.id = r.assignee_id;

-- name: tags
SELECT tag FROM request_tags WHERE request_id = $1 ORDER BY tag;

-- name: tags-by-ids
-- $1 is a JSON array of request ids: one statement for any number of them, on both engines.
SELECT request_id, tag FROM request_tags WHERE request_id IN (SELECT value FROM json_each($1)) ORDER BY request_id, tag;

-- name: tag-insert
INSERT INTO request_tags (request_id, tag) VALUES ($1, $2);

-- name: tags-delete
DELETE FROM request_tags WHERE request_id = $1;

-- name: update
UPDATE requests SET status = $2, priority = $3, category_id = $4, assignee_id = $5, confidential = $6,
       due_date = $7, resolved_at = $8, closed_at = $9, updated_at = $10
WHERE id = $1;

-- name: touch
UPDATE requests SET updated_at = $2 WHERE id = $1;

-- name: first-response
UPDATE requests SET first_response_at = $2 WHERE id = $1 AND first_response_at IS NULL;

-- name: rate
UPDATE requests SET satisfaction = $2, satisfaction_comment = $3, updated_at = $4 WHERE id = $1;

-- name: event-insert
INSERT INTO request_events (request_id, actor_user_id, actor_name, kind, from_value, to_value, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: events
SELECT id, actor_name, kind, from_value, to_value, created_at FROM request_events WHERE request_id = $1 ORDER BY id;

-- name: message-insert
INSERT INTO request_messages (request_id, author_person_id, author_user_id, author_name, body, internal, channel, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id;

-- name: messages
SELECT id, author_person_id, author_user_id, author_name, body, internal, channel, created_at
FROM request_messages WHERE request_id = $1 AND ($2 = TRUE OR internal = FALSE) ORDER BY id;

-- name: count
-- How many requests a saved view holds; Filter.where adds the conditions.
SELECT COUNT(*)
FROM requests r;

-- name: all-numbers
SELECT number FROM requests ORDER BY number;

-- name: get-by-ids
SELECT r.id, r.number, r.title, r.description, r.requester_id, p.first_name || ' ' || p.last_name, p.email,
       r.category_id, c.name, r.priority, r.status, r.assignee_id, u.name, r.due_date, r.channel, r.confidential,
       r.incident_id, r.merged_into_id, r.first_response_at, r.resolved_at, r.closed_at, r.satisfaction,
       r.satisfaction_comment, r.created_at, r.updated_at,
       r.first_response_due_at, r.resolution_due_at, r.sla_paused_at
FROM requests r
JOIN people p ON p.id = r.requester_id
LEFT JOIN categories c ON c.id = r.category_id
LEFT JOIN users u ON u.id = r.assignee_id
WHERE r.id IN (SELECT value FROM json_each($1));
