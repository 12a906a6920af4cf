-- +goose Up
-- The bible answers on every channel (issue 6, "Answers before requests"): a deflection records
-- where it happened (the portal's "Ça m'a aidé", a Slack confirmation's button, the link of an
-- email acknowledgement) and, for Slack and email, the request it withdrew: once per request.
ALTER TABLE article_deflections ADD COLUMN channel TEXT NOT NULL DEFAULT 'portal';
ALTER TABLE article_deflections ADD COLUMN request_id BIGINT REFERENCES requests(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX article_deflections_request ON article_deflections (request_id);

-- The link of an email acknowledgement ("C'est réglé, fermer ma demande"): one per request, the
-- token kept as its SHA-256 only, with the articles the email suggested.
CREATE TABLE mail_deflect_links (
    request_id   BIGINT PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    article_ids  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
