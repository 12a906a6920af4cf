-- +goose Up
-- slack_dm_channels: the DM channel between the bot and each Slack user, as conversations.open
-- answered it the first time, so that later DMs post straight to it (chat.postMessage's pace,
-- not conversations.open's tier 3). A channel Slack no longer knows is forgotten and reopened.
CREATE TABLE slack_dm_channels (
    slack_user_id  TEXT PRIMARY KEY,
    channel        TEXT NOT NULL,
    opened_at      TIMESTAMP NOT NULL
);

-- +goose Down
-- Forward-only.
