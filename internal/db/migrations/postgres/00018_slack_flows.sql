-- +goose Up
-- The Slack side of the requests filed from Slack (internal/slackbot, flows): the Slack user who
-- follows each one in their DM thread, and the origin that filed it ("command:<trigger>",
-- "dm:<channel>:<ts>", "message:<channel>:<ts>", "modal:<view>"): a payload processed twice, or
-- the same message turned into a request twice, files one request.
CREATE TABLE slack_requests (
    request_id  BIGINT PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
    slack_user  TEXT NOT NULL,
    origin      TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);

-- New requests held back from the triage channel while every responder is in focus time: they
-- are posted there as one batch when the focus ends (held_until).
CREATE TABLE slack_triage_held (
    request_id  BIGINT PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
    held_until  TIMESTAMPTZ NOT NULL
);
CREATE INDEX slack_triage_held_until ON slack_triage_held (held_until);

-- +goose Down
-- Forward-only.
