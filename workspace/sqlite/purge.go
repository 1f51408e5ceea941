package sqlite

import (
	"context"
	"fmt"
	"time"
)

// Purged counts what PurgeExpired deleted.
type Purged struct {
	Sessions    int64
	Invitations int64
}

// PurgeExpired deletes, in one transaction, the sessions and invitations
// that can no longer be used at now: sessions expired, revoked or idle,
// invitations used (or retired by a newer one or a deactivation) or
// expired. Nothing refers to them, and their tables would otherwise grow
// by a row at every login for ever; the audit log keeps the logins,
// logouts and invitations as events.
func (db *DB) PurgeExpired(ctx context.Context, now time.Time) (Purged, error) {
	var p Purged
	err := db.withWriteTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE revoked_at IS NOT NULL OR expires_at <= ? OR COALESCE(last_seen_at, created_at) <= ?`,
			now, now.Add(-db.sessionIdle))
		if err != nil {
			return fmt.Errorf("sqlite: purge sessions: %w", err)
		}
		if p.Sessions, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("sqlite: purge sessions: %w", err)
		}
		res, err = tx.tx.ExecContext(ctx, `DELETE FROM invitations WHERE used_at IS NOT NULL OR expires_at <= ?`, now)
		if err != nil {
			return fmt.Errorf("sqlite: purge invitations: %w", err)
		}
		if p.Invitations, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("sqlite: purge invitations: %w", err)
		}
		return nil
	})
	return p, err
}
