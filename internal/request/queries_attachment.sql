-- Attachments: files of a request and of its messages. The listing never reads the bytes.

-- name: attachment-message
SELECT internal FROM request_messages WHERE id = $1 AND request_id = $2;

-- name: attachment-count
SELECT COUNT(*) FROM request_attachments WHERE request_id = $1 AND COALESCE(message_id, 0) = $2;

-- name: attachment-insert
INSERT INTO request_attachments (request_id, message_id, filename, content_type, size, sha256, data,
                                 uploader_user_id, uploader_person_id, uploader_name, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING id;

-- name: attachments
SELECT a.id, a.request_id, a.message_id, a.filename, a.content_type, a.size, a.sha256,
       a.uploader_user_id, a.uploader_person_id, a.uploader_name, a.created_at
FROM request_attachments a
LEFT JOIN request_messages m ON m.id = a.message_id
WHERE a.request_id = $1 AND ($2 = TRUE OR m.internal IS NULL OR m.internal = FALSE)
ORDER BY a.id;

-- name: attachment-get
SELECT a.id, a.request_id, a.message_id, a.filename, a.content_type, a.size, a.sha256,
       a.uploader_user_id, a.uploader_person_id, a.uploader_name, a.created_at,
       a.data, COALESCE(m.internal, FALSE)
FROM request_attachments a
LEFT JOIN request_messages m ON m.id = a.message_id
WHERE a.id = $1 AND a.request_id = $2;
