-- +goose Up
-- The request desk: categories, requests with their conversation and timeline, incidents.

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('request', 1000);

CREATE TABLE categories (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT NOT NULL,
    name_key              TEXT NOT NULL UNIQUE,
    parent_id             INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    confidential_default  BOOLEAN NOT NULL DEFAULT FALSE,
    position              INTEGER NOT NULL DEFAULT 0,
    archived              BOOLEAN NOT NULL DEFAULT FALSE,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);

CREATE TABLE incidents (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    resolved_at  TIMESTAMP
);

CREATE TABLE requests (
    id                     INTEGER PRIMARY KEY,
    number                 INTEGER NOT NULL UNIQUE,       -- the public "#1042"
    title                  TEXT NOT NULL,
    description            TEXT NOT NULL DEFAULT '',
    requester_id           INTEGER NOT NULL REFERENCES people(id),
    category_id            INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    priority               TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    status                 TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open', 'waiting_requester', 'waiting_third_party', 'resolved', 'closed')),
    assignee_id            INTEGER REFERENCES users(id) ON DELETE SET NULL,
    due_date               TEXT,                          -- civil date YYYY-MM-DD
    channel                TEXT NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'api', 'slack', 'email')),
    confidential           BOOLEAN NOT NULL DEFAULT FALSE,
    incident_id            INTEGER REFERENCES incidents(id) ON DELETE SET NULL,
    merged_into_id         INTEGER REFERENCES requests(id) ON DELETE SET NULL,
    first_response_at      TIMESTAMP,
    resolved_at            TIMESTAMP,
    closed_at              TIMESTAMP,
    satisfaction           INTEGER,                       -- 1 (👍) or -1 (👎)
    satisfaction_comment   TEXT NOT NULL DEFAULT '',
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);
CREATE INDEX requests_status ON requests (status, id DESC);
CREATE INDEX requests_assignee ON requests (assignee_id, status);
CREATE INDEX requests_requester ON requests (requester_id, id DESC);
CREATE INDEX requests_category ON requests (category_id);
CREATE INDEX requests_incident ON requests (incident_id);

CREATE TABLE request_tags (
    request_id  INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (request_id, tag)
);

CREATE TABLE request_messages (
    id                INTEGER PRIMARY KEY,
    request_id        INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    author_person_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    author_user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_name       TEXT NOT NULL,
    body              TEXT NOT NULL,
    internal          BOOLEAN NOT NULL DEFAULT FALSE,    -- a note only agents see
    channel           TEXT NOT NULL DEFAULT 'web',
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX request_messages_request ON request_messages (request_id, id);

CREATE TABLE request_events (
    id             INTEGER PRIMARY KEY,
    request_id     INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    actor_user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_name     TEXT NOT NULL,
    kind           TEXT NOT NULL,                        -- created, status, assignee, priority, category, confidential, tags, due, incident, merged
    from_value     TEXT NOT NULL DEFAULT '',
    to_value       TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id, id);

-- +goose Down
-- Forward-only.
