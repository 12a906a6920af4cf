-- name: get
SELECT p.id, p.first_name, p.last_name, p.email, p.team_id, t.name, p.site_id, s.name,
       p.manager_id, m.email, m.first_name, m.last_name, p.start_date, p.end_date, p.language,
       p.active, p.created_at, p.updated_at, p.review, p.external
FROM people p
LEFT JOIN teams t ON t.id = p.team_id
LEFT JOIN sites s ON s.id = p.site_id
LEFT JOIN people m ON m.id = p.manager_id
WHERE p.id = $1;

-- name: get-by-email
SELECT p.id, p.first_name, p.last_name, p.email, p.team_id, t.name, p.site_id, s.name,
       p.manager_id, m.email, m.first_name, m.last_name, p.start_date, p.end_date, p.language,
       p.active, p.created_at, p.updated_at, p.review, p.external
FROM people p
LEFT JOIN teams t ON t.id = p.team_id
LEFT JOIN sites s ON s.id = p.site_id
LEFT JOIN people m ON m.id = p.manager_id
WHERE p.email_key = $1;

-- name: list
SELECT p.id, p.first_name, p.last_name, p.email, p.team_id, t.name, p.site_id, s.name,
       p.manager_id, m.email, m.first_name, m.last_name, p.start_date, p.end_date, p.language,
       p.active, p.created_at, p.updated_at, p.review, p.external
FROM people p
LEFT JOIN teams t ON t.id = p.team_id
LEFT JOIN sites s ON s.id = p.site_id
LEFT JOIN people m ON m.id = p.manager_id
WHERE ($1 = '' OR p.search_text LIKE $1)
  AND ($2 = '' OR p.search_text LIKE $2)
  AND ($3 = '' OR p.search_text LIKE $3)
  AND ($4 = 0 OR p.team_id = $4)
  AND ($5 = 0 OR p.site_id = $5)
  AND ($6 < 0 OR p.active = ($6 = 1))
  AND ($10 = 0 OR p.review <> '')
  AND ($8 = 0 OR p.sort_key > $7 OR (p.sort_key = $7 AND p.id > $8))
ORDER BY p.sort_key, p.id
LIMIT $9;

-- name: count
SELECT COUNT(*)
FROM people p
WHERE ($1 = '' OR p.search_text LIKE $1)
  AND ($2 = '' OR p.search_text LIKE $2)
  AND ($3 = '' OR p.search_text LIKE $3)
  AND ($4 = 0 OR p.team_id = $4)
  AND ($5 = 0 OR p.site_id = $5)
  AND ($6 < 0 OR p.active = ($6 = 1))
  AND ($7 = 0 OR p.review <> '');

-- name: manager-of
SELECT manager_id FROM people WHERE id = $1;

-- name: insert
INSERT INTO people (first_name, last_name, email, email_key, team_id, site_id, manager_id,
                    start_date, end_date, language, active, sort_key, search_text, created_at, updated_at,
                    review, external)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16)
RETURNING id;

-- name: update
UPDATE people SET first_name = $2, last_name = $3, email = $4, email_key = $5, team_id = $6,
       site_id = $7, manager_id = $8, start_date = $9, end_date = $10, language = $11, active = $12,
       sort_key = $13, search_text = $14, updated_at = $15, review = $16, external = $17
WHERE id = $1;

-- name: set-manager
UPDATE people SET manager_id = $2, updated_at = $3 WHERE id = $1;

-- name: stats
SELECT (SELECT COUNT(*) FROM people WHERE active = TRUE AND external = FALSE),
       (SELECT COUNT(*) FROM people WHERE active = FALSE),
       (SELECT COUNT(*) FROM teams),
       (SELECT COUNT(*) FROM sites);

-- name: team-id
SELECT id FROM teams WHERE name_key = $1;

-- name: team-insert
INSERT INTO teams (name, name_key, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id;

-- name: teams
SELECT t.id, t.name, (SELECT COUNT(*) FROM people p WHERE p.team_id = t.id AND p.active = TRUE)
FROM teams t ORDER BY t.name_key;

-- name: site-id
SELECT id FROM sites WHERE name_key = $1;

-- name: site-insert
INSERT INTO sites (name, name_key, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id;

-- name: site-insert-full
INSERT INTO sites (name, name_key, timezone, holiday_region, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5) RETURNING id;

-- name: site-update
UPDATE sites SET name = $2, name_key = $3, timezone = $4, holiday_region = $5, updated_at = $6 WHERE id = $1;

-- name: sites
SELECT s.id, s.name, s.timezone, s.holiday_region,
       (SELECT COUNT(*) FROM people p WHERE p.site_id = s.id AND p.active = TRUE)
FROM sites s ORDER BY s.name_key;

-- name: site
SELECT s.id, s.name, s.timezone, s.holiday_region,
       (SELECT COUNT(*) FROM people p WHERE p.site_id = s.id AND p.active = TRUE)
FROM sites s WHERE s.id = $1;
