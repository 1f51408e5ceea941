-- Sessions end when idle: the last use of each session, recorded at most
-- once a minute (workspace.SessionUseInterval). Sessions made before this
-- migration have none: they count as unused since they were made
-- (workspace.Session.IdleAt).
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMP;

-- The audit log cannot be changed: entries are only ever added. No code
-- updates or deletes them (the purge deletes sessions and invitations, a
-- backup copies the file whole, the demo only adds through the store);
-- these triggers make the database itself refuse it, whoever asks. A
-- migration that ever rebuilds audit_log must create them again.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log cannot be changed: its entries are only added');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log cannot be changed: its entries are only added');
END;

-- INSERT OR REPLACE would delete the entry it replaces without firing the
-- delete trigger (SQLite fires none for a REPLACE unless recursive
-- triggers are on): an insert may not reuse an existing entry's id.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'the audit log cannot be changed: its entries are only added');
END;
