-- +goose Up
-- The outgoing half of the email channel (internal/mailout), the notification preferences and
-- the daily digest (internal/notify).

-- Every Message-ID of a request's email thread: those Majordome sent (out) and those the
-- requester's mail client sent (in), so that a reply is threaded (In-Reply-To, References) and
-- an incoming reply is matched to its request by the ids it quotes.
CREATE TABLE mail_thread (
    message_id      TEXT PRIMARY KEY,                  -- with its angle brackets: <…@…>
    request_number  INTEGER NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX mail_thread_request ON mail_thread (request_number, created_at);

-- Every email Majordome sends, rendered once: a retry of its job sends the same bytes with the
-- same Message-ID. send_key names the send ("reply:57", "notify:123:email"), so that a job run
-- twice renders once.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    send_key        TEXT NOT NULL UNIQUE,
    message_id      TEXT NOT NULL,
    request_number  INTEGER,
    recipient       TEXT NOT NULL,                     -- the bare address
    subject         TEXT NOT NULL,
    raw             TEXT NOT NULL,                     -- the whole message, CRLF line ends, 7-bit
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failing', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);
-- The admin's list of recent failures.
CREATE INDEX mail_outbox_status ON mail_outbox (status, updated_at);

-- Addresses that bounced (marked by the incoming half): nothing is sent to them until an admin
-- clears them.
CREATE TABLE mail_failing (
    address     TEXT PRIMARY KEY,                      -- lower case
    reason      TEXT NOT NULL,
    marked_at   TIMESTAMP NOT NULL
);

-- The email settings set on /settings/mail; the environment (MAJORDOME_MAIL_ADDRESS…) wins.
CREATE TABLE mail_settings (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    address      TEXT NOT NULL DEFAULT '',
    smtp_url     TEXT NOT NULL DEFAULT '',             -- with its password: never shown back
    imap_url     TEXT NOT NULL DEFAULT '',
    smtp_listen  TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL
);

-- How each account wants its notifications outside the app. No row: on every channel set up.
CREATE TABLE notification_prefs (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    mode         TEXT NOT NULL CHECK (mode IN ('both', 'slack', 'email', 'digest')),
    digest_hour  INTEGER NOT NULL DEFAULT 8 CHECK (digest_hour BETWEEN 0 AND 23),
    timezone     TEXT NOT NULL DEFAULT 'Europe/Paris',
    updated_at   TIMESTAMP NOT NULL
);

-- The digests sent, one per account and local day: a digest job run twice sends once.
CREATE TABLE notification_digests (
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day       TEXT NOT NULL,                           -- 2026-03-02, in the account's timezone
    sent_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- +goose Down
-- Forward-only.
