package sqlite

import (
	"context"

	"tawla/workspace"
)

// loginFailure is what the audit entry of a failed login records: where
// the attempt came from. The password tried is never kept.
type loginFailure struct {
	Address string `json:"address"`
}

// RecordFailedLogin writes to the audit log that a wrong password was
// given at the login form for the account with id accountID, from the
// client address addr. The actor is the unidentified visitor, named by
// its address. The account must exist (ENOTFOUND otherwise): failures for
// unknown emails are not audited (see the server's recordFailedLogin).
func (db *DB) RecordFailedLogin(ctx context.Context, accountID int64, addr string) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		if _, err := findAccountByID(ctx, tx.tx, accountID); err != nil {
			return err
		}
		visitor := workspace.Actor{Name: addr}
		return db.recordAudit(ctx, tx.tx, visitor, workspace.AuditAccountLoginFailed, "account", accountID, nil, loginFailure{Address: addr})
	})
}
