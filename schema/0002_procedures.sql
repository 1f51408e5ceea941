-- Procedures and their co-edited drafts: documents, their accepted updates
-- (the history that the authority rebases pushes over) and snapshots of
-- their text (so a document opens without replaying its whole history).

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('procedure_draft', 'minutes')),
    version     INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE document_updates (
    document_id  INTEGER NOT NULL REFERENCES documents (id),
    version      INTEGER NOT NULL,
    client_id    TEXT NOT NULL,
    client_seq   INTEGER NOT NULL,
    changes      TEXT NOT NULL,
    account_id   INTEGER REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (document_id, version)
);

CREATE UNIQUE INDEX document_updates_client ON document_updates (document_id, client_id, client_seq);

CREATE TABLE document_snapshots (
    document_id  INTEGER NOT NULL REFERENCES documents (id),
    version      INTEGER NOT NULL,
    content      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (document_id, version)
);

CREATE TABLE procedures (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    language     TEXT NOT NULL CHECK (language IN ('fr', 'ar')),
    category     TEXT NOT NULL CHECK (category IN ('referral_pathway', 'service_standard', 'other')),
    summary      TEXT NOT NULL DEFAULT '',
    document_id  INTEGER NOT NULL UNIQUE REFERENCES documents (id),
    created_by   INTEGER REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
