-- The bible: articles, their versions, links, files and deflections.

-- name: all
SELECT id, slug, title, kind, category, tags, audience, status, owner_email, verified_until, body,
       version, created_at, updated_at
FROM articles ORDER BY slug;

-- name: by-slug
SELECT id, slug, title, kind, category, tags, audience, status, owner_email, verified_until, body,
       version, created_at, updated_at
FROM articles WHERE slug = $1;

-- name: by-id
SELECT id, slug, title, kind, category, tags, audience, status, owner_email, verified_until, body,
       version, created_at, updated_at
FROM articles WHERE id = $1;

-- name: by-ids
-- $1 a JSON array of ids.
SELECT id, slug, title, kind, category, tags, audience, status, owner_email, verified_until, body,
       version, created_at, updated_at
FROM articles WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each($1));

-- name: insert
INSERT INTO articles (slug, title, kind, category, tags, audience, status, owner_email, verified_until, body,
                      version, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)
RETURNING id;

-- name: update
UPDATE articles SET slug = $2, title = $3, kind = $4, category = $5, tags = $6, audience = $7, status = $8,
    owner_email = $9, verified_until = $10, body = $11, version = version + 1, updated_at = $12
WHERE id = $1;

-- name: version-insert
INSERT INTO article_versions (article_id, version, title, kind, category, tags, audience, status, owner_email,
                              verified_until, body, author_name, created_at)
SELECT id, version, title, kind, category, tags, audience, status, owner_email, verified_until, body, $2, $3
FROM articles WHERE id = $1;

-- name: versions
SELECT version, title, kind, category, tags, audience, status, owner_email, verified_until, body, author_name,
       created_at
FROM article_versions WHERE article_id = $1 ORDER BY version DESC;

-- name: version-get
SELECT version, title, kind, category, tags, audience, status, owner_email, verified_until, body, author_name,
       created_at
FROM article_versions WHERE article_id = $1 AND version = $2;

-- name: links-clear
DELETE FROM article_links WHERE article_id = $1;

-- name: link-add
INSERT INTO article_links (article_id, target_slug) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: linked-from
SELECT a.id, a.slug, a.title, a.kind, a.category, a.tags, a.audience, a.status, a.owner_email, a.verified_until,
       a.body, a.version, a.created_at, a.updated_at
FROM article_links l JOIN articles a ON a.id = l.article_id
WHERE l.target_slug = $1
ORDER BY a.title;

-- name: unindexed
SELECT a.id FROM articles a
WHERE NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.kind = 'article' AND d.ref_id = a.id);

-- name: file-insert
INSERT INTO article_files (article_id, filename, content_type, size, sha256, data, uploader_name, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id;

-- name: files
SELECT id, article_id, filename, content_type, size, sha256, uploader_name, created_at
FROM article_files WHERE article_id = $1 ORDER BY id;

-- name: file-get
SELECT id, article_id, filename, content_type, size, sha256, uploader_name, created_at, data
FROM article_files WHERE id = $1;

-- name: file-delete
DELETE FROM article_files WHERE id = $1 AND article_id = $2;

-- name: deflection-insert
INSERT INTO article_deflections (article_id, user_id, person_id, text, created_at, channel, request_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: deflections-between
SELECT COUNT(*) FROM article_deflections WHERE created_at >= $1 AND created_at < $2;

-- name: deflections-by-channel
SELECT channel, COUNT(*) FROM article_deflections WHERE created_at >= $1 AND created_at < $2
GROUP BY channel ORDER BY channel;

-- name: stale-due
-- Published articles past their "verified until" date whose owner was not yet told for it.
SELECT id FROM articles
WHERE verified_until IS NOT NULL AND verified_until < $1 AND owner_email <> ''
  AND (stale_notified IS NULL OR stale_notified <> verified_until)
ORDER BY id
LIMIT 200;

-- name: stale-mark
-- Compare-and-set: one instance marks the article, and only it tells the owner.
UPDATE articles SET stale_notified = verified_until
WHERE id = $1 AND verified_until IS NOT NULL AND (stale_notified IS NULL OR stale_notified <> verified_until);

-- name: user-by-email
SELECT id FROM users WHERE email_key = $1 AND active;

-- name: person-by-email
SELECT id FROM people WHERE email_key = $1;

-- name: files-with-data
-- A pack export carries the files with their bytes.
SELECT id, article_id, filename, content_type, size, sha256, uploader_name, created_at, data
FROM article_files WHERE article_id = $1 ORDER BY id;

-- name: body-set
-- A pack import sets a new article's text once its files have their ids, before its first version.
UPDATE articles SET body = $2 WHERE id = $1;
