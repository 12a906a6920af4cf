-- name: follower-exists
-- Whether person $2 follows request $1 (see follow.go).
SELECT COUNT(*) FROM request_followers WHERE request_id = $1 AND person_id = $2;

-- name: merged-from-person
-- The requests of person $2 merged into request $1, for the follower's page.
SELECT number FROM requests WHERE merged_into_id = $1 AND requester_id = $2 ORDER BY number;

-- name: request-portal-target
-- The number and requester of the request a duplicate was merged into.
SELECT number, requester_id FROM requests WHERE id = $1;
