-- +goose Up
-- The foundation: places, teams, people, accounts, sessions, tokens, the audit trail and settings.

CREATE TABLE sites (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL UNIQUE,           -- folded name, for case- and accent-insensitive uniqueness
    timezone        TEXT NOT NULL DEFAULT 'Europe/Paris',
    holiday_region  TEXT NOT NULL DEFAULT 'FR',     -- FR, FR-ALSACE-MOSELLE, …
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    first_name   TEXT NOT NULL,
    last_name    TEXT NOT NULL,
    email        TEXT NOT NULL,
    email_key    TEXT NOT NULL UNIQUE,               -- lower-cased email
    team_id      INTEGER REFERENCES teams(id) ON DELETE SET NULL,
    site_id      INTEGER REFERENCES sites(id) ON DELETE SET NULL,
    manager_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
    start_date   TEXT,                               -- civil date YYYY-MM-DD
    end_date     TEXT,
    language     TEXT NOT NULL DEFAULT 'fr',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    sort_key     TEXT NOT NULL,                      -- folded "last first", the list order
    search_text  TEXT NOT NULL,                      -- folded names, email, team and site
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX people_sort ON people (sort_key, id);
CREATE INDEX people_team ON people (team_id);
CREATE INDEX people_site ON people (site_id);
CREATE INDEX people_manager ON people (manager_id);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL,
    email_key      TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'manager', 'employee')),
    password_hash  TEXT NOT NULL DEFAULT '',
    language       TEXT NOT NULL DEFAULT 'fr',
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    last_login_at  TIMESTAMP
);

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,                  -- SHA-256 of the cookie value
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    last_seen_at  TIMESTAMP NOT NULL,
    user_agent    TEXT NOT NULL DEFAULT '',
    ip            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_links (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,                       -- first-admin, reset, email
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);

CREATE TABLE login_attempts (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL,                        -- "email:…" or "ip:…"
    at         TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (key, at);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'manager', 'employee')),
    prefix        TEXT NOT NULL,                     -- first characters, to recognise a token in lists
    token_hash    TEXT NOT NULL UNIQUE,
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP
);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    actor_kind   TEXT NOT NULL,                      -- user, token, system, cli
    actor_id     INTEGER,
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,                      -- person.create, user.role, token.revoke, …
    entity_type  TEXT NOT NULL,
    entity_id    INTEGER,
    entity_name  TEXT NOT NULL DEFAULT '',
    before_json  TEXT,
    after_json   TEXT,
    request_id   TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- +goose Down
-- Forward-only: downgrades restore a backup.
