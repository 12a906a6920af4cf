-- name: user-insert
INSERT INTO users (email, email_key, name, role, password_hash, language, active, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7)
RETURNING id;

-- name: user-get
SELECT id, email, name, role, language, active, password_hash, created_at, last_login_at
FROM users WHERE id = $1;

-- name: user-name
SELECT name FROM users WHERE id = $1;

-- name: user-by-email
SELECT id, email, name, role, language, active, password_hash, created_at, last_login_at
FROM users WHERE email_key = $1;

-- name: users
SELECT id, email, name, role, language, active, password_hash, created_at, last_login_at
FROM users ORDER BY LOWER(name), id;

-- name: user-update
UPDATE users SET email = $2, email_key = $3, name = $4, role = $5, password_hash = $6, language = $7,
       active = $8, updated_at = $9
WHERE id = $1;

-- name: user-logged-in
UPDATE users SET last_login_at = $2 WHERE id = $1;

-- name: admin-count
SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = TRUE;

-- name: session-insert
INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, user_agent, ip)
VALUES ($1, $2, $3, $4, $5, $4, $6, $7);

-- name: session-get
SELECT s.csrf_token, s.expires_at, s.last_seen_at,
       u.id, u.email, u.name, u.role, u.language, u.active, u.password_hash, u.created_at, u.last_login_at
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.active = TRUE;

-- name: session-touch
UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1;

-- name: session-delete
DELETE FROM sessions WHERE id_hash = $1;

-- name: sessions-delete-user
DELETE FROM sessions WHERE user_id = $1;

-- name: sessions-expired-delete
DELETE FROM sessions WHERE expires_at <= $1;

-- name: link-insert
INSERT INTO login_links (token_hash, user_id, purpose, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5);

-- name: link-use
UPDATE login_links SET used_at = $2
WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
RETURNING user_id, purpose;

-- name: links-expired-delete
DELETE FROM login_links WHERE expires_at <= $1;

-- name: attempts-count
SELECT COUNT(*) FROM login_attempts WHERE key = $1 AND at > $2;

-- name: attempt-insert
INSERT INTO login_attempts (key, at) VALUES ($1, $2);

-- name: attempts-clear
DELETE FROM login_attempts WHERE key = $1;

-- name: attempts-old-delete
DELETE FROM login_attempts WHERE at <= $1;

-- name: token-insert
INSERT INTO api_tokens (name, role, prefix, token_hash, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id;

-- name: token-get
SELECT id, name, role, prefix, created_by, created_at, last_used_at, revoked_at
FROM api_tokens WHERE id = $1;

-- name: token-by-hash
SELECT id, name, role, prefix, created_by, created_at, last_used_at, revoked_at
FROM api_tokens WHERE token_hash = $1;

-- name: tokens
SELECT id, name, role, prefix, created_by, created_at, last_used_at, revoked_at
FROM api_tokens ORDER BY id DESC;

-- name: token-used
UPDATE api_tokens SET last_used_at = $2 WHERE id = $1;

-- name: token-revoke
UPDATE api_tokens SET revoked_at = $2 WHERE id = $1;
