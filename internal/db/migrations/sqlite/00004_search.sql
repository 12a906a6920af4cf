-- +goose Up
-- The full-text index shared by the request desk and the bible, owned by internal/search. The
-- words are folded (case, accents, plurals) in Go before they reach either engine, so SQLite and
-- PostgreSQL find the same documents.

-- Who may see each document. Kept narrow, apart from the text, because a search reads it for
-- every candidate match: wide rows would fill the page cache with bodies nobody shows.
CREATE TABLE search_docs (
    id        INTEGER PRIMARY KEY,                   -- rowid of the document in search_fts
    kind      TEXT NOT NULL,                         -- "request", "article"
    ref_id    INTEGER NOT NULL,                      -- the document's id in its own table
    audience  TEXT NOT NULL,                         -- ' agents user:12 ': space-padded tokens
    UNIQUE (kind, ref_id)
);

-- The text as written, for the titles and snippets of the few documents shown.
CREATE TABLE search_text (
    id     INTEGER PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
    title  TEXT NOT NULL,
    body   TEXT NOT NULL                             -- the first 256 KiB
);

-- Contentless: the folded words are only needed in the index. contentless_delete lets Put
-- replace and Delete remove a row by rowid. The prefix indexes make the first letters typed
-- ("im", "imp") as fast to search as a whole word, for about twice the index size.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body,
    prefix = '2 3',
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);

-- +goose Down
-- Forward-only.
