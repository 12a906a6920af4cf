-- +goose Up
-- Reminders (internal/request/reminders.go): a request waiting on its requester is recalled to
-- them once after 3 working days, and resolved 5 working days after that. waiting_since is when
-- the current wait began (NULL when the request does not wait on its requester), reminded_at
-- when the requester was reminded during it (NULL: not yet; it doubles as the compare-and-set
-- that reminds once across instances), and reminder_check_at when the reminder job must next
-- look at the request (NULL: nothing left to do), found through its partial index.
ALTER TABLE requests ADD COLUMN waiting_since TIMESTAMP;
ALTER TABLE requests ADD COLUMN reminded_at TIMESTAMP;
ALTER TABLE requests ADD COLUMN reminder_check_at TIMESTAMP;
CREATE INDEX requests_reminder_check ON requests (reminder_check_at) WHERE reminder_check_at IS NOT NULL;

-- The requests already waiting count from when their SLA clock stopped; the job works out
-- their reminder at its first look.
UPDATE requests SET waiting_since = COALESCE(sla_paused_at, updated_at),
    reminder_check_at = COALESCE(sla_paused_at, updated_at)
WHERE status = 'waiting_requester';

-- +goose Down
-- Forward-only.
