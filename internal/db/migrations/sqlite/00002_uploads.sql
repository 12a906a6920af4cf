-- +goose Up
-- Files uploaded for a two-step action (preview, then confirm), kept in the database so that the
-- confirmation may reach another instance than the preview did.
CREATE TABLE uploads (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    purpose     TEXT NOT NULL,                       -- "people-import"
    user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
    filename    TEXT NOT NULL,
    content     BLOB NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX uploads_expires ON uploads (expires_at);

-- +goose Down
-- Forward-only.
