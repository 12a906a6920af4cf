-- Statements both engines share. The words are stored differently (an FTS5 table on SQLite, a
-- tsvector column on PostgreSQL): see queries.sqlite.sql and queries.postgres.sql.

-- name: text-put
INSERT INTO search_text (id, title, body)
VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body;

-- name: delete
DELETE FROM search_docs WHERE kind = $1 AND ref_id = $2 RETURNING id;
