-- The service levels (sla*.go): targets, site hours, pauses and the SLA columns of requests.
-- Times are passed in from Go, in UTC, so that both engines compare like with like.

-- name: sla-targets
SELECT priority, first_response_minutes, resolution_minutes FROM sla_targets;

-- name: sla-target
SELECT first_response_minutes, resolution_minutes FROM sla_targets WHERE priority = $1;

-- name: sla-target-save
INSERT INTO sla_targets (priority, first_response_minutes, resolution_minutes) VALUES ($1, $2, $3)
ON CONFLICT (priority) DO UPDATE SET first_response_minutes = excluded.first_response_minutes,
    resolution_minutes = excluded.resolution_minutes;

-- name: sla-sites
SELECT s.id, s.name, s.timezone, s.holiday_region, h.work_start, h.work_end, h.work_days, h.work_whit_monday
FROM sites s LEFT JOIN sla_site_hours h ON h.site_id = s.id
ORDER BY s.name_key;

-- name: sla-site
SELECT s.id, s.name, s.timezone, s.holiday_region, h.work_start, h.work_end, h.work_days, h.work_whit_monday
FROM sites s LEFT JOIN sla_site_hours h ON h.site_id = s.id
WHERE s.id = $1;

-- name: sla-site-hours-save
INSERT INTO sla_site_hours (site_id, work_start, work_end, work_days, work_whit_monday) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (site_id) DO UPDATE SET work_start = excluded.work_start, work_end = excluded.work_end,
    work_days = excluded.work_days, work_whit_monday = excluded.work_whit_monday;

-- name: sla-site-hours-reset
DELETE FROM sla_site_hours WHERE site_id = $1;

-- name: sla-requester-hours
-- The working hours of a requester's site; the columns are NULL for a person without a site or a
-- site with the default hours that keeps Whit Monday a holiday.
SELECT s.timezone, s.holiday_region, h.work_start, h.work_end, h.work_days, h.work_whit_monday
FROM people p
LEFT JOIN sites s ON s.id = p.site_id
LEFT JOIN sla_site_hours h ON h.site_id = s.id
WHERE p.id = $1;

-- name: sla-pauses
SELECT paused_at, resumed_at FROM request_sla_pauses WHERE request_id = $1 ORDER BY id;

-- name: sla-pause
INSERT INTO request_sla_pauses (request_id, paused_at) VALUES ($1, $2);

-- name: sla-resume
UPDATE request_sla_pauses SET resumed_at = $2 WHERE request_id = $1 AND resumed_at IS NULL;

-- name: sla-update
UPDATE requests SET first_response_due_at = $2, first_response_risk_at = $3, resolution_due_at = $4,
       resolution_risk_at = $5, sla_paused_at = $6, sla_notified = $7, sla_check_at = $8,
       sla_risk_at = $9, sla_breach_at = $10
WHERE id = $1;

-- name: sla-mark
-- Compare and set: of two checks that see the same change at once, only the first records and
-- notifies it (the other's UPDATE waits for the row, then no longer matches).
UPDATE requests SET sla_notified = $3, sla_check_at = $4, sla_risk_at = $5, sla_breach_at = $6
WHERE id = $1 AND sla_notified = $2;

-- name: sla-due
-- The requests whose SLA state may have changed by $1, through the partial index on sla_check_at.
SELECT number FROM requests WHERE sla_check_at <= $1 ORDER BY sla_check_at, id LIMIT $2;

-- name: sla-get
SELECT r.id, r.status, r.first_response_at, r.resolved_at, r.first_response_due_at, r.first_response_risk_at,
       r.resolution_due_at, r.resolution_risk_at, r.sla_paused_at, r.sla_notified, s.timezone
FROM requests r
JOIN people p ON p.id = r.requester_id
LEFT JOIN sites s ON s.id = p.site_id
WHERE r.id = $1;

-- name: sla-by-ids
-- $1 is a JSON array of request ids.
SELECT r.id, r.status, r.first_response_at, r.resolved_at, r.first_response_due_at, r.first_response_risk_at,
       r.resolution_due_at, r.resolution_risk_at, r.sla_paused_at, r.sla_notified, s.timezone
FROM requests r
JOIN people p ON p.id = r.requester_id
LEFT JOIN sites s ON s.id = p.site_id
WHERE r.id IN (SELECT value FROM json_each($1));

