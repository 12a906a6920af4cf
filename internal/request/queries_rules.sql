-- The routing rules (rules.go, rules_store.go).

-- name: rules
-- $1 = 0 lists every rule; otherwise the one with that id. A category that is archived, or an
-- account that can no longer take requests, reads as gone: the rule skips that action.
SELECT r.id, r.name, r.position, r.enabled, r.stop, r.if_words,
       r.if_category_id, ic.name, r.if_team_id, t.name, r.if_site_id, s.name, r.if_channel,
       r.set_category_id, sc.name, sc.confidential_default, r.set_priority,
       r.set_assignee_id, u.name, u.active, u.role, r.add_tags, r.set_confidential, r.created_at, r.updated_at
FROM routing_rules r
LEFT JOIN categories ic ON ic.id = r.if_category_id
LEFT JOIN teams t ON t.id = r.if_team_id
LEFT JOIN sites s ON s.id = r.if_site_id
LEFT JOIN categories sc ON sc.id = r.set_category_id AND sc.archived = FALSE
LEFT JOIN users u ON u.id = r.set_assignee_id
WHERE $1 = 0 OR r.id = $1
ORDER BY r.position, r.id;

-- name: rule-insert
INSERT INTO routing_rules (name, position, enabled, stop, if_words, if_category_id, if_team_id, if_site_id, if_channel,
                           set_category_id, set_priority, set_assignee_id, add_tags, set_confidential, created_at, updated_at)
VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM routing_rules), $2, $3, $4, $5, $6, $7, $8,
        $9, $10, $11, $12, $13, $14, $14)
RETURNING id;

-- name: rule-update
UPDATE routing_rules SET name = $2, enabled = $3, stop = $4, if_words = $5, if_category_id = $6, if_team_id = $7,
       if_site_id = $8, if_channel = $9, set_category_id = $10, set_priority = $11, set_assignee_id = $12,
       add_tags = $13, set_confidential = $14, updated_at = $15
WHERE id = $1;

-- name: rule-delete
DELETE FROM routing_rules WHERE id = $1;

-- name: rule-position
UPDATE routing_rules SET position = $2 WHERE id = $1;

-- name: rule-enable
UPDATE routing_rules SET enabled = $2, updated_at = $3 WHERE id = $1;

-- name: rule-count
SELECT COUNT(*) FROM routing_rules;

-- name: rule-defaults-claim
-- Only the first start that flips the flag offers the default rules.
UPDATE counters SET value = 1 WHERE name = 'routing_defaults' AND value = 0;

-- name: rule-category
SELECT name FROM categories WHERE id = $1 AND archived = FALSE;

-- name: rule-team
SELECT name FROM teams WHERE id = $1;

-- name: rule-site
SELECT name FROM sites WHERE id = $1;

-- name: rule-requester
SELECT team_id, site_id FROM people WHERE id = $1;
