-- The statements of the desk's notifications (notify.go): who hears of a request.

-- name: notify-agents
-- The accounts that work the desk, with the person each one is in the directory (0 for none), so
-- that Viewer.CanSee decides who may hear of a confidential request.
SELECT u.id, u.role, COALESCE(p.id, 0)
FROM users u
LEFT JOIN people p ON p.email_key = u.email_key AND p.active = TRUE
WHERE u.active = TRUE AND u.role IN ('admin', 'agent')
ORDER BY u.id;

-- name: notify-account-of-person
-- The active account of a person of the directory, matched by email, if they have one.
SELECT u.id FROM users u JOIN people p ON p.email_key = u.email_key WHERE p.id = $1 AND u.active = TRUE;

-- name: notify-active-user
SELECT COUNT(*) FROM users WHERE id = $1 AND active = TRUE;

-- name: notify-visibility
-- What decides who sees the requests numbered in the JSON array $1.
SELECT number, requester_id, confidential, COALESCE(assignee_id, 0)
FROM requests WHERE number IN (SELECT value FROM json_each($1));
