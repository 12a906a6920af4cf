-- PostgreSQL reads a JSON array of ids with jsonb_array_elements_text instead of SQLite's json_each.

-- name: sla-by-ids
SELECT r.id, r.status, r.first_response_at, r.resolved_at, r.first_response_due_at, r.first_response_risk_at,
       r.resolution_due_at, r.resolution_risk_at, r.sla_paused_at, r.sla_notified, s.timezone
FROM requests r
JOIN people p ON p.id = r.requester_id
LEFT JOIN sites s ON s.id = p.site_id
WHERE r.id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint);
