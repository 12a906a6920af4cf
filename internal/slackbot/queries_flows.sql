-- The statements of the Slack flows (flows_*.go): the requests filed from Slack, and those
-- held back from the triage channel during focus time.

-- name: flows-origin-insert
-- A new request filed from Slack, with who follows it and the origin that filed it; nothing
-- when the origin filed a request before (the caller learns it from the row count).
INSERT INTO slack_requests (request_id, slack_user, origin, created_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (origin) DO NOTHING;

-- name: flows-origin-number
SELECT r.number FROM slack_requests s JOIN requests r ON r.id = s.request_id WHERE s.origin = $1;

-- name: flows-follower
SELECT slack_user FROM slack_requests WHERE request_id = $1;

-- name: flows-person-language
SELECT language FROM people WHERE id = $1;

-- name: flows-hold
INSERT INTO slack_triage_held (request_id, held_until) VALUES ($1, $2)
ON CONFLICT (request_id) DO NOTHING;

-- name: flows-held
SELECT COUNT(*) FROM slack_triage_held WHERE request_id = $1;

-- name: flows-held-due
SELECT r.number FROM slack_triage_held h JOIN requests r ON r.id = h.request_id
WHERE h.held_until <= $1
ORDER BY r.number;

-- name: flows-unhold
DELETE FROM slack_triage_held WHERE request_id = (SELECT id FROM requests WHERE number = $1);

-- name: flows-slack-user-language
-- The language of a Slack user already matched to a person (the slash command's ack).
SELECT p.language FROM slack_users s JOIN people p ON p.id = s.person_id WHERE s.slack_user_id = $1;
