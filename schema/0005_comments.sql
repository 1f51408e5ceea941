-- Comments on a procedure's draft, suggested changes and the secretariat's
-- answers (the table of observations), and consultation periods.
--
-- A thread starts with a comment or a suggestion placed on an anchor (a
-- passage the co-editing authority maps through every update, see
-- 0003_document_anchors.sql); replies have a parent and no anchor. Because
-- anchors belong to the draft, which lives on across frozen versions, open
-- comments carry over from one version to the next by themselves.

CREATE TABLE comments (
    id            INTEGER PRIMARY KEY,
    procedure_id  INTEGER NOT NULL REFERENCES procedures (id),
    document_id   INTEGER NOT NULL REFERENCES documents (id),
    anchor_id     INTEGER REFERENCES document_anchors (id),
    parent_id     INTEGER REFERENCES comments (id),
    kind          TEXT NOT NULL CHECK (kind IN ('comment', 'suggestion')),
    body          TEXT NOT NULL,
    proposed      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'accepted', 'rejected')),
    author_id     INTEGER NOT NULL REFERENCES accounts (id),
    answer        TEXT NOT NULL DEFAULT '' CHECK (answer IN ('', 'accepted', 'partly_accepted', 'rejected')),
    reason        TEXT NOT NULL DEFAULT '',
    answered_by   INTEGER REFERENCES accounts (id),
    answered_at   TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    -- A thread's start has its passage; a reply has its parent instead.
    CHECK ((parent_id IS NULL) = (anchor_id IS NOT NULL))
);

CREATE INDEX comments_procedure ON comments (procedure_id, id);
CREATE INDEX comments_parent ON comments (parent_id);

CREATE TABLE consultations (
    id            INTEGER PRIMARY KEY,
    procedure_id  INTEGER NOT NULL REFERENCES procedures (id),
    opened_by     INTEGER REFERENCES accounts (id),
    closes_at     TIMESTAMP NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

CREATE INDEX consultations_procedure ON consultations (procedure_id, id);
