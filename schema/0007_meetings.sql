-- Meetings of the table: the meeting, who is invited and who came, its
-- ordered agenda with links to procedures, the live room's state (the
-- current item, the list of speakers), decisions per agenda item with
-- their actions, and each account's calendar feed.
--
-- Times are instants (UTC); a due date is a calendar day, 'YYYY-MM-DD',
-- in the table's time zone.

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
    status               TEXT NOT NULL CHECK (status IN ('planned', 'live', 'closed')),
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
    CHECK (ends_at > starts_at)
);

CREATE INDEX meetings_starts_at ON meetings (starts_at);

CREATE TABLE meeting_invitees (
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id),
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    attendance     TEXT NOT NULL DEFAULT 'invited' CHECK (attendance IN ('invited', 'present', 'excused', 'absent')),
    checked_in_at  TIMESTAMP,
    PRIMARY KEY (meeting_id, account_id)
) WITHOUT ROWID;

CREATE INDEX meeting_invitees_account ON meeting_invitees (account_id);

CREATE TABLE agenda_items (
    id                         INTEGER PRIMARY KEY,
    meeting_id                 INTEGER NOT NULL REFERENCES meetings (id),
    position                   INTEGER NOT NULL,
    kind                       TEXT NOT NULL DEFAULT 'ordinary' CHECK (kind IN ('ordinary', 'minutes_approval', 'matters_arising')),
    title                      TEXT NOT NULL,
    description                TEXT NOT NULL DEFAULT '',
    duration_minutes           INTEGER NOT NULL DEFAULT 0 CHECK (duration_minutes >= 0),
    presenter_account_id       INTEGER REFERENCES accounts (id),
    presenter_organisation_id  INTEGER REFERENCES organisations (id),
    -- source_meeting_id is the meeting whose minutes a minutes_approval
    -- item approves, or whose actions a matters_arising item follows up.
    source_meeting_id          INTEGER REFERENCES meetings (id),
    -- spent_seconds is the time the item was current, added up each time
    -- the room moves away from it.
    spent_seconds              INTEGER NOT NULL DEFAULT 0 CHECK (spent_seconds >= 0),
    created_at                 TIMESTAMP NOT NULL,
    updated_at                 TIMESTAMP NOT NULL,
    UNIQUE (meeting_id, position)
);

-- Links from an agenda item to the procedures it discusses.
CREATE TABLE agenda_item_procedures (
    agenda_item_id  INTEGER NOT NULL REFERENCES agenda_items (id),
    procedure_id    INTEGER NOT NULL REFERENCES procedures (id),
    PRIMARY KEY (agenda_item_id, procedure_id)
) WITHOUT ROWID;

CREATE INDEX agenda_item_procedures_procedure ON agenda_item_procedures (procedure_id);

-- The list of speakers of a meeting, in the order the floor was asked.
CREATE TABLE meeting_speakers (
    id              INTEGER PRIMARY KEY,
    meeting_id      INTEGER NOT NULL REFERENCES meetings (id),
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    agenda_item_id  INTEGER REFERENCES agenda_items (id),
    status          TEXT NOT NULL CHECK (status IN ('waiting', 'speaking', 'done', 'withdrawn')),
    requested_at    TIMESTAMP NOT NULL,
    started_at      TIMESTAMP,
    ended_at        TIMESTAMP
);

CREATE INDEX meeting_speakers_meeting ON meeting_speakers (meeting_id, id);
-- One request at a time per person: waiting or speaking.
CREATE UNIQUE INDEX meeting_speakers_one_open ON meeting_speakers (meeting_id, account_id)
    WHERE status IN ('waiting', 'speaking');
-- One speaker at a time.
CREATE UNIQUE INDEX meeting_speakers_one_speaking ON meeting_speakers (meeting_id)
    WHERE status = 'speaking';

-- One decision per agenda item.
CREATE TABLE decisions (
    id              INTEGER PRIMARY KEY,
    meeting_id      INTEGER NOT NULL REFERENCES meetings (id),
    agenda_item_id  INTEGER NOT NULL UNIQUE REFERENCES agenda_items (id),
    text            TEXT NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('adopted', 'rejected', 'postponed')),
    recorded_by     INTEGER REFERENCES accounts (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

CREATE INDEX decisions_meeting ON decisions (meeting_id);

CREATE TABLE actions (
    id                     INTEGER PRIMARY KEY,
    decision_id            INTEGER NOT NULL REFERENCES decisions (id),
    meeting_id             INTEGER NOT NULL REFERENCES meetings (id),
    title                  TEXT NOT NULL,
    owner_organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    due_date               TEXT NOT NULL CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    status                 TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);

CREATE INDEX actions_decision ON actions (decision_id);
CREATE INDEX actions_meeting ON actions (meeting_id, status);
CREATE INDEX actions_owner ON actions (owner_organisation_id, status);

-- The actions a matters_arising item follows up.
CREATE TABLE agenda_item_actions (
    agenda_item_id  INTEGER NOT NULL REFERENCES agenda_items (id),
    action_id       INTEGER NOT NULL REFERENCES actions (id),
    PRIMARY KEY (agenda_item_id, action_id)
) WITHOUT ROWID;

-- A personal calendar feed: the SHA-256 digest of its secret token.
CREATE TABLE calendar_feeds (
    account_id    INTEGER PRIMARY KEY REFERENCES accounts (id),
    token_digest  TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMP NOT NULL
);
