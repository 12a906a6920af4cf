-- +goose Up
-- Checklists (internal/checklist): templates of tasks, each due at an offset from an anchor date
-- (a person's start or end date, an event, a date), and their runs, whose tasks land in their
-- owners' task lists. A recurring template (the employer's calendar) gets one run per period,
-- never two: the unique (template_id, period) is the guard the generating job relies on when
-- several instances run it at once.

CREATE TABLE checklist_templates (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',            -- Markdown
    anchor          TEXT NOT NULL CHECK (anchor IN ('person_start', 'person_end', 'event', 'date')),
    recurrence      TEXT NOT NULL DEFAULT '' CHECK (recurrence IN ('', 'monthly', 'quarterly', 'yearly')),
    recurrence_day  TEXT NOT NULL DEFAULT '',            -- "15" monthly, "MM-DD" quarterly and yearly
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX checklist_templates_recurring ON checklist_templates (recurrence) WHERE recurrence <> '';

CREATE TABLE checklist_template_tasks (
    id            INTEGER PRIMARY KEY,
    template_id   INTEGER NOT NULL REFERENCES checklist_templates(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    title         TEXT NOT NULL,
    offset_days   INTEGER NOT NULL,                      -- signed, in unit
    offset_end    INTEGER NOT NULL DEFAULT 0,            -- 0: no range; else the range's end (due)
    unit          TEXT NOT NULL CHECK (unit IN ('calendar', 'working', 'months')),
    owner         TEXT NOT NULL,                         -- role:manager, team:NAME, person:EMAIL…
    details       TEXT NOT NULL DEFAULT '',
    article_slug  TEXT NOT NULL DEFAULT '',
    UNIQUE (template_id, position)
);

CREATE TABLE checklist_runs (
    id              INTEGER PRIMARY KEY,
    template_id     INTEGER REFERENCES checklist_templates(id) ON DELETE SET NULL,
    title           TEXT NOT NULL,                       -- the template's, or "Onboarding — Zoé Thomas"
    anchor          TEXT NOT NULL,
    anchor_date     TEXT NOT NULL,                       -- civil date YYYY-MM-DD
    person_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    event           TEXT NOT NULL DEFAULT '',            -- the event's name, for anchor "event"
    period          TEXT,                                -- recurring runs: 2026-03, 2026-Q2, 2026
    request_id      INTEGER REFERENCES requests(id) ON DELETE SET NULL,
    started_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL,
    completed_at    TIMESTAMP,
    UNIQUE (template_id, period)
);
CREATE INDEX checklist_runs_person ON checklist_runs (person_id);
CREATE INDEX checklist_runs_request ON checklist_runs (request_id);

CREATE TABLE checklist_tasks (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES checklist_runs(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    title          TEXT NOT NULL,
    details        TEXT NOT NULL DEFAULT '',
    article_slug   TEXT NOT NULL DEFAULT '',
    owner          TEXT NOT NULL,                        -- the template's owner rule
    owner_user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    owner_team_id  INTEGER REFERENCES teams(id) ON DELETE SET NULL,
    visible_from   TEXT NOT NULL,                        -- civil date: the start of a range
    due_date       TEXT NOT NULL,                        -- civil date
    done_at        TIMESTAMP,
    done_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    request_id     INTEGER REFERENCES requests(id) ON DELETE SET NULL,
    reminded_on    TEXT,                                 -- the Paris day of the last reminder
    UNIQUE (run_id, position)
);
CREATE INDEX checklist_tasks_user ON checklist_tasks (owner_user_id, due_date) WHERE done_at IS NULL;
CREATE INDEX checklist_tasks_team ON checklist_tasks (owner_team_id, due_date) WHERE done_at IS NULL;
CREATE INDEX checklist_tasks_due ON checklist_tasks (due_date) WHERE done_at IS NULL;

-- +goose Down
-- Forward-only.
