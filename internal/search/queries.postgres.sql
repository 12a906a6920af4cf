-- PostgreSQL: the words live in search_docs.words, a tsvector under a GIN index. The text given
-- is already folded into words by the package, so the 'simple' configuration only splits on the
-- spaces and keeps every word as is.

-- name: upsert
INSERT INTO search_docs (kind, ref_id, audience, words)
VALUES ($1, $2, string_to_array($3, ' '),
        setweight(to_tsvector('simple', $4), 'A') || setweight(to_tsvector('simple', $5), 'D'))
ON CONFLICT (kind, ref_id) DO UPDATE SET audience = excluded.audience, words = excluded.words
RETURNING id;

-- name: search
-- $1 tsquery text, $2 kind, $3 JSON array of the tokens of the reader, $4 hits, $5 candidates.
-- As on SQLite, only the newest $5 visible matches are ranked. The matches are gathered from
-- the GIN index first (MATERIALIZED): left to itself the planner may instead walk the table
-- backwards from the newest row, testing each, which is quick for a common word and takes
-- seconds for a rare pair it wrongly thought common. ts_rank_cd weighs a title (A) word 1.0
-- and a body (D) word 0.1, and rewards the words found close together.
WITH matches AS MATERIALIZED (
    SELECT d.id
    FROM search_docs d
    WHERE d.words @@ to_tsquery('simple', $1)
      AND d.kind = $2
      AND d.audience && ARRAY(SELECT jsonb_array_elements_text($3::text::jsonb))
), ranked AS (
    SELECT d.id, ts_rank_cd(d.words, to_tsquery('simple', $1)) AS score
    FROM (SELECT id FROM matches ORDER BY id DESC LIMIT $5) c
    JOIN search_docs d ON d.id = c.id
    ORDER BY score DESC, d.id DESC
    LIMIT $4
)
SELECT d.ref_id, t.title, t.body, r.score
FROM ranked r
JOIN search_docs d ON d.id = r.id
JOIN search_text t ON t.id = r.id
ORDER BY r.score DESC, r.id DESC;
