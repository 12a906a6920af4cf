-- The categories as admins edit them (categories_edit.go). The desk's own reads are in
-- queries.sql (categories, category-by-key).

-- name: category-get
SELECT id, name, parent_id, confidential_default, position, archived FROM categories WHERE id = $1;

-- name: category-next-position
-- The place after the last sibling: $1 is the parent's id, 0 for the top level.
SELECT COALESCE(MAX(position), 0) + 1 FROM categories WHERE COALESCE(parent_id, 0) = $1;

-- name: category-insert
INSERT INTO categories (name, name_key, parent_id, confidential_default, position, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
RETURNING id;

-- name: category-update
UPDATE categories SET name = $2, name_key = $3, parent_id = $4, confidential_default = $5, position = $6, updated_at = $7
WHERE id = $1;

-- name: category-children-count
-- Archived sub-categories count: restoring one must not make a second level.
SELECT COUNT(*) FROM categories WHERE parent_id = $1;

-- name: category-archive
UPDATE categories SET archived = $2, position = $3, updated_at = $4 WHERE id = $1;

-- name: category-position
UPDATE categories SET position = $2 WHERE id = $1;

-- name: category-usage
-- Per category: every request filed under it, and those still to handle.
SELECT category_id, COUNT(*), SUM(CASE WHEN status IN ('resolved', 'closed') THEN 0 ELSE 1 END)
FROM requests
WHERE category_id IS NOT NULL
GROUP BY category_id;

-- name: category-rule-usage
-- Per category: the routing rules that test it or set it.
SELECT category_id, COUNT(DISTINCT id) FROM (
    SELECT id, if_category_id AS category_id FROM routing_rules WHERE if_category_id IS NOT NULL
    UNION ALL
    SELECT id, set_category_id FROM routing_rules WHERE set_category_id IS NOT NULL
) used
GROUP BY category_id;
