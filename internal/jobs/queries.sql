-- The statements of the queue. Times are passed in from Go, in UTC, so that both engines compare like
-- with like (SQLite stores them as text) and tests may move the clock.

-- name: insert
-- A key conflicts only with a pending job of the same key (the partial index jobs_pending_key);
-- then nothing is stored and the caller learns it from the row count.
INSERT INTO jobs (kind, payload, unique_key, state, run_at, attempts, max_attempts, last_error, created_at, updated_at)
VALUES ($1, $2, $3, 'pending', $4, 0, $5, '', $6, $6)
ON CONFLICT (unique_key) WHERE state = 'pending' DO NOTHING;

-- name: claim
-- One statement, so the choice and the claim are atomic: SQLite runs it on the single writer
-- connection under the write lock of the database. $1 now, $2 end of the lease, $3 the kinds this
-- instance can run, as a JSON array.
UPDATE jobs SET state = 'running', attempts = attempts + 1, run_at = $2, updated_at = $1
WHERE id = (
    SELECT id FROM jobs
    WHERE state IN ('pending', 'running') AND run_at <= $1 AND attempts < max_attempts
      AND kind IN (SELECT value FROM json_each($3))
    ORDER BY run_at, id
    LIMIT 1
)
RETURNING id, kind, payload, attempts, max_attempts;

-- name: extend
-- The lease is renewed only by the worker that holds it: attempts is the fencing token.
UPDATE jobs SET run_at = $3, updated_at = $4
WHERE id = $1 AND attempts = $2 AND state = 'running';

-- name: complete
DELETE FROM jobs WHERE id = $1 AND attempts = $2 AND state = 'running';

-- name: fail
-- Back to pending for a later attempt, or dead once attempts are spent.
UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'pending' END,
    run_at = $3, last_error = $4, updated_at = $5
WHERE id = $1 AND attempts = $2 AND state = 'running';

-- name: release
-- A job interrupted by shutdown goes back without spending an attempt.
UPDATE jobs SET state = 'pending', attempts = attempts - 1, run_at = $3, updated_at = $3
WHERE id = $1 AND attempts = $2 AND state = 'running';

-- name: bury-lost
-- Running jobs whose lease ran out on their last allowed attempt: the worker died every time, so
-- the job is dead rather than retried for ever.
UPDATE jobs SET state = 'dead', updated_at = $1,
    last_error = 'lease expired: the worker stopped during the last attempt'
        || CASE WHEN last_error <> '' THEN '; before: ' || last_error ELSE '' END
WHERE state = 'running' AND run_at <= $1 AND attempts >= max_attempts;

-- name: stats
SELECT state, COUNT(*) FROM jobs GROUP BY state;

-- name: dead
SELECT id, kind, payload, attempts, last_error, created_at, updated_at
FROM jobs WHERE state = 'dead'
ORDER BY updated_at DESC, id DESC
LIMIT $1;
