-- Frozen versions of procedures, and the editing sessions of documents
-- already written to the audit log.

-- A version is a copy of the draft's text at a document version: the draft
-- goes on changing, and its history may one day be compacted, while a
-- version is what a vote or a publication refers to.
CREATE TABLE procedure_versions (
    id                INTEGER PRIMARY KEY,
    procedure_id      INTEGER NOT NULL REFERENCES procedures (id),
    number            INTEGER NOT NULL CHECK (number > 0),
    message           TEXT NOT NULL,
    content           TEXT NOT NULL,
    document_version  INTEGER NOT NULL,
    created_by        INTEGER REFERENCES accounts (id),
    created_at        TIMESTAMP NOT NULL,
    UNIQUE (procedure_id, number)
);

-- The editing sessions recorded in the audit log, one row each, so that
-- RecordEditingSessions never records a session twice. A session is named
-- by its first update: every update belongs to exactly one session.
CREATE TABLE document_sessions (
    document_id    INTEGER NOT NULL REFERENCES documents (id),
    first_version  INTEGER NOT NULL,
    last_version   INTEGER NOT NULL,
    account_id     INTEGER REFERENCES accounts (id),
    PRIMARY KEY (document_id, first_version)
);

-- How far each document's updates have been grouped into recorded
-- sessions: every update up to version belongs to a recorded session.
CREATE TABLE document_session_marks (
    document_id  INTEGER PRIMARY KEY REFERENCES documents (id),
    version      INTEGER NOT NULL
);
