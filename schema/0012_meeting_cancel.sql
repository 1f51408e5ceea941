-- A planned meeting can be cancelled: its status becomes 'cancelled', and
-- the meeting keeps when, by whom and why. A status is one truthful value,
-- so the CHECK on meetings.status must admit the new one; SQLite cannot
-- alter a CHECK constraint, so the table is rebuilt here with the same
-- columns, constraints and indexes, and three more columns.
--
-- Tables that reference meetings (meeting_invitees, agenda_items,
-- meeting_speakers, decisions, actions, agenda_items.source_meeting_id,
-- polls) keep naming "meetings": the old table is dropped and the new one
-- created under the same name, never renamed, since a rename would
-- rewrite their references. Foreign keys stay on (the migration runs in a
-- transaction, where PRAGMA foreign_keys cannot change); deferring them
-- lets the drop leave child rows without their parent until the rows are
-- copied back, and the commit checks that every reference holds again.
-- A PostgreSQL store would do the same in place with ALTER TABLE … DROP
-- CONSTRAINT / ADD CONSTRAINT / ADD COLUMN.

PRAGMA defer_foreign_keys = ON;

CREATE TABLE meetings_before_cancel AS SELECT * FROM meetings;

DROP TABLE meetings;

CREATE TABLE meetings (
    id                   INTEGER PRIMARY KEY,
    title                TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('plenary', 'working_group')),
    -- language is the one the minutes are pre-filled in.
    language             TEXT NOT NULL CHECK (language IN ('fr', 'ar')),
    starts_at            TIMESTAMP NOT NULL,
    ends_at              TIMESTAMP NOT NULL,
    place                TEXT NOT NULL DEFAULT '',
    online_link          TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL CHECK (status IN ('planned', 'live', 'closed', 'cancelled')),
    quorum_rule          TEXT NOT NULL CHECK (quorum_rule IN ('none', 'one_third', 'half_plus_one', 'two_thirds')),
    minutes_document_id  INTEGER REFERENCES documents (id),
    minutes_approved_at  TIMESTAMP,
    -- The live room: the item under discussion and since when.
    current_item_id      INTEGER REFERENCES agenda_items (id),
    current_item_since   TIMESTAMP,
    started_at           TIMESTAMP,
    closed_at            TIMESTAMP,
    -- carried_over is set once the meeting's open actions and its minutes
    -- have been put on a later meeting's agenda; a meeting closed with no
    -- later meeting planned waits for the next one created.
    carried_over         BOOLEAN NOT NULL DEFAULT FALSE,
    created_by           INTEGER REFERENCES accounts (id),
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    -- A cancelled meeting: when, by whom and why (the reason is required).
    cancelled_at         TIMESTAMP,
    cancelled_by         INTEGER REFERENCES accounts (id),
    cancel_reason        TEXT NOT NULL DEFAULT '',
    CHECK (ends_at > starts_at),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK (status <> 'cancelled' OR cancel_reason <> '')
);

INSERT INTO meetings (id, title, kind, language, starts_at, ends_at, place, online_link, status, quorum_rule,
    minutes_document_id, minutes_approved_at, current_item_id, current_item_since, started_at, closed_at,
    carried_over, created_by, created_at, updated_at)
SELECT id, title, kind, language, starts_at, ends_at, place, online_link, status, quorum_rule,
    minutes_document_id, minutes_approved_at, current_item_id, current_item_since, started_at, closed_at,
    carried_over, created_by, created_at, updated_at
FROM meetings_before_cancel;

DROP TABLE meetings_before_cancel;

-- The indexes of 0007 and 0011, dropped with the old table.
CREATE INDEX meetings_starts_at ON meetings (starts_at);
CREATE UNIQUE INDEX meetings_minutes_document ON meetings (minutes_document_id);
