-- The load generator's bulk seeding: the older request history written as the desk would have
-- written it (the row, its tags, its conversation and its timeline), thousands to a
-- transaction. The search index and the audit entries are written by the product's own code
-- (search.Index.PutAll, audit.Log.Record); these statements stand in for the row writes of
-- Create, Update and Reply only.

-- name: counter
SELECT value FROM counters WHERE name = 'request';

-- name: counter-set
UPDATE counters SET value = $1 WHERE name = 'request' AND value < $1;

-- name: request-insert
INSERT INTO requests (number, title, description, requester_id, category_id, priority, status, assignee_id,
                      channel, confidential, first_response_at, resolved_at, closed_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
RETURNING id;

-- name: tag-insert
INSERT INTO request_tags (request_id, tag) VALUES ($1, $2);

-- name: message-insert
INSERT INTO request_messages (request_id, author_person_id, author_user_id, author_name, body, internal, channel, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id;

-- name: event-insert
INSERT INTO request_events (request_id, actor_user_id, actor_name, kind, from_value, to_value, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: people
SELECT id, email, first_name || ' ' || last_name FROM people WHERE active = TRUE ORDER BY id;

-- name: categories
SELECT id, name, confidential_default FROM categories WHERE archived = FALSE ORDER BY position, id;

-- name: active-by-category
-- What an agent's queue holds by category: the requests not resolved or closed, confidential
-- ones aside (an agent sees only those assigned to them).
SELECT COALESCE(category_id, 0), COUNT(*) FROM requests
WHERE status NOT IN ('resolved', 'closed') AND confidential = FALSE
GROUP BY category_id;
