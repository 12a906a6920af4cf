-- The reminders (reminders.go): a request waiting on its requester is recalled to them once,
-- then resolved. Times are passed in from Go, in UTC.

-- name: reminder-wait
-- The request starts waiting on its requester: a new wait, with nothing sent yet.
UPDATE requests SET waiting_since = $2, reminded_at = NULL, reminder_check_at = $3 WHERE id = $1;

-- name: reminder-clear
-- The request no longer waits on its requester: the wait and its reminder are forgotten.
UPDATE requests SET waiting_since = NULL, reminded_at = NULL, reminder_check_at = NULL WHERE id = $1;

-- name: reminder-due
-- The requests the reminder job must look at by $1, through the partial index on reminder_check_at.
SELECT number FROM requests WHERE reminder_check_at <= $1 ORDER BY reminder_check_at, id LIMIT $2;

-- name: reminder-get
-- A request's current wait, and the language its requester reads.
SELECT r.waiting_since, r.reminded_at, COALESCE(NULLIF(p.language, ''), 'fr')
FROM requests r JOIN people p ON p.id = r.requester_id
WHERE r.id = $1;

-- name: reminder-later
-- Not yet: the job looks again at $2.
UPDATE requests SET reminder_check_at = $2
WHERE id = $1 AND status = 'waiting_requester' AND reminder_check_at IS NOT NULL;

-- name: reminder-mark
-- Compare and set: of two runs that see the same reminder due at $2, only the first records and
-- sends it (the other's UPDATE waits for the row, then no longer matches). A wait begun since
-- the row was read has its check in the future, and does not match either.
UPDATE requests SET reminded_at = $2, reminder_check_at = $3
WHERE id = $1 AND status = 'waiting_requester' AND reminded_at IS NULL AND reminder_check_at <= $2;

-- name: reminder-claim
-- Compare and set: of two runs that see the same request to resolve at $2, only the first does.
UPDATE requests SET reminder_check_at = NULL
WHERE id = $1 AND status = 'waiting_requester' AND reminded_at IS NOT NULL AND reminder_check_at <= $2;
