-- name: rows
-- What the measures need of every request received or resolved between $1 and $2 (the previous
-- period and the current one together). The title and comment come only with a rating comment
-- of a request that is not confidential: nothing else names a request. A request the bible solved
-- is one its requester withdrew thanks to a guide: the deflection then names it (see
-- request.Desk.Withdraw), and the request is closed for good. A merged duplicate is one the team
-- folded into the request it repeats (request.Desk.Merge): merged_into_id names the survivor.
SELECT r.created_at, r.first_response_at, r.resolved_at, r.first_response_due_at, r.resolution_due_at,
       COALESCE(r.category_id, 0), COALESCE(c.name, ''), r.channel, COALESCE(r.satisfaction, 0),
       CASE WHEN EXISTS (SELECT 1 FROM article_deflections d WHERE d.request_id = r.id) THEN 1 ELSE 0 END,
       CASE WHEN r.merged_into_id IS NOT NULL THEN 1 ELSE 0 END,
       r.number,
       CASE WHEN r.confidential = FALSE AND r.satisfaction IS NOT NULL THEN r.title ELSE '' END,
       CASE WHEN r.confidential = FALSE AND r.satisfaction IS NOT NULL THEN r.satisfaction_comment ELSE '' END
FROM requests r
LEFT JOIN categories c ON c.id = r.category_id
WHERE ((r.created_at >= $1 AND r.created_at < $2) OR (r.resolved_at >= $1 AND r.resolved_at < $2))
  AND ($3 = 0 OR r.category_id = $3)
  AND ($4 = '' OR r.channel = $4);

-- name: open-at
-- How many requests were still open at instant $1: received before it, not resolved by then.
SELECT COUNT(*)
FROM requests r
WHERE r.created_at < $1
  AND (r.resolved_at IS NULL OR r.resolved_at >= $1)
  AND ($2 = 0 OR r.category_id = $2)
  AND ($3 = '' OR r.channel = $3);
