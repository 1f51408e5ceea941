-- The accounts that cast a ballot in a poll, named or secret, whatever
-- voter they cast it for (themselves, or their organisation for a vote per
-- organisation). Its primary key holds one ballot per account per poll,
-- even when the account moves to another organisation after voting for
-- the one it left. It keeps the account and the sending's submission (a
-- random token the page draws for one sending of its form, so that the
-- same sending repeated is answered as stored, not refused) — never a
-- choice, a time, an order or a ballot's id, so that a secret ballot stays
-- apart from its voter.

CREATE TABLE poll_voters (
    poll_id     INTEGER NOT NULL REFERENCES polls (id),
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    submission  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (poll_id, account_id)
) WITHOUT ROWID;

-- The ballots cast before: every ballot's audit entry names its voter's
-- account as the actor.
INSERT OR IGNORE INTO poll_voters (poll_id, account_id)
SELECT DISTINCT l.entity_id, l.actor_id FROM audit_log l
WHERE l.action = 'vote.cast' AND l.entity_type = 'poll' AND l.actor_id IS NOT NULL
  AND l.entity_id IN (SELECT id FROM polls) AND l.actor_id IN (SELECT id FROM accounts);
