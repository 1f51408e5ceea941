-- Members and access: organisations, accounts, sessions, invitations, audit log.

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name_fr     TEXT NOT NULL DEFAULT '',
    name_ar     TEXT NOT NULL DEFAULT '',
    college     TEXT NOT NULL CHECK (college IN ('state', 'civil_society', 'local_authority', 'returnees', 'partner')),
    delegation  TEXT NOT NULL DEFAULT '',
    contact     TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    email            TEXT NOT NULL UNIQUE,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    language         TEXT NOT NULL DEFAULT 'fr',
    role             TEXT NOT NULL CHECK (role IN ('admin', 'secretariat', 'member', 'stakeholder')),
    can_vote         BOOLEAN NOT NULL DEFAULT FALSE,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash    TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);

CREATE INDEX accounts_organisation ON accounts (organisation_id);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);

CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    created_by  INTEGER REFERENCES accounts (id),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);

CREATE INDEX invitations_account ON invitations (account_id);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    actor_id     INTEGER REFERENCES accounts (id),
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    INTEGER NOT NULL,
    before_json  TEXT NOT NULL DEFAULT '',
    after_json   TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
