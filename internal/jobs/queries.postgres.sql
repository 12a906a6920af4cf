-- name: claim
-- SKIP LOCKED lets the workers of every instance claim different jobs at the same time instead of
-- queuing on the same row; the row lock is held until the UPDATE commits.
UPDATE jobs SET state = 'running', attempts = attempts + 1, run_at = $2, updated_at = $1
WHERE id = (
    SELECT id FROM jobs
    WHERE state IN ('pending', 'running') AND run_at <= $1 AND attempts < max_attempts
      AND kind IN (SELECT jsonb_array_elements_text($3::jsonb))
    ORDER BY run_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING id, kind, payload, attempts, max_attempts;
