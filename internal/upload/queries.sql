-- name: insert
INSERT INTO uploads (token_hash, purpose, user_id, filename, content, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: get
SELECT filename, content FROM uploads
WHERE token_hash = $1 AND purpose = $2 AND user_id = $3 AND expires_at > $4;

-- name: delete
DELETE FROM uploads WHERE token_hash = $1;

-- name: expired-delete
DELETE FROM uploads WHERE expires_at <= $1;
