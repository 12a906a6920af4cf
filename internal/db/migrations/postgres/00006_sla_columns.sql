-- +goose Up
-- When a request is due: its first response and its resolution, in business hours of the
-- requester's site, and since when its clock is paused (waiting on the requester). The SLA
-- feature computes them; the queue, the reports and the SLA checks read them.
ALTER TABLE requests ADD COLUMN first_response_due_at TIMESTAMPTZ;
ALTER TABLE requests ADD COLUMN resolution_due_at TIMESTAMPTZ;
ALTER TABLE requests ADD COLUMN sla_paused_at TIMESTAMPTZ;
CREATE INDEX requests_resolution_due ON requests (resolution_due_at);

-- +goose Down
-- Forward-only.
