-- Macros: the desk's canned replies. owner_user_id NULL is a shared macro.

-- name: macros
SELECT id, name, body, owner_user_id, position, created_at, updated_at
FROM macros WHERE owner_user_id IS NULL OR owner_user_id = $1
ORDER BY position, id;

-- name: macro-get
SELECT id, name, body, owner_user_id, position, created_at, updated_at FROM macros WHERE id = $1;

-- name: macro-insert
INSERT INTO macros (name, body, owner_user_id, position, created_at, updated_at)
VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM macros), $4, $4)
RETURNING id;

-- name: macro-update
UPDATE macros SET name = $2, body = $3, owner_user_id = $4, updated_at = $5 WHERE id = $1;

-- name: macro-delete
DELETE FROM macros WHERE id = $1;

-- name: macro-requester
SELECT first_name, last_name FROM people WHERE id = $1;
