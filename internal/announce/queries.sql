-- Statements of the announcements: the announcement, its files and its recipients.
-- The audience filter reads JSON arrays of ids with json_each; queries.postgres.sql overrides
-- the statements that use it (and the random ack token) for PostgreSQL.

-- name: teams
SELECT id, name, name_key FROM teams;

-- name: sites
SELECT id, name, name_key FROM sites;

-- name: staff-by-email
SELECT id FROM people WHERE email_key = $1 AND active = TRUE AND external = FALSE;

-- name: audience-count
SELECT COUNT(*) FROM people p
WHERE p.active = TRUE AND p.external = FALSE
  AND ($1 = 1
       OR p.team_id IN (SELECT value FROM json_each($2))
       OR p.site_id IN (SELECT value FROM json_each($3))
       OR p.id IN (SELECT value FROM json_each($4)));

-- name: recipients-insert
-- Every recipient in one statement, with a snapshot of who they are and a random ack token.
INSERT INTO announcement_recipients (announcement_id, person_id, name, email, language, team_id, team_name,
    site_id, site_name, sort_key, search_text, slack_state, email_state, portal_state, token)
SELECT $1, p.id, TRIM(p.first_name || ' ' || p.last_name), p.email, p.language, p.team_id, COALESCE(t.name, ''),
       p.site_id, COALESCE(s.name, ''), p.sort_key, p.search_text, $2, $3, $4, lower(hex(randomblob(16)))
FROM people p
LEFT JOIN teams t ON t.id = p.team_id
LEFT JOIN sites s ON s.id = p.site_id
WHERE p.active = TRUE AND p.external = FALSE
  AND ($5 = 1
       OR p.team_id IN (SELECT value FROM json_each($6))
       OR p.site_id IN (SELECT value FROM json_each($7))
       OR p.id IN (SELECT value FROM json_each($8)));

-- name: announcement-insert
INSERT INTO announcements (title, body, audience, channels, slack_dm, slack_channel, importance, ack_required,
    ack_by, send_at, status, version, author_user_id, author_name, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14, $14)
RETURNING id;

-- name: announcement-edit
UPDATE announcements SET title = $2, body = $3, audience = $4, channels = $5, slack_dm = $6, slack_channel = $7,
    importance = $8, ack_required = $9, ack_by = $10, send_at = $11, status = $12, updated_at = $13
WHERE id = $1 AND status IN ('draft', 'scheduled');

-- name: announcement-correct
UPDATE announcements SET title = $2, body = $3, version = version + 1, updated_at = $4
WHERE id = $1 AND status IN ('sending', 'sent');

-- name: announcement-start
UPDATE announcements SET status = 'sending', sent_at = $2, updated_at = $2, post_state = $3
WHERE id = $1 AND status IN ('draft', 'scheduled');

-- name: announcement-cancel
UPDATE announcements SET status = 'cancelled', updated_at = $2 WHERE id = $1 AND status IN ('draft', 'scheduled');

-- name: announcement-finish
UPDATE announcements SET status = 'sent', finished_at = $2, updated_at = $2
WHERE id = $1 AND status = 'sending' AND post_state <> 'queued';

-- name: announcement-post
UPDATE announcements SET post_state = $2, post_ref = $3, post_error = $4, post_version = $5 WHERE id = $1;

-- name: announcement-get
SELECT a.id, a.title, a.body, a.audience, a.channels, a.slack_dm, a.slack_channel, a.importance, a.ack_required,
       a.ack_by, a.send_at, a.status, a.version, COALESCE(a.author_user_id, 0), a.author_name, a.created_at,
       a.updated_at, a.sent_at, a.post_state, a.post_ref, a.post_version, a.remind_round, a.auto_reminded_at
FROM announcements a WHERE a.id = $1;

-- name: announcement-list
SELECT a.id, a.title, a.body, a.audience, a.channels, a.slack_dm, a.slack_channel, a.importance, a.ack_required,
       a.ack_by, a.send_at, a.status, a.version, COALESCE(a.author_user_id, 0), a.author_name, a.created_at,
       a.updated_at, a.sent_at, a.post_state, a.post_ref, a.post_version, a.remind_round, a.auto_reminded_at
FROM announcements a WHERE ($1 = 0 OR a.id < $1) ORDER BY a.id DESC LIMIT $2;

-- name: person-banners
-- The portal's banners: what the person has not acknowledged (or, with no acknowledgement
-- asked, not read yet).
SELECT a.id, a.title, a.body, a.audience, a.channels, a.slack_dm, a.slack_channel, a.importance, a.ack_required,
       a.ack_by, a.send_at, a.status, a.version, COALESCE(a.author_user_id, 0), a.author_name, a.created_at,
       a.updated_at, a.sent_at, a.post_state, a.post_ref, a.post_version, a.remind_round, a.auto_reminded_at
FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id
WHERE r.person_id = $1 AND r.portal_state = 'sent' AND a.status IN ('sending', 'sent') AND r.ack_at IS NULL
  AND (a.ack_required = TRUE OR r.read_at IS NULL)
ORDER BY a.id DESC LIMIT 20;

-- name: person-past
SELECT a.id, a.title, a.body, a.audience, a.channels, a.slack_dm, a.slack_channel, a.importance, a.ack_required,
       a.ack_by, a.send_at, a.status, a.version, COALESCE(a.author_user_id, 0), a.author_name, a.created_at,
       a.updated_at, a.sent_at, a.post_state, a.post_ref, a.post_version, a.remind_round, a.auto_reminded_at
FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id
WHERE r.person_id = $1 AND a.status IN ('sending', 'sent')
ORDER BY a.id DESC LIMIT 50;

-- name: counts
-- A recipient is sent when any channel reached them, failed when every channel failed, queued
-- while one is still waiting and none reached them; read and acknowledged count on their own.
SELECT COUNT(*),
       COALESCE(SUM(CASE WHEN s = 0 AND q = 1 THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(s), 0),
       COALESCE(SUM(CASE WHEN s = 0 AND q = 0 AND f = 1 THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(rd), 0),
       COALESCE(SUM(ak), 0)
FROM (SELECT CASE WHEN slack_state = 'sent' OR email_state = 'sent' OR portal_state = 'sent' THEN 1 ELSE 0 END AS s,
             CASE WHEN slack_state = 'queued' OR email_state = 'queued' OR portal_state = 'queued' THEN 1 ELSE 0 END AS q,
             CASE WHEN slack_state = 'failed' OR email_state = 'failed' OR portal_state = 'failed' THEN 1 ELSE 0 END AS f,
             CASE WHEN read_at IS NOT NULL THEN 1 ELSE 0 END AS rd,
             CASE WHEN ack_at IS NOT NULL THEN 1 ELSE 0 END AS ak
      FROM announcement_recipients WHERE announcement_id = $1) x;

-- name: recipients-list
-- One page of recipients by name, filtered by state ($2: '', pending, queued, sent, failed,
-- read, acknowledged), team, site and folded search text; keyset after ($7, $8).
SELECT id, announcement_id, COALESCE(person_id, 0), name, email, language, team_name, site_name, slack_state,
       slack_ref, slack_error, email_state, email_ref, email_error, portal_state, read_at, ack_at, ack_via, token,
       reminded_at, sort_key
FROM announcement_recipients
WHERE announcement_id = $1
  AND ($2 = ''
       OR ($2 = 'pending' AND ack_at IS NULL)
       OR ($2 = 'acknowledged' AND ack_at IS NOT NULL)
       OR ($2 = 'read' AND ack_at IS NULL AND read_at IS NOT NULL)
       OR ($2 = 'sent' AND ack_at IS NULL AND read_at IS NULL
           AND (slack_state = 'sent' OR email_state = 'sent' OR portal_state = 'sent'))
       OR ($2 = 'queued' AND ack_at IS NULL AND read_at IS NULL
           AND NOT (slack_state = 'sent' OR email_state = 'sent' OR portal_state = 'sent')
           AND (slack_state = 'queued' OR email_state = 'queued' OR portal_state = 'queued'))
       OR ($2 = 'failed' AND ack_at IS NULL AND read_at IS NULL
           AND NOT (slack_state = 'sent' OR email_state = 'sent' OR portal_state = 'sent')
           AND NOT (slack_state = 'queued' OR email_state = 'queued' OR portal_state = 'queued')
           AND (slack_state = 'failed' OR email_state = 'failed' OR portal_state = 'failed')))
  AND ($3 = 0 OR team_id = $3)
  AND ($4 = 0 OR site_id = $4)
  AND ($5 = '' OR search_text LIKE '%' || $5 || '%')
  AND ($6 = 0 OR sort_key > $7 OR (sort_key = $7 AND id > $8))
ORDER BY sort_key, id LIMIT $9;

-- name: recipients-all
SELECT id, announcement_id, COALESCE(person_id, 0), name, email, language, team_name, site_name, slack_state,
       slack_ref, slack_error, email_state, email_ref, email_error, portal_state, read_at, ack_at, ack_via, token,
       reminded_at, sort_key
FROM announcement_recipients WHERE announcement_id = $1 ORDER BY sort_key, id;

-- name: recipient-get
SELECT id, announcement_id, COALESCE(person_id, 0), name, email, language, team_name, site_name, slack_state,
       slack_ref, slack_error, email_state, email_ref, email_error, portal_state, read_at, ack_at, ack_via, token,
       reminded_at, sort_key
FROM announcement_recipients WHERE announcement_id = $1 AND person_id = $2;

-- name: recipient-by-token
SELECT id, announcement_id, COALESCE(person_id, 0), name, email, language, team_name, site_name, slack_state,
       slack_ref, slack_error, email_state, email_ref, email_error, portal_state, read_at, ack_at, ack_via, token,
       reminded_at, sort_key
FROM announcement_recipients WHERE token = $1;

-- name: by-team
SELECT team_name, COUNT(*), COALESCE(SUM(CASE WHEN ack_at IS NOT NULL THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN read_at IS NOT NULL THEN 1 ELSE 0 END), 0)
FROM announcement_recipients WHERE announcement_id = $1 GROUP BY team_name ORDER BY team_name;

-- name: by-site
SELECT site_name, COUNT(*), COALESCE(SUM(CASE WHEN ack_at IS NOT NULL THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN read_at IS NOT NULL THEN 1 ELSE 0 END), 0)
FROM announcement_recipients WHERE announcement_id = $1 GROUP BY site_name ORDER BY site_name;

-- name: ack
UPDATE announcement_recipients SET ack_at = $3, ack_via = $4, read_at = COALESCE(read_at, $3),
    read_via = CASE WHEN read_at IS NULL THEN $4 ELSE read_via END
WHERE announcement_id = $1 AND person_id = $2 AND ack_at IS NULL;

-- name: read
UPDATE announcement_recipients SET read_at = $3, read_via = $4
WHERE announcement_id = $1 AND person_id = $2 AND read_at IS NULL;

-- name: due-slack
SELECT id, announcement_id, COALESCE(person_id, 0), name, email, language, team_name, site_name, slack_state,
       slack_ref, slack_error, email_state, email_ref, email_error, portal_state, read_at, ack_at, ack_via, token,
       reminded_at, sort_key, slack_tries
FROM announcement_recipients
WHERE announcement_id = $1 AND slack_state = 'queued' AND (slack_next_at IS NULL OR slack_next_at <= $2)
ORDER BY id LIMIT $3;

-- name: due-email
SELECT id, announcement_id, COALESCE(person_id, 0), name, email, language, team_name, site_name, slack_state,
       slack_ref, slack_error, email_state, email_ref, email_error, portal_state, read_at, ack_at, ack_via, token,
       reminded_at, sort_key, email_tries
FROM announcement_recipients
WHERE announcement_id = $1 AND email_state = 'queued' AND (email_next_at IS NULL OR email_next_at <= $2)
ORDER BY id LIMIT $3;

-- name: next-slack
SELECT slack_next_at FROM announcement_recipients
WHERE announcement_id = $1 AND slack_state = 'queued' AND slack_next_at IS NOT NULL ORDER BY slack_next_at LIMIT 1;

-- name: next-email
SELECT email_next_at FROM announcement_recipients
WHERE announcement_id = $1 AND email_state = 'queued' AND email_next_at IS NOT NULL ORDER BY email_next_at LIMIT 1;

-- name: sent-slack
UPDATE announcement_recipients SET slack_state = 'sent', slack_ref = $2, slack_error = '', slack_next_at = NULL,
    slack_version = $3
WHERE id = $1 AND slack_state = 'queued';

-- name: sent-email
UPDATE announcement_recipients SET email_state = 'sent', email_ref = $2, email_error = '', email_next_at = NULL
WHERE id = $1 AND email_state = 'queued';

-- name: failed-slack
UPDATE announcement_recipients SET slack_state = 'failed', slack_error = $2, slack_next_at = NULL
WHERE id = $1 AND slack_state = 'queued';

-- name: failed-email
UPDATE announcement_recipients SET email_state = 'failed', email_error = $2, email_next_at = NULL
WHERE id = $1 AND email_state = 'queued';

-- name: retry-slack
UPDATE announcement_recipients SET slack_tries = slack_tries + 1, slack_error = $2, slack_next_at = $3
WHERE id = $1 AND slack_state = 'queued';

-- name: retry-email
UPDATE announcement_recipients SET email_tries = email_tries + 1, email_error = $2, email_next_at = $3
WHERE id = $1 AND email_state = 'queued';

-- name: queued-any
SELECT COUNT(*) FROM announcement_recipients
WHERE announcement_id = $1 AND (slack_state = 'queued' OR email_state = 'queued' OR portal_state = 'queued');

-- name: correct-due
SELECT id, announcement_id, COALESCE(person_id, 0), name, email, language, team_name, site_name, slack_state,
       slack_ref, slack_error, email_state, email_ref, email_error, portal_state, read_at, ack_at, ack_via, token,
       reminded_at, sort_key
FROM announcement_recipients
WHERE announcement_id = $1 AND slack_state = 'sent' AND slack_version < $2 AND id > $3
ORDER BY id LIMIT $4;

-- name: correct-done
UPDATE announcement_recipients SET slack_version = $2 WHERE id = $1 AND slack_version < $2;

-- name: stale-any
SELECT COUNT(*) FROM announcement_recipients WHERE announcement_id = $1 AND slack_state = 'sent' AND slack_version < $2;

-- name: remind-round
UPDATE announcements SET remind_round = remind_round + 1, updated_at = $2
WHERE id = $1 AND status IN ('sending', 'sent');

-- name: auto-remind-claim
UPDATE announcements SET remind_round = remind_round + 1, auto_reminded_at = $2
WHERE id = $1 AND status IN ('sending', 'sent') AND auto_reminded_at IS NULL;

-- name: remind-count
SELECT COUNT(*) FROM announcement_recipients
WHERE announcement_id = $1 AND ack_at IS NULL AND (slack_state = 'sent' OR email_state = 'sent');

-- name: remind-due
SELECT id, announcement_id, COALESCE(person_id, 0), name, email, language, team_name, site_name, slack_state,
       slack_ref, slack_error, email_state, email_ref, email_error, portal_state, read_at, ack_at, ack_via, token,
       reminded_at, sort_key
FROM announcement_recipients
WHERE announcement_id = $1 AND ack_at IS NULL AND reminded_round < $2 AND (slack_state = 'sent' OR email_state = 'sent')
ORDER BY id LIMIT $3;

-- name: remind-done
UPDATE announcement_recipients SET reminded_round = $2, reminded_at = $3 WHERE id = $1;

-- name: file-insert
INSERT INTO announcement_files (announcement_id, filename, content_type, size, sha256, data, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: files
SELECT id, filename, content_type, size FROM announcement_files WHERE announcement_id = $1 ORDER BY id;

-- name: files-data
SELECT id, filename, content_type, size, data FROM announcement_files WHERE announcement_id = $1 ORDER BY id;

-- name: file-get
SELECT id, filename, content_type, size, data FROM announcement_files WHERE announcement_id = $1 AND id = $2;

-- name: file-delete
DELETE FROM announcement_files WHERE announcement_id = $1 AND id = $2;
