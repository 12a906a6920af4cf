-- +goose Up
-- Announcements (internal/announce): one message from the Office Manager to everyone, teams,
-- sites or people, through Slack, email and the portal. Each recipient has one row, written
-- when the announcement goes, with a snapshot of who they were (name, team, site: the proof
-- must not change when the directory does) and a state per channel: "" (not this channel),
-- queued, sent or failed. The fan-out settles a channel's state right after each delivery, so
-- a restart resumes with the rows still queued and nobody gets the message twice. The rows
-- outlive the people they name (person_id set to NULL): they are the proof of who was told.

CREATE TABLE announcements (
    id                  INTEGER PRIMARY KEY,
    title               TEXT NOT NULL,
    body                TEXT NOT NULL,                       -- Markdown
    audience            TEXT NOT NULL,                       -- JSON: {"everyone":true} or teams, sites, people
    channels            TEXT NOT NULL,                       -- "slack,email,portal"
    slack_dm            BOOLEAN NOT NULL DEFAULT TRUE,
    slack_channel       TEXT NOT NULL DEFAULT '',            -- a channel id to post in, "" for none
    importance          TEXT NOT NULL CHECK (importance IN ('info', 'important', 'action')),
    ack_required        BOOLEAN NOT NULL DEFAULT FALSE,
    ack_by              TIMESTAMP,
    send_at             TIMESTAMP,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled')),
    version             INTEGER NOT NULL DEFAULT 1,
    author_user_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_name         TEXT NOT NULL,
    post_state          TEXT NOT NULL DEFAULT '',            -- the Slack channel post: '', queued, sent, failed
    post_ref            TEXT NOT NULL DEFAULT '',
    post_error          TEXT NOT NULL DEFAULT '',
    post_version        INTEGER NOT NULL DEFAULT 0,          -- the version the channel post shows
    remind_round        INTEGER NOT NULL DEFAULT 0,          -- +1 at each reminder
    auto_reminded_at    TIMESTAMP,                           -- the automatic reminder before ack_by, once
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    sent_at             TIMESTAMP,                           -- when the fan-out started
    finished_at         TIMESTAMP                            -- when every delivery was settled
);
CREATE INDEX announcements_status ON announcements (status);

CREATE TABLE announcement_files (
    id                  INTEGER PRIMARY KEY,
    announcement_id     INTEGER NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
    filename            TEXT NOT NULL,
    content_type        TEXT NOT NULL,
    size                INTEGER NOT NULL,
    sha256              TEXT NOT NULL,
    data                BLOB NOT NULL,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX announcement_files_announcement ON announcement_files (announcement_id, id);

CREATE TABLE announcement_recipients (
    id                  INTEGER PRIMARY KEY,
    announcement_id     INTEGER NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
    person_id           INTEGER REFERENCES people(id) ON DELETE SET NULL,  -- the proof outlives the person
    name                TEXT NOT NULL,
    email               TEXT NOT NULL,
    language            TEXT NOT NULL,
    team_id             INTEGER,
    team_name           TEXT NOT NULL DEFAULT '',
    site_id             INTEGER,
    site_name           TEXT NOT NULL DEFAULT '',
    sort_key            TEXT NOT NULL,
    search_text         TEXT NOT NULL,
    slack_state         TEXT NOT NULL DEFAULT '',
    slack_ref           TEXT NOT NULL DEFAULT '',            -- "channel/ts"
    slack_error         TEXT NOT NULL DEFAULT '',
    slack_tries         INTEGER NOT NULL DEFAULT 0,          -- transient failures so far
    slack_next_at       TIMESTAMP,                           -- retry after a transient failure
    slack_version       INTEGER NOT NULL DEFAULT 0,          -- the version the DM shows
    email_state         TEXT NOT NULL DEFAULT '',
    email_ref           TEXT NOT NULL DEFAULT '',            -- Message-ID
    email_error         TEXT NOT NULL DEFAULT '',
    email_tries         INTEGER NOT NULL DEFAULT 0,
    email_next_at       TIMESTAMP,
    portal_state        TEXT NOT NULL DEFAULT '',
    read_at             TIMESTAMP,
    read_via            TEXT NOT NULL DEFAULT '',
    ack_at              TIMESTAMP,
    ack_via             TEXT NOT NULL DEFAULT '',
    token               TEXT NOT NULL,                       -- the email's acknowledgement link
    reminded_at         TIMESTAMP,
    reminded_round      INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX announcement_recipients_person_once ON announcement_recipients (announcement_id, person_id);
CREATE UNIQUE INDEX announcement_recipients_token ON announcement_recipients (token);
CREATE INDEX announcement_recipients_person ON announcement_recipients (person_id);
CREATE INDEX announcement_recipients_slack_queued ON announcement_recipients (announcement_id, id) WHERE slack_state = 'queued';
CREATE INDEX announcement_recipients_email_queued ON announcement_recipients (announcement_id, id) WHERE email_state = 'queued';

-- +goose Down
-- Forward-only.
