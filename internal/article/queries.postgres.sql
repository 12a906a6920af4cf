-- PostgreSQL reads a JSON array of ids with jsonb_array_elements_text instead of SQLite's json_each.

-- name: by-ids
SELECT id, slug, title, kind, category, tags, audience, status, owner_email, verified_until, body,
       version, created_at, updated_at
FROM articles WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint);
