-- Sessions end when idle: the last use of each session, recorded at most
-- once a minute (workspace.SessionUseInterval). Sessions made before this
-- migration have none until their next use records it.
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMP;
