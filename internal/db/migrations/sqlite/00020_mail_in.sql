-- +goose Up
-- The incoming half of the email channel (internal/mailin).

-- Every email received, from the polled mailbox or the built-in SMTP listener, kept whole: it is
-- stored before anything else (before the SMTP listener answers 250, before the IMAP poller marks
-- it \Seen), processed by a job, and stays viewable by agents as "the original email" of the
-- request it became or joined. dedup_key is the Message-ID (or the hash of the bytes when there
-- is none): the same email fetched twice is stored, and so processed, once.
CREATE TABLE mail_inbound (
    id                  INTEGER PRIMARY KEY,
    dedup_key           TEXT NOT NULL UNIQUE,
    message_id          TEXT NOT NULL,                 -- with its angle brackets, '' for none
    source              TEXT NOT NULL,                 -- imap, smtp
    sender              TEXT NOT NULL,                 -- the From address, lower case
    subject             TEXT NOT NULL,
    raw                 BLOB NOT NULL,
    size                INTEGER NOT NULL,
    state               TEXT NOT NULL DEFAULT 'pending',  -- pending, created, replied, ignored, refused, bounce, limited
    reason              TEXT NOT NULL DEFAULT '',
    request_number      INTEGER,
    request_message_id  INTEGER,                       -- the message of the conversation it became
    received_at         TIMESTAMP NOT NULL,
    processed_at        TIMESTAMP
);
CREATE INDEX mail_inbound_sender ON mail_inbound (sender, received_at);
CREATE INDEX mail_inbound_request ON mail_inbound (request_number);

-- The settings of the incoming channel, set on /settings/mail/inbound. No row: the defaults.
CREATE TABLE mail_inbound_settings (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    unknown_sender  TEXT NOT NULL DEFAULT 'create' CHECK (unknown_sender IN ('create', 'refuse')),
    move_to         TEXT NOT NULL DEFAULT '',          -- IMAP folder processed mail is moved to, '' to leave it
    updated_at      TIMESTAMP NOT NULL
);

-- +goose Down
-- Forward-only.
