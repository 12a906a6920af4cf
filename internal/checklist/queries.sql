-- name: templates
SELECT id, slug, title, description, anchor, recurrence, recurrence_day, created_at, updated_at
FROM checklist_templates ORDER BY slug;

-- name: template-by-slug
SELECT id, slug, title, description, anchor, recurrence, recurrence_day, created_at, updated_at
FROM checklist_templates WHERE slug = $1;

-- name: template-by-id
SELECT id, slug, title, description, anchor, recurrence, recurrence_day, created_at, updated_at
FROM checklist_templates WHERE id = $1;

-- name: template-tasks
SELECT template_id, title, offset_days, offset_end, unit, owner, details, article_slug
FROM checklist_template_tasks WHERE template_id = $1 ORDER BY position;

-- name: all-template-tasks
SELECT template_id, title, offset_days, offset_end, unit, owner, details, article_slug
FROM checklist_template_tasks ORDER BY template_id, position;

-- name: template-insert
INSERT INTO checklist_templates (slug, title, description, anchor, recurrence, recurrence_day, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id;

-- name: template-update
UPDATE checklist_templates SET title = $2, description = $3, anchor = $4, recurrence = $5,
    recurrence_day = $6, updated_at = $7
WHERE id = $1;

-- name: template-tasks-delete
DELETE FROM checklist_template_tasks WHERE template_id = $1;

-- name: template-task-insert
INSERT INTO checklist_template_tasks (template_id, position, title, offset_days, offset_end, unit, owner, details, article_slug)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: template-delete
DELETE FROM checklist_templates WHERE id = $1;

-- name: slug-taken
SELECT COUNT(*) FROM checklist_templates WHERE slug = $1;

-- name: recurring-templates
SELECT id, slug, title, description, anchor, recurrence, recurrence_day, created_at, updated_at
FROM checklist_templates WHERE recurrence <> '' ORDER BY id;

-- name: account-by-email
SELECT id FROM users WHERE email_key = $1 AND active;

-- name: first-admin
SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id LIMIT 1;

-- name: account-role
SELECT role FROM users WHERE id = $1 AND active;

-- name: team-by-key
SELECT id FROM teams WHERE name_key = $1;

-- name: run-insert
INSERT INTO checklist_runs (template_id, title, anchor, anchor_date, person_id, event, period, request_id, started_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id;

-- name: run-insert-period
INSERT INTO checklist_runs (template_id, title, anchor, anchor_date, person_id, event, period, request_id, started_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (template_id, period) DO NOTHING RETURNING id;

-- name: task-insert
INSERT INTO checklist_tasks (run_id, position, title, details, article_slug, owner, owner_user_id, owner_team_id, visible_from, due_date)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: run
SELECT r.id, r.template_id, COALESCE(t.slug, ''), r.title, r.anchor, r.anchor_date, r.person_id,
    COALESCE(p.first_name || ' ' || p.last_name, ''), r.event, COALESCE(r.period, ''),
    r.request_id, COALESCE(q.number, 0), r.created_at, r.completed_at
FROM checklist_runs r
LEFT JOIN checklist_templates t ON t.id = r.template_id
LEFT JOIN people p ON p.id = r.person_id
LEFT JOIN requests q ON q.id = r.request_id
WHERE r.id = $1;

-- name: runs
SELECT r.id, r.template_id, COALESCE(t.slug, ''), r.title, r.anchor, r.anchor_date, r.person_id,
    COALESCE(p.first_name || ' ' || p.last_name, ''), r.event, COALESCE(r.period, ''),
    r.request_id, COALESCE(q.number, 0), r.created_at, r.completed_at,
    (SELECT COUNT(*) FROM checklist_tasks k WHERE k.run_id = r.id),
    (SELECT COUNT(*) FROM checklist_tasks k WHERE k.run_id = r.id AND k.done_at IS NOT NULL)
FROM checklist_runs r
LEFT JOIN checklist_templates t ON t.id = r.template_id
LEFT JOIN people p ON p.id = r.person_id
LEFT JOIN requests q ON q.id = r.request_id
WHERE ($1 = 0 OR r.template_id = $1) AND ($2 = 0 OR r.person_id = $2) AND ($3 = 0 OR r.request_id = $3)
ORDER BY r.anchor_date DESC, r.id DESC
LIMIT $4;

-- name: run-tasks
SELECT k.id, k.run_id, k.position, k.title, k.details, k.article_slug, k.owner, k.owner_user_id,
    COALESCE(u.name, ''), k.owner_team_id, COALESCE(tm.name, ''), k.visible_from, k.due_date,
    k.done_at, COALESCE(d.name, ''), k.request_id, COALESCE(q.number, 0)
FROM checklist_tasks k
LEFT JOIN users u ON u.id = k.owner_user_id
LEFT JOIN teams tm ON tm.id = k.owner_team_id
LEFT JOIN users d ON d.id = k.done_by
LEFT JOIN requests q ON q.id = k.request_id
WHERE k.run_id = $1 ORDER BY k.due_date, k.position;

-- name: task
SELECT k.id, k.run_id, k.position, k.title, k.details, k.article_slug, k.owner, k.owner_user_id,
    COALESCE(u.name, ''), k.owner_team_id, COALESCE(tm.name, ''), k.visible_from, k.due_date,
    k.done_at, COALESCE(d.name, ''), k.request_id, COALESCE(q.number, 0)
FROM checklist_tasks k
LEFT JOIN users u ON u.id = k.owner_user_id
LEFT JOIN teams tm ON tm.id = k.owner_team_id
LEFT JOIN users d ON d.id = k.done_by
LEFT JOIN requests q ON q.id = k.request_id
WHERE k.id = $1;

-- name: my-tasks
-- The open tasks of an account: its own and its team's ($2, 0 for none), by due date.
SELECT k.id, k.run_id, k.position, k.title, k.details, k.article_slug, k.owner, k.owner_user_id,
    COALESCE(u.name, ''), k.owner_team_id, COALESCE(tm.name, ''), k.visible_from, k.due_date,
    k.done_at, COALESCE(d.name, ''), k.request_id, COALESCE(q.number, 0), r.title
FROM checklist_tasks k
JOIN checklist_runs r ON r.id = k.run_id
LEFT JOIN users u ON u.id = k.owner_user_id
LEFT JOIN teams tm ON tm.id = k.owner_team_id
LEFT JOIN users d ON d.id = k.done_by
LEFT JOIN requests q ON q.id = k.request_id
WHERE k.done_at IS NULL AND (k.owner_user_id = $1 OR ($2 <> 0 AND k.owner_team_id = $2))
ORDER BY k.due_date, k.run_id, k.position
LIMIT 500;

-- name: my-due-count
SELECT COUNT(*) FROM checklist_tasks k
WHERE k.done_at IS NULL AND k.visible_from <= $3
    AND (k.owner_user_id = $1 OR ($2 <> 0 AND k.owner_team_id = $2));

-- name: account-team
-- The team of an account's person (matched by email), 0 for none.
SELECT COALESCE(p.team_id, 0) FROM users u JOIN people p ON p.email_key = u.email_key WHERE u.id = $1;

-- name: task-done
UPDATE checklist_tasks SET done_at = $2, done_by = $3 WHERE id = $1 AND done_at IS NULL;

-- name: task-undone
UPDATE checklist_tasks SET done_at = NULL, done_by = NULL WHERE id = $1 AND done_at IS NOT NULL;

-- name: run-open-count
SELECT COUNT(*) FROM checklist_tasks WHERE run_id = $1 AND done_at IS NULL;

-- name: run-completed
UPDATE checklist_runs SET completed_at = $2 WHERE id = $1;

-- name: task-link-request
UPDATE checklist_tasks SET request_id = $2 WHERE id = $1;

-- name: run-link-request
UPDATE checklist_runs SET request_id = $2 WHERE id = $1;

-- name: request-id-by-number
SELECT id FROM requests WHERE number = $1;

-- name: reminders-due
-- Open tasks due today or tomorrow ($1, $2) not yet reminded today.
SELECT k.id FROM checklist_tasks k
WHERE k.done_at IS NULL AND k.due_date IN ($1, $2) AND (k.reminded_on IS NULL OR k.reminded_on <> $1)
ORDER BY k.id LIMIT $3;

-- name: task-remind
-- The compare-and-set that reminds a task once a day across instances.
UPDATE checklist_tasks SET reminded_on = $2
WHERE id = $1 AND done_at IS NULL AND (reminded_on IS NULL OR reminded_on <> $2);

-- name: team-accounts
SELECT u.id FROM users u JOIN people p ON p.email_key = u.email_key
WHERE p.team_id = $1 AND p.active AND u.active ORDER BY u.id;

-- name: template-rename
UPDATE checklist_templates SET slug = $1 WHERE slug = $2;

-- name: run-title
SELECT title FROM checklist_runs WHERE id = $1;
