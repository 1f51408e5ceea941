-- Anchors: passages of a document (the place of a comment, the range of a
-- suggested change) that the co-editing authority maps through every
-- accepted update, storing the new positions in the update's transaction.
-- Positions count UTF-16 code units and hold at the document's current
-- version. A passage that an update deletes whole is marked removed, with
-- the text it had just before.

CREATE TABLE document_anchors (
    id               INTEGER PRIMARY KEY,
    document_id      INTEGER NOT NULL REFERENCES documents (id),
    from_pos         INTEGER NOT NULL CHECK (from_pos >= 0),
    to_pos           INTEGER NOT NULL CHECK (to_pos >= from_pos),
    created_version  INTEGER NOT NULL,
    quote            TEXT NOT NULL,
    removed          BOOLEAN NOT NULL DEFAULT FALSE,
    removed_version  INTEGER,
    last_text        TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);

CREATE INDEX document_anchors_document ON document_anchors (document_id, removed);
