-- The DM channel of each Slack user (dm.go). Times are passed in from Go, in UTC.

-- name: dm-get
SELECT channel FROM slack_dm_channels WHERE slack_user_id = $1;

-- name: dm-put
INSERT INTO slack_dm_channels (slack_user_id, channel, opened_at) VALUES ($1, $2, $3)
ON CONFLICT (slack_user_id) DO UPDATE SET channel = excluded.channel, opened_at = excluded.opened_at;

-- name: dm-forget
-- Only the channel found stale: another sender may have reopened it meanwhile.
DELETE FROM slack_dm_channels WHERE slack_user_id = $1 AND channel = $2;
