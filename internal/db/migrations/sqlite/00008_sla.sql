-- +goose Up
-- Service levels: how soon each priority is answered and resolved, the working hours of each
-- site, the pauses of each request's clock, and what the SLA checks need to notify once.

-- The targets per priority, in business minutes of the requester's site (one business day is
-- one working window: 9 h, 540 minutes, by default).
CREATE TABLE sla_targets (
    priority                TEXT PRIMARY KEY CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    first_response_minutes  INTEGER NOT NULL CHECK (first_response_minutes > 0),
    resolution_minutes      INTEGER NOT NULL CHECK (resolution_minutes > 0)
);
INSERT INTO sla_targets (priority, first_response_minutes, resolution_minutes) VALUES
    ('urgent', 60, 240),      -- 1 h, 4 h
    ('high', 240, 1080),      -- 4 h, 2 days
    ('normal', 540, 1620),    -- 1 day, 3 days
    ('low', 1080, 2700);      -- 2 days, 5 days

-- A site's working window when it is not Monday to Friday, 9:00 to 18:00: minutes since local
-- midnight, and the working days as a bit set indexed by weekday (1 Sunday, 2 Monday … 64
-- Saturday; 62 is Monday to Friday). The site's timezone and holidays stay on sites.
CREATE TABLE sla_site_hours (
    site_id     INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    work_start  INTEGER NOT NULL CHECK (work_start >= 0 AND work_start < 1440),
    work_end    INTEGER NOT NULL CHECK (work_end > work_start AND work_end <= 1440),
    work_days   INTEGER NOT NULL CHECK (work_days > 0 AND work_days < 128)
);

-- The spans during which a request's clock stood still: waiting on its requester, or resolved
-- until it was reopened. At most one is open (resumed_at NULL).
CREATE TABLE request_sla_pauses (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    paused_at   TIMESTAMP NOT NULL,
    resumed_at  TIMESTAMP
);
CREATE INDEX request_sla_pauses_request ON request_sla_pauses (request_id, id);

-- From when each target is at risk (a fifth of it left); for the request as a whole, the
-- earliest instant a running target is at risk and breached (NULL when none runs), which the
-- queue's SLA filters find through their partial indexes; the worst state already notified
-- ('', 'at_risk', 'breached'); and when the SLA checks must look at the request next (NULL:
-- nothing left to notify), which they find through its partial index.
ALTER TABLE requests ADD COLUMN first_response_risk_at TIMESTAMP;
ALTER TABLE requests ADD COLUMN resolution_risk_at TIMESTAMP;
ALTER TABLE requests ADD COLUMN sla_risk_at TIMESTAMP;
ALTER TABLE requests ADD COLUMN sla_breach_at TIMESTAMP;
ALTER TABLE requests ADD COLUMN sla_notified TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN sla_check_at TIMESTAMP;
CREATE INDEX requests_sla_risk ON requests (sla_risk_at) WHERE sla_risk_at IS NOT NULL;
CREATE INDEX requests_sla_breach ON requests (sla_breach_at) WHERE sla_breach_at IS NOT NULL;
CREATE INDEX requests_sla_check ON requests (sla_check_at) WHERE sla_check_at IS NOT NULL;

-- +goose Down
-- Forward-only.
