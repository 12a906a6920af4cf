-- +goose Up
-- The bible (internal/article): articles and reply templates, their versions, the links between
-- them, their files, and the questions they answered before becoming requests (deflections).
--
-- An article is Markdown with a title, a unique slug (its address, /bible/SLUG), a kind
-- ("article", or "reply_template": the desk's canned replies, which replace the macros), a
-- category (free text), tags (comma-separated), an audience, a status, an owner (an email) and
-- the date it is verified until (civil date YYYY-MM-DD, NULL: none). stale_notified is the
-- verified_until for which the owner was told the article needs checking: once per article and
-- date, across instances (a compare-and-set).
CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('article', 'reply_template')),
    category        TEXT NOT NULL DEFAULT '',
    tags            TEXT NOT NULL DEFAULT '',
    audience        TEXT NOT NULL CHECK (audience IN ('everyone', 'agents', 'admins')),
    status          TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    owner_email     TEXT NOT NULL DEFAULT '',
    verified_until  TEXT,
    stale_notified  TEXT,
    body            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX articles_verified ON articles (verified_until) WHERE verified_until IS NOT NULL;

-- Every saved state of an article, version 1 first; a restore is a new version.
CREATE TABLE article_versions (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    category        TEXT NOT NULL,
    tags            TEXT NOT NULL,
    audience        TEXT NOT NULL,
    status          TEXT NOT NULL,
    owner_email     TEXT NOT NULL,
    verified_until  TEXT,
    body            TEXT NOT NULL,
    author_name     TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (article_id, version)
);

-- The /bible/SLUG links of each article's current text, for "linked from".
CREATE TABLE article_links (
    article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    target_slug  TEXT NOT NULL,
    PRIMARY KEY (article_id, target_slug)
);
CREATE INDEX article_links_target ON article_links (target_slug);

-- Images and attachments of an article; the bytes live in the database like the requests' files.
CREATE TABLE article_files (
    id             INTEGER PRIMARY KEY,
    article_id     INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    data           BLOB NOT NULL,
    uploader_name  TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX article_files_article ON article_files (article_id, id);

-- "Ça m'a aidé": a question an article answered before it became a request.
CREATE TABLE article_deflections (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    person_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
    text        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX article_deflections_created ON article_deflections (created_at);

-- The desk's macros become reply templates of the bible, for the agents, owned by the agent of a
-- personal macro. The macros table stays, unused, so that nothing is lost. The search index is
-- filled at start-up (article.Service.IndexMissing).
INSERT INTO articles (slug, title, kind, category, tags, audience, status, owner_email, body, version, created_at, updated_at)
SELECT 'reponse-type-' || m.id, m.name, 'reply_template', '', '', 'agents', 'published', COALESCE(LOWER(u.email), ''),
       m.body, 1, m.created_at, m.updated_at
FROM macros m LEFT JOIN users u ON u.id = m.owner_user_id
ORDER BY m.position, m.id;

INSERT INTO article_versions (article_id, version, title, kind, category, tags, audience, status, owner_email,
                              verified_until, body, author_name, created_at)
SELECT id, 1, title, kind, category, tags, audience, status, owner_email, NULL, body, 'Majordome', created_at
FROM articles WHERE kind = 'reply_template';

-- +goose Down
-- Forward-only.
