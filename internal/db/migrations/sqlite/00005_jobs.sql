-- +goose Up
-- The durable job queue (internal/jobs): background work that must survive restarts and run once
-- across instances. A finished job is deleted; a job that failed MaxAttempts times stays as 'dead'
-- with its last error, for a person to see.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,                     -- "sla-check", "focus-batch", …: picks the handler
    payload       BLOB NOT NULL,                     -- usually JSON, handed to the handler as is
    unique_key    TEXT,                              -- NULL, or at most one pending job per key
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'dead')),
    run_at        TIMESTAMP NOT NULL,                -- pending: not before; running: end of the lease
    attempts      INTEGER NOT NULL DEFAULT 0,        -- claims so far; also fences a stale worker out
    max_attempts  INTEGER NOT NULL,
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
-- What a worker looks for: due pending jobs and running jobs whose lease ran out. Dead jobs stay out.
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state IN ('pending', 'running');
-- A key is unique among pending jobs only: a running job may enqueue its own next run.
CREATE UNIQUE INDEX jobs_pending_key ON jobs (unique_key) WHERE state = 'pending';

-- +goose Down
-- Forward-only.
