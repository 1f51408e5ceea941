-- The official register: its entries (a procedure under a stable
-- identifier, PROC-YYYY-NNN, in French, Arabic or both) and their
-- publications (an adopted version entered as the next edition of its entry
-- in its language). A publication copies what the public reads — title,
-- summary, category, text — and the SHA-256 of the text, so that nothing
-- done to the procedure afterwards changes a published edition.

CREATE TABLE register_entries (
    id                 INTEGER PRIMARY KEY,
    year               INTEGER NOT NULL CHECK (year BETWEEN 1000 AND 9999),
    seq                INTEGER NOT NULL CHECK (seq > 0),
    category           TEXT NOT NULL CHECK (category IN ('referral_pathway', 'service_standard', 'other')),
    created_at         TIMESTAMP NOT NULL,
    created_by         INTEGER REFERENCES accounts (id),
    withdrawn_at       TIMESTAMP,
    withdrawn_by       INTEGER REFERENCES accounts (id),
    withdrawal_reason  TEXT NOT NULL DEFAULT '',
    -- replaced_by is the entry that replaces this one: named at its
    -- withdrawal, or by a publication of another entry that supersedes it.
    replaced_by        INTEGER REFERENCES register_entries (id) CHECK (replaced_by <> id),
    UNIQUE (year, seq)
);

-- The procedure an entry publishes in each language: one per language, and
-- a procedure in one entry only.
CREATE TABLE register_procedures (
    entry_id      INTEGER NOT NULL REFERENCES register_entries (id),
    language      TEXT NOT NULL CHECK (language IN ('fr', 'ar')),
    procedure_id  INTEGER NOT NULL UNIQUE REFERENCES procedures (id),
    PRIMARY KEY (entry_id, language)
);

CREATE TABLE publications (
    id              INTEGER PRIMARY KEY,
    entry_id        INTEGER NOT NULL REFERENCES register_entries (id),
    language        TEXT NOT NULL CHECK (language IN ('fr', 'ar')),
    edition         INTEGER NOT NULL CHECK (edition > 0),
    procedure_id    INTEGER NOT NULL REFERENCES procedures (id),
    version_id      INTEGER NOT NULL UNIQUE REFERENCES procedure_versions (id),
    version_number  INTEGER NOT NULL,
    category        TEXT NOT NULL CHECK (category IN ('referral_pathway', 'service_standard', 'other')),
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL DEFAULT '',
    content         TEXT NOT NULL,
    content_sha256  TEXT NOT NULL CHECK (length(content_sha256) = 64),
    effective_on    TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    supersedes      INTEGER REFERENCES register_entries (id),
    published_at    TIMESTAMP NOT NULL,
    published_by    INTEGER REFERENCES accounts (id),
    UNIQUE (entry_id, language, edition)
);

CREATE INDEX publications_published_at ON publications (published_at);
CREATE INDEX publications_sha256 ON publications (content_sha256);

-- Public full-text search over the latest edition of each entry in each
-- language (rowid = publications.id): workspace/search's normal form of the
-- title and of the summary with the text. Only published text is ever
-- written here.
CREATE VIRTUAL TABLE publications_fts USING fts5 (
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
