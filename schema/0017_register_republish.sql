-- A procedure whose register entry was withdrawn may be published again,
-- as a new entry (a new PROC-YYYY-NNN): the withdrawn entry stays
-- withdrawn, with its procedures and editions, and the public reads both.
-- register_procedures held procedure_id UNIQUE — a procedure in one entry
-- for good —; it now holds a procedure in one entry at a time: released_at
-- is when the entry's withdrawal let the procedure go, and a procedure has
-- at most one row without it (register_procedures_held). SQLite cannot
-- drop a UNIQUE constraint, so the table is rebuilt with the same columns
-- and key, one more column, and its rows; no table references it.
-- A PostgreSQL store would do the same with ALTER TABLE … DROP CONSTRAINT,
-- ADD COLUMN and CREATE UNIQUE INDEX … WHERE.

CREATE TABLE register_procedures_before_republish AS
SELECT rp.entry_id, rp.language, rp.procedure_id, e.withdrawn_at AS released_at
FROM register_procedures rp JOIN register_entries e ON e.id = rp.entry_id;

DROP TABLE register_procedures;

CREATE TABLE register_procedures (
    entry_id      INTEGER NOT NULL REFERENCES register_entries (id),
    language      TEXT NOT NULL CHECK (language IN ('fr', 'ar')),
    procedure_id  INTEGER NOT NULL REFERENCES procedures (id),
    released_at   TIMESTAMP,
    PRIMARY KEY (entry_id, language)
);

INSERT INTO register_procedures (entry_id, language, procedure_id, released_at)
SELECT entry_id, language, procedure_id, released_at FROM register_procedures_before_republish;

DROP TABLE register_procedures_before_republish;

CREATE UNIQUE INDEX register_procedures_held ON register_procedures (procedure_id) WHERE released_at IS NULL;
CREATE INDEX register_procedures_procedure ON register_procedures (procedure_id, released_at);
