-- The table's tracker of the problems returning migrants face: issues
-- with their categories (editable by the secretariat), the delegations
-- they concern, private fields about the person (members only, kept in
-- a table of their own so that no query for anyone else reaches them),
-- one timeline of events (comments, status changes, assignments, links),
-- links to meetings, decisions, actions and procedure passages, who
-- follows each issue, in-app notifications, and full-text search.

CREATE TABLE issue_categories (
    id          INTEGER PRIMARY KEY,
    name_fr     TEXT NOT NULL,
    name_ar     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    position    INTEGER NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

INSERT INTO issue_categories (name_fr, name_ar, name_en, position, created_at, updated_at) VALUES
    ('Emploi et création d''entreprise', 'التشغيل وبعث المشاريع', 'Employment and business', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Aide sociale', 'الإحاطة الاجتماعية', 'Social support', 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Santé', 'الصحة', 'Health', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Éducation et diplômes', 'التعليم والشهادات', 'Education and diplomas', 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('État civil et documents', 'الحالة المدنية والوثائق', 'Civil status and documents', 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Logement', 'السكن', 'Housing', 6, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Soutien psychosocial', 'الدعم النفسي والاجتماعي', 'Psychosocial support', 7, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Enfants', 'الأطفال', 'Children', 8, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Autre', 'أخرى', 'Other', 9, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- The id is the issue's number, shown as #12.
CREATE TABLE issues (
    id                     INTEGER PRIMARY KEY,
    title                  TEXT NOT NULL,
    description            TEXT NOT NULL DEFAULT '',
    category_id            INTEGER NOT NULL REFERENCES issue_categories (id),
    status                 TEXT NOT NULL CHECK (status IN ('open', 'under_discussion', 'in_progress', 'resolved', 'closed')),
    -- status_reason says why an issue was resolved or closed.
    status_reason          TEXT NOT NULL DEFAULT '',
    priority               TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    owner_organisation_id  INTEGER REFERENCES organisations (id),
    due_date               TEXT CHECK (due_date IS NULL OR due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    reporter_id            INTEGER NOT NULL REFERENCES accounts (id),
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    closed_at              TIMESTAMP
);

CREATE INDEX issues_status ON issues (status, updated_at);
CREATE INDEX issues_category ON issues (category_id);
CREATE INDEX issues_owner ON issues (owner_organisation_id, status);

CREATE TABLE issue_delegations (
    issue_id    INTEGER NOT NULL REFERENCES issues (id),
    delegation  TEXT NOT NULL,
    PRIMARY KEY (issue_id, delegation)
) WITHOUT ROWID;

CREATE INDEX issue_delegations_delegation ON issue_delegations (delegation);

-- Personal details about the returning migrant an issue is reported for.
-- Read only for the members' pages; never indexed for search.
CREATE TABLE issue_private (
    issue_id        INTEGER PRIMARY KEY REFERENCES issues (id),
    person_name     TEXT NOT NULL DEFAULT '',
    person_contact  TEXT NOT NULL DEFAULT '',
    details         TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMP NOT NULL
);

-- The timeline: what happened to an issue, in order. A comment has a
-- body; a change names what changed from what to what.
CREATE TABLE issue_events (
    id          INTEGER PRIMARY KEY,
    issue_id    INTEGER NOT NULL REFERENCES issues (id),
    kind        TEXT NOT NULL CHECK (kind IN ('created', 'comment', 'status', 'assignment', 'link', 'unlink', 'edit')),
    actor_id    INTEGER REFERENCES accounts (id),
    body        TEXT NOT NULL DEFAULT '',
    from_value  TEXT NOT NULL DEFAULT '',
    to_value    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);

CREATE INDEX issue_events_issue ON issue_events (issue_id, id);

-- Links from an issue to where it was discussed and what answers it: a
-- meeting, an agenda item, a decision, an action, a procedure, or a
-- passage of a procedure (an anchor of its draft, mapped through every
-- update like a comment's).
CREATE TABLE issue_links (
    id            INTEGER PRIMARY KEY,
    issue_id      INTEGER NOT NULL REFERENCES issues (id),
    target_kind   TEXT NOT NULL CHECK (target_kind IN ('meeting', 'agenda_item', 'decision', 'action', 'procedure', 'passage')),
    target_id     INTEGER NOT NULL,
    anchor_id     INTEGER REFERENCES document_anchors (id),
    created_by    INTEGER REFERENCES accounts (id),
    created_at    TIMESTAMP NOT NULL,
    CHECK ((target_kind = 'passage') = (anchor_id IS NOT NULL))
);

CREATE INDEX issue_links_issue ON issue_links (issue_id);
CREATE INDEX issue_links_target ON issue_links (target_kind, target_id);
CREATE UNIQUE INDEX issue_links_unique ON issue_links (issue_id, target_kind, target_id)
    WHERE target_kind != 'passage';

CREATE TABLE issue_followers (
    issue_id    INTEGER NOT NULL REFERENCES issues (id),
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (issue_id, account_id)
) WITHOUT ROWID;

CREATE INDEX issue_followers_account ON issue_followers (account_id);

-- In-app notifications: what an account is told of, read or not.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    kind        TEXT NOT NULL CHECK (kind IN ('issue_new', 'issue_assigned', 'issue_comment', 'issue_status')),
    issue_id    INTEGER NOT NULL REFERENCES issues (id),
    event_id    INTEGER REFERENCES issue_events (id),
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP
);

CREATE INDEX notifications_unread ON notifications (account_id, read_at, id);

-- Full-text search over issues: the rowid is the issue's id; the columns
-- hold workspace/search's normalised form of the title, and of the
-- description with every comment. Private fields are never indexed.
CREATE VIRTUAL TABLE issues_fts USING fts5 (
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
