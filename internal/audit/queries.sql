-- name: insert
INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, entity_type, entity_id,
                       entity_name, before_json, after_json, request_id, ip)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: list
SELECT id, at, actor_kind, actor_id, actor_name, action, entity_type, entity_id, entity_name,
       before_json, after_json, request_id, ip
FROM audit_log
WHERE ($1 = '' OR entity_type = $1)
  AND ($2 = 0 OR entity_id = $2)
  AND ($3 = '' OR action = $3)
  AND ($4 = '' OR action LIKE $4)
  AND ($5 = '' OR LOWER(actor_name) LIKE LOWER($5))
  AND ($6 IS NULL OR at >= $6)
  AND ($7 IS NULL OR at < $7)
  AND ($8 = 0 OR id < $8)
ORDER BY id DESC
LIMIT $9;
