-- name: macro-requester
SELECT first_name, last_name FROM people WHERE id = $1;
