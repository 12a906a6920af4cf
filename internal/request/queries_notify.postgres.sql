-- PostgreSQL reads a JSON array with jsonb_array_elements_text instead of SQLite's json_each.

-- name: notify-visibility
SELECT number, requester_id, confidential, COALESCE(assignee_id, 0)
FROM requests WHERE number IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint);
