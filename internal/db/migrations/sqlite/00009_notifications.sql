-- +goose Up
-- Notifications (internal/notify): what each account is told (new requests, replies, SLA alerts…),
-- read in the app and, through the job queue, delivered to external channels (Slack, email).
-- A notification keeps its kind and parameters rather than its text, so that each reader sees it
-- in their own language. During focus time a non-urgent one is held (delivered_at NULL) until the
-- focus ends, then released with the others in one batch notification.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER REFERENCES users(id) ON DELETE CASCADE,    -- the account that reads it in the app
    person_id       INTEGER REFERENCES people(id) ON DELETE CASCADE,   -- the person, for channels when there is no account
    kind            TEXT NOT NULL,                     -- "request.created", "focus.batch", …: picks the message
    params          TEXT NOT NULL DEFAULT '{}',        -- JSON object: the values the message is written with
    link            TEXT NOT NULL DEFAULT '',          -- a path in the app, such as /requests/1042
    request_number  INTEGER,                           -- the request it is about, if any
    urgent          BOOLEAN NOT NULL DEFAULT FALSE,    -- goes through focus time
    batch_id        INTEGER REFERENCES notifications(id) ON DELETE CASCADE, -- the batch that released it
    held_until      TIMESTAMP,                         -- held during focus time until then
    delivered_at    TIMESTAMP,                         -- NULL while held
    read_at         TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    CHECK (user_id IS NOT NULL OR person_id IS NOT NULL)
);
-- The inbox: delivered notifications outside batches, newest first.
CREATE INDEX notifications_inbox ON notifications (user_id, id) WHERE delivered_at IS NOT NULL AND batch_id IS NULL;
-- What waits for the end of a focus period.
CREATE INDEX notifications_held ON notifications (user_id, held_until) WHERE delivered_at IS NULL;
CREATE INDEX notifications_batch ON notifications (batch_id) WHERE batch_id IS NOT NULL;

-- Which external channel has delivered which notification: a delivery job that runs twice
-- (after a crash) does not send twice once it recorded its success.
CREATE TABLE notification_deliveries (
    notification_id  INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL,                    -- "slack", "email", …
    delivered_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (notification_id, channel)
);

-- Focus blocks: recurring periods (every weekday 9:00–11:00) when an account is not interrupted.
CREATE TABLE focus_blocks (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    weekdays    INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127), -- bit 1<<d, d = 0 Sunday … 6 Saturday
    start_min   INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439), -- minutes after midnight, local time
    end_min     INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    timezone    TEXT NOT NULL DEFAULT 'Europe/Paris',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK (end_min > start_min)
);
CREATE INDEX focus_blocks_user ON focus_blocks (user_id);

-- Focus started by hand ("focus now for 2 h") and focus stopped early, one row per account.
CREATE TABLE focus_now (
    user_id           INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    ends_at           TIMESTAMP NOT NULL,              -- focus on until then (past: none)
    blocks_off_until  TIMESTAMP,                       -- focus stopped during a block: blocks off until then
    updated_at        TIMESTAMP NOT NULL
);

-- +goose Down
-- Forward-only.
