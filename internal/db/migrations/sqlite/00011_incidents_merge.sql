-- +goose Up
-- Incidents and merges. An incident says what it is about (description), who opened it (an
-- account or an API token, by name), and keeps what was sent to every linked requester (its
-- updates: replies and the resolution). A merged request's requester follows the request it
-- was merged into.
ALTER TABLE incidents ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN created_by_name TEXT NOT NULL DEFAULT ''; -- the account or API token, as named then

CREATE TABLE incident_updates (
    id              INTEGER PRIMARY KEY,
    incident_id     INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('reply', 'resolution')),
    author_user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_name     TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX incident_updates_incident ON incident_updates (incident_id, id);

CREATE TABLE request_followers (
    request_id  INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (request_id, person_id)
);

CREATE INDEX requests_merged_into ON requests (merged_into_id);

-- +goose Down
-- Forward-only.
