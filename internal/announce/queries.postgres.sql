-- PostgreSQL reads the audience's JSON arrays of ids with jsonb_array_elements_text instead of
-- SQLite's json_each, and draws the ack token from gen_random_uuid (122 random bits).

-- name: audience-count
SELECT COUNT(*) FROM people p
WHERE p.active = TRUE AND p.external = FALSE
  AND ($1 = 1
       OR p.team_id IN (SELECT jsonb_array_elements_text($2::jsonb)::bigint)
       OR p.site_id IN (SELECT jsonb_array_elements_text($3::jsonb)::bigint)
       OR p.id IN (SELECT jsonb_array_elements_text($4::jsonb)::bigint));

-- name: recipients-insert
INSERT INTO announcement_recipients (announcement_id, person_id, name, email, language, team_id, team_name,
    site_id, site_name, sort_key, search_text, slack_state, email_state, portal_state, token)
SELECT $1, p.id, TRIM(p.first_name || ' ' || p.last_name), p.email, p.language, p.team_id, COALESCE(t.name, ''),
       p.site_id, COALESCE(s.name, ''), p.sort_key, p.search_text, $2, $3, $4, replace(gen_random_uuid()::text, '-', '')
FROM people p
LEFT JOIN teams t ON t.id = p.team_id
LEFT JOIN sites s ON s.id = p.site_id
WHERE p.active = TRUE AND p.external = FALSE
  AND ($5 = 1
       OR p.team_id IN (SELECT jsonb_array_elements_text($6::jsonb)::bigint)
       OR p.site_id IN (SELECT jsonb_array_elements_text($7::jsonb)::bigint)
       OR p.id IN (SELECT jsonb_array_elements_text($8::jsonb)::bigint));
