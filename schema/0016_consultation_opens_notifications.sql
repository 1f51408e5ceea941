-- A consultation may be announced before it opens: stakeholders see when
-- it opens and comment only from then. NULL for a consultation open from
-- its creation, as every one made before this migration is.
--
-- Closing a consultation before its date sets its closes_at to the moment
-- it was closed; the audit log keeps the date it was meant to close.

ALTER TABLE consultations ADD COLUMN opens_at TIMESTAMP;

-- Notifications are also about a procedure's comments: a reply to one's
-- comment, the secretariat's answer to it. Such a notification names the
-- comment (the reply, or the thread answered) instead of an issue; the
-- table is made again, since SQLite cannot drop a NOT NULL, with every
-- notification kept as it was.

CREATE TABLE notifications_0016 (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    kind        TEXT NOT NULL CHECK (kind IN ('issue_new', 'issue_assigned', 'issue_comment', 'issue_status', 'comment_reply', 'comment_answer')),
    issue_id    INTEGER REFERENCES issues (id),
    event_id    INTEGER REFERENCES issue_events (id),
    comment_id  INTEGER REFERENCES comments (id),
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP,
    -- About an issue or about a comment, never both.
    CHECK ((issue_id IS NULL) <> (comment_id IS NULL))
);

INSERT INTO notifications_0016 (id, account_id, kind, issue_id, event_id, created_at, read_at)
    SELECT id, account_id, kind, issue_id, event_id, created_at, read_at FROM notifications;

DROP TABLE notifications;

ALTER TABLE notifications_0016 RENAME TO notifications;

CREATE INDEX notifications_unread ON notifications (account_id, read_at, id);
