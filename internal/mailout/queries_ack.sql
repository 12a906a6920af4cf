-- The acknowledgement of an email request, and the link of its "C'est réglé" (ack.go).

-- name: ack-link-put
INSERT INTO mail_deflect_links (request_id, token_hash, article_ids, created_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (request_id) DO UPDATE SET token_hash = excluded.token_hash, article_ids = excluded.article_ids,
    created_at = excluded.created_at;

-- name: ack-link-get
SELECT r.number, r.requester_id, l.article_ids
FROM mail_deflect_links l JOIN requests r ON r.id = l.request_id
WHERE l.token_hash = $1;
