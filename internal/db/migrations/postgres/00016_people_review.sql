-- +goose Up
-- A person created by a channel rather than by the Office Manager (an unknown Slack user, an
-- email from an unknown sender) is flagged for review with the reason; an external contact (a
-- provider writing to the desk) is in the directory to be a requester, but is not staff.
ALTER TABLE people ADD COLUMN review TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN external BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX people_review ON people (review) WHERE review <> '';

-- +goose Down
DROP INDEX people_review;
ALTER TABLE people DROP COLUMN external;
ALTER TABLE people DROP COLUMN review;
