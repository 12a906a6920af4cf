-- SQLite: who may see a document in search_docs, its text in search_text, its folded words in
-- the FTS5 table search_fts; all three share the id.

-- name: upsert
INSERT INTO search_docs (kind, ref_id, audience)
VALUES ($1, $2, ' ' || $3 || ' ')
ON CONFLICT (kind, ref_id) DO UPDATE SET audience = excluded.audience
RETURNING id;

-- name: fts-put
INSERT INTO search_fts (rowid, title, body) VALUES ($1, $2, $3);

-- name: fts-delete
DELETE FROM search_fts WHERE rowid = $1;

-- name: search
-- $1 FTS5 expression, $2 kind, $3 JSON array of the tokens of the reader, $4 hits, $5
-- candidates. Only the newest $5 visible matches are ranked, newest first in the index, which
-- bounds the time a vague search takes; the text is read for the hits only. A title match
-- weighs ten body matches.
SELECT m.ref_id, t.title, t.body, -m.score
FROM (
    SELECT c.id, c.ref_id, c.score
    FROM (
        SELECT d.id, d.ref_id, bm25(search_fts, 10.0, 1.0) AS score
        FROM search_fts
        JOIN search_docs d ON d.id = search_fts.rowid
        WHERE search_fts MATCH $1
          AND d.kind = $2
          AND EXISTS (SELECT 1 FROM json_each($3) r WHERE instr(d.audience, ' ' || r.value || ' ') > 0)
        ORDER BY search_fts.rowid DESC
        LIMIT $5
    ) c
    ORDER BY c.score, c.id DESC
    LIMIT $4
) m
JOIN search_text t ON t.id = m.id
ORDER BY m.score, m.id DESC;
