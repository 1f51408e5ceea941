-- Votes: polls on an agenda item or on the adoption of a procedure's
-- version, their options, and their ballots.
--
-- A named poll keeps each ballot with its voter (named_ballots). A secret
-- poll keeps who took part (poll_participants: the voter only, no time, no
-- link to a ballot) apart from the ballots (secret_ballots: the choices
-- and the college only, no voter, no time), and a secret ballot's id is
-- drawn at random, so that neither the table's order nor its ids follow
-- the order of voting. One ballot per voter per poll is held by the
-- primary keys of named_ballots and poll_participants, whatever the
-- application does.
--
-- A voter is 'a:<account id>' for a vote per person, 'o:<organisation
-- id>' for a vote per organisation.

CREATE TABLE polls (
    id              INTEGER PRIMARY KEY,
    question        TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL CHECK (kind IN ('yes_no', 'single', 'multiple')),
    mode            TEXT NOT NULL CHECK (mode IN ('named', 'secret')),
    status          TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    min_choices     INTEGER NOT NULL CHECK (min_choices >= 1),
    max_choices     INTEGER NOT NULL CHECK (max_choices >= min_choices),
    unit            TEXT NOT NULL CHECK (unit IN ('person', 'organisation')),
    present_only    BOOLEAN NOT NULL DEFAULT FALSE,
    quorum_percent  INTEGER NOT NULL DEFAULT 0 CHECK (quorum_percent BETWEEN 0 AND 100),
    majority        TEXT NOT NULL CHECK (majority IN ('simple', 'absolute', 'two_thirds', 'electorate')),
    college_rule    TEXT NOT NULL CHECK (college_rule IN ('none', 'every_college', 'no_objection')),
    allow_change    BOOLEAN NOT NULL DEFAULT FALSE CHECK (NOT (allow_change AND mode = 'secret')),
    meeting_id      INTEGER REFERENCES meetings (id),
    agenda_item_id  INTEGER REFERENCES agenda_items (id),
    procedure_id    INTEGER REFERENCES procedures (id),
    version_number  INTEGER,
    closes_at       TIMESTAMP,
    opened_at       TIMESTAMP,
    closed_at       TIMESTAMP,
    -- result_json is the tally (workspace.PollResult), written once, when
    -- the poll closes.
    result_json     TEXT NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES accounts (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CHECK ((meeting_id IS NULL) = (procedure_id IS NOT NULL)),
    CHECK ((meeting_id IS NULL) = (agenda_item_id IS NULL)),
    CHECK ((procedure_id IS NULL) = (version_number IS NULL)),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);

CREATE INDEX polls_meeting ON polls (meeting_id);
CREATE INDEX polls_procedure ON polls (procedure_id, version_number);
CREATE INDEX polls_due ON polls (status, closes_at);

CREATE TABLE poll_options (
    id        INTEGER PRIMARY KEY,
    poll_id   INTEGER NOT NULL REFERENCES polls (id),
    position  INTEGER NOT NULL,
    key       TEXT NOT NULL DEFAULT '',
    label     TEXT NOT NULL DEFAULT '',
    UNIQUE (poll_id, position)
);

-- Who took part in a poll, named or secret.
CREATE TABLE poll_participants (
    poll_id    INTEGER NOT NULL REFERENCES polls (id),
    voter_key  TEXT NOT NULL,
    PRIMARY KEY (poll_id, voter_key)
) WITHOUT ROWID;

CREATE TABLE named_ballots (
    poll_id          INTEGER NOT NULL REFERENCES polls (id),
    voter_key        TEXT NOT NULL,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    college          TEXT NOT NULL,
    -- choices is a JSON array of option ids.
    choices          TEXT NOT NULL,
    cast_at          TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (poll_id, voter_key)
);

CREATE TABLE secret_ballots (
    -- id is random (see above).
    id       INTEGER PRIMARY KEY,
    poll_id  INTEGER NOT NULL REFERENCES polls (id),
    college  TEXT NOT NULL,
    choices  TEXT NOT NULL
);

CREATE INDEX secret_ballots_poll ON secret_ballots (poll_id);

-- A version adopted by a poll is ready for publication.
ALTER TABLE procedure_versions ADD COLUMN adopted_at TIMESTAMP;
ALTER TABLE procedure_versions ADD COLUMN adopted_by_poll INTEGER REFERENCES polls (id);
