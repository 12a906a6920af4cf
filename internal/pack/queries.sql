-- name: bible-has-content
-- Whether the bible holds an article or a checklist (the reply templates made from the desk's
-- macros do not count): read-only, for the starter pack's offer on the home page.
SELECT CASE WHEN EXISTS (SELECT 1 FROM articles WHERE kind = 'article')
             OR EXISTS (SELECT 1 FROM checklist_templates) THEN 1 ELSE 0 END
