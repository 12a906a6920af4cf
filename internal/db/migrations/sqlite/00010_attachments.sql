-- +goose Up
-- Files attached to requests, and the desk's canned replies (macros).
--
-- An attachment's bytes live in the database, like staged uploads, so that every instance can
-- serve every file and a backup holds them all. It belongs to a request, and to the message it
-- came with (NULL: it came with the request itself). The content type is the one sniffed from
-- the bytes at upload, never the one the browser claimed.
CREATE TABLE request_attachments (
    id                  INTEGER PRIMARY KEY,
    request_id          INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    message_id          INTEGER REFERENCES request_messages(id) ON DELETE CASCADE,
    filename            TEXT NOT NULL,
    content_type        TEXT NOT NULL,
    size                INTEGER NOT NULL,
    sha256              TEXT NOT NULL,                     -- hex, to spot the same file twice
    data                BLOB NOT NULL,
    uploader_user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    uploader_person_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    uploader_name       TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX request_attachments_request ON request_attachments (request_id, id);

-- A macro is a canned reply with placeholders ({{prenom}}, {{numero}}…). Shared ones
-- (owner_user_id NULL) serve the whole desk; the others only their owner.
CREATE TABLE macros (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    body           TEXT NOT NULL,
    owner_user_id  INTEGER REFERENCES users(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX macros_owner ON macros (owner_user_id, position);

-- The French defaults, seeded here so that they come exactly once: a desk that deletes them
-- does not see them come back.
-- +goose StatementBegin
INSERT INTO macros (name, body, owner_user_id, position, created_at, updated_at) VALUES
('Bien reçu', 'Bonjour {{prenom}},

Bien reçu, je m''en occupe et je reviens vers vous très vite.

{{agent}}', NULL, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('Besoin de précisions', 'Bonjour {{prenom}},

Pour avancer sur votre demande {{numero}}, pourriez-vous me donner quelques précisions : où exactement, depuis quand, et une photo si possible ?

Merci !
{{agent}}', NULL, 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('En attente du prestataire', 'Bonjour {{prenom}},

J''ai contacté le prestataire pour « {{titre}} ». J''attends son retour et je vous tiens au courant.

{{agent}}', NULL, 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('Demande résolue', 'Bonjour {{prenom}},

C''est réglé ! Je passe votre demande {{numero}} en résolue. Si quelque chose cloche encore, répondez simplement à ce message : elle se rouvrira.

Bonne journée,
{{agent}}', NULL, 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
-- +goose StatementEnd

-- +goose Down
-- Forward-only.
