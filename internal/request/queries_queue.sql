-- name: queue-site-people
-- The people of a site, for the queue's site filter over search results.
SELECT id FROM people WHERE site_id = $1;
