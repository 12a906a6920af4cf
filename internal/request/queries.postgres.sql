-- PostgreSQL reads a JSON array of ids with jsonb_array_elements_text instead of SQLite's json_each.

-- name: tags-by-ids
SELECT request_id, tag FROM request_tags
WHERE request_id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint) ORDER BY request_id, tag;

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
WHERE r.id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint);

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
WHERE r.number = $1
FOR UPDATE OF r;
