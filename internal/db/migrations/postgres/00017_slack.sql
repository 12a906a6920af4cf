-- +goose Up
-- The Slack app (internal/slackbot).
--
-- slack_settings: what the admin pasted on the settings page (tokens, triage channel, the
-- unknown-users policy); the environment wins over it.
CREATE TABLE slack_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- slack_messages: every message Majordome posts, under a stable ref ("request:1042:dm"). body is
-- the latest content asked for and version counts its changes; sent_version is the version
-- Slack shows. tried_version marks a chat.postMessage started but not recorded (a crash or a
-- lost answer in between): the next attempt looks for the message before posting again. lock_*
-- keeps one sender per ref across workers and instances.
CREATE TABLE slack_messages (
    ref            TEXT PRIMARY KEY,
    body           TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    thread_ref     TEXT NOT NULL DEFAULT '',
    channel        TEXT NOT NULL DEFAULT '',
    ts             TEXT NOT NULL DEFAULT '',
    sent_version   INTEGER NOT NULL DEFAULT 0,
    tried_version  INTEGER NOT NULL DEFAULT 0,
    tried_at       TIMESTAMPTZ,
    lock_until     TIMESTAMPTZ,
    lock_token     TEXT NOT NULL DEFAULT '',
    last_error     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX slack_messages_at ON slack_messages (channel, ts) WHERE ts <> '';
CREATE INDEX slack_messages_thread ON slack_messages (thread_ref) WHERE thread_ref <> '';

-- slack_calls_done: the idempotency keys of the other Web API calls already made.
CREATE TABLE slack_calls_done (
    key      TEXT PRIMARY KEY,
    done_at  TIMESTAMPTZ NOT NULL
);

-- slack_inbound: the payloads Slack sent, by event id (or trigger id, or body hash), so that a
-- retry or a replay is processed once.
CREATE TABLE slack_inbound (
    key          TEXT PRIMARY KEY,
    received_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX slack_inbound_received ON slack_inbound (received_at);

-- slack_rate: per Web API method (and per channel for chat.postMessage), the next time a call
-- is allowed, shared by every instance.
CREATE TABLE slack_rate (
    bucket   TEXT PRIMARY KEY,
    next_at  TIMESTAMPTZ NOT NULL
);

-- slack_users: the Slack user behind each person, matched by email.
CREATE TABLE slack_users (
    slack_user_id  TEXT PRIMARY KEY,
    person_id      BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX slack_users_person ON slack_users (person_id);

-- slack_leases: the Socket Mode connection, held by one instance at a time.
CREATE TABLE slack_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
-- Forward-only.
