-- +goose Up
-- One sender at a time for an email: the job that sends it first claims the row until
-- sending_until, so that a second job for the same email (the same email asked for again while
-- the first was being sent) waits and then finds it sent, instead of sending it twice.
ALTER TABLE mail_outbox ADD COLUMN sending_until TIMESTAMPTZ;
