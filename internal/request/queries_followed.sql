-- name: followed-by-person
-- The requests person $1 follows and does not ask (see follow_list.go), the latest updated first,
-- at most $2: not those merged in turn into another, which the person follows as well. The
-- smallest number of the person's own requests merged into each, 0 when they came by a chain of
-- merges.
SELECT r.number, r.status, r.confidential, r.updated_at,
       COALESCE((SELECT MIN(m.number) FROM requests m WHERE m.merged_into_id = r.id AND m.requester_id = $1), 0)
FROM request_followers f
JOIN requests r ON r.id = f.request_id
WHERE f.person_id = $1 AND r.requester_id <> $1 AND r.merged_into_id IS NULL
ORDER BY r.updated_at DESC, r.number DESC
LIMIT $2;

-- name: follower-attachment-get
-- File $1 of request $2 with its bytes, when it came with one of the team's public replies: the
-- only files a follower reads (teamReply in follow_files.go says the same in Go).
SELECT a.id, a.request_id, a.message_id, a.filename, a.content_type, a.size, a.sha256,
       a.uploader_user_id, a.uploader_person_id, a.uploader_name, a.created_at,
       a.data
FROM request_attachments a
JOIN request_messages m ON m.id = a.message_id
WHERE a.id = $1 AND a.request_id = $2 AND m.internal = FALSE AND m.author_user_id IS NOT NULL;
