-- +goose Up
-- Routing rules: what the desk does to a new request at intake. A rule matches when every
-- condition it has holds (words of the title or details, the category, the requester's team or
-- site, the channel) and then sets the category, raises the priority, assigns an agent, adds tags
-- or makes the request confidential. Rules run in position order; a stopping rule ends the run.
-- A condition on a team, site or category that is deleted deletes the rule, so it never widens to
-- everyone; an action whose target is deleted simply stops doing that part.

CREATE TABLE routing_rules (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    position          INTEGER NOT NULL,
    enabled           BOOLEAN NOT NULL DEFAULT TRUE,
    stop              BOOLEAN NOT NULL DEFAULT FALSE,         -- later rules are not looked at once this one matched
    if_words          TEXT NOT NULL DEFAULT '',               -- alternatives: "fuite|inondation|dégât des eaux"
    if_category_id    INTEGER REFERENCES categories(id) ON DELETE CASCADE,
    if_team_id        INTEGER REFERENCES teams(id) ON DELETE CASCADE,
    if_site_id        INTEGER REFERENCES sites(id) ON DELETE CASCADE,
    if_channel        TEXT NOT NULL DEFAULT '' CHECK (if_channel IN ('', 'web', 'api', 'slack', 'email')),
    set_category_id   INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    set_priority      TEXT NOT NULL DEFAULT '' CHECK (set_priority IN ('', 'urgent', 'high', 'normal', 'low')),
    set_assignee_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    add_tags          TEXT NOT NULL DEFAULT '[]',             -- JSON array of tags
    set_confidential  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX routing_rules_position ON routing_rules (position, id);

-- Set to 1 once the French default rules were offered, so deleting them all stays deleted.
INSERT INTO counters (name, value) VALUES ('routing_defaults', 0);

-- +goose Down
-- Forward-only.
