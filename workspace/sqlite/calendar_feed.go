package sqlite

import (
	"context"
	"fmt"

	"tawla/workspace"
)

// ResetCalendarFeed gives the actor's account a new secret calendar-feed
// token, replacing any earlier one, and returns it; only its digest is
// stored, and the audit entry names neither. The actor must read meetings
// (CanReadMeetings) and be an account.
func (db *DB) ResetCalendarFeed(ctx context.Context, actor workspace.Actor) (string, error) {
	var issued string
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanReadMeetings(actor); err != nil {
			return err
		}
		if actor.AccountID == nil {
			return workspace.Errorf(workspace.EINVALID, "A calendar feed belongs to an account.")
		}
		var replaced bool
		if err := tx.tx.GetContext(ctx, &replaced, `SELECT EXISTS (SELECT 1 FROM calendar_feeds WHERE account_id = ?)`, *actor.AccountID); err != nil {
			return fmt.Errorf("sqlite: reset calendar feed: %w", err)
		}
		token := workspace.NewToken()
		now := db.Now()
		if _, err := tx.tx.ExecContext(ctx, `
			INSERT INTO calendar_feeds (account_id, token_digest, created_at) VALUES (?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET token_digest = excluded.token_digest, created_at = excluded.created_at`,
			*actor.AccountID, workspace.TokenDigest(token), now); err != nil {
			return fmt.Errorf("sqlite: reset calendar feed: %w", err)
		}
		if err := db.recordAudit(ctx, tx.tx, actor, workspace.AuditCalendarReset, "calendar_feed", *actor.AccountID, nil,
			map[string]any{"replaced": replaced}); err != nil {
			return err
		}
		issued = token
		return nil
	})
	if err != nil {
		return "", err
	}
	return issued, nil
}

// HasCalendarFeed reports whether accountID has a calendar feed.
func (db *DB) HasCalendarFeed(ctx context.Context, accountID int64) (bool, error) {
	var has bool
	if err := db.read.GetContext(ctx, &has, `SELECT EXISTS (SELECT 1 FROM calendar_feeds WHERE account_id = ?)`, accountID); err != nil {
		return false, fmt.Errorf("sqlite: find calendar feed: %w", err)
	}
	return has, nil
}

// FindCalendarFeedAccount returns the active account, with its
// organisation, whose calendar-feed token is token, or ENOTFOUND. Whether
// the account may still read meetings is the caller's to check
// (workspace.CanReadMeetings).
func (db *DB) FindCalendarFeedAccount(ctx context.Context, token string) (*workspace.Account, error) {
	accs, err := queryRows(ctx, db.read, accountWithOrganisationFields, `
		SELECT `+accountShownColumns+`, `+prefixed("o", organisationColumns)+`
		FROM calendar_feeds f JOIN accounts a ON a.id = f.account_id JOIN organisations o ON o.id = a.organisation_id
		WHERE f.token_digest = ? AND a.active = TRUE`, workspace.TokenDigest(token))
	if err != nil {
		return nil, fmt.Errorf("sqlite: find calendar feed: %w", err)
	} else if len(accs) == 0 {
		return nil, notFound("Calendar feed")
	}
	return accs[0], nil
}
