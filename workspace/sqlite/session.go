package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// CreateSession starts a new session for the account and returns its token,
// which only the browser keeps. When replacing names the digest of the
// session the browser held before, that session is revoked in the same
// transaction: a login always rotates the session.
func (db *DB) CreateSession(ctx context.Context, accountID int64, replacing string) (token string, err error) {
	err = db.withWriteTx(ctx, func(tx *Tx) error {
		now := db.Now()
		if replacing != "" {
			if _, err := tx.tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, now, replacing); err != nil {
				return fmt.Errorf("sqlite: revoke replaced session: %w", err)
			}
		}
		token = workspace.NewToken()
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO sessions (id, account_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
			workspace.TokenDigest(token), accountID, now, now.Add(workspace.SessionLifetime), now); err != nil {
			if isForeignKeyViolation(err) {
				return notFound("Account")
			}
			return fmt.Errorf("sqlite: create session: %w", err)
		}
		acc, err := findAccountByID(ctx, tx.tx, accountID)
		if err != nil {
			return err
		}
		return db.recordAudit(ctx, tx.tx, workspace.ActorFor(acc), workspace.AuditAccountLogin, "account", accountID, nil, nil)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// FindSession returns the live session for token and its account. A session
// that is unknown, revoked, expired, unused for the idle limit
// (Options.SessionIdle) or whose account is deactivated gives
// EUNAUTHORIZED. It only reads: the caller records the use with
// TouchSession when the session says it is due.
func (db *DB) FindSession(ctx context.Context, token string) (*workspace.Session, *workspace.Account, error) {
	var s workspace.Session
	acc := new(workspace.Account)
	fields := append([]any{&s.ID, &s.AccountID, &s.CreatedAt, &s.ExpiresAt, &s.RevokedAt, &s.LastSeenAt}, accountWithOrganisationFields(acc)...)
	stmt, err := db.prepared(ctx, findSessionSQL)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: find session: %w", err)
	}
	err = stmt.QueryRowContext(ctx, workspace.TokenDigest(token)).Scan(fields...)
	if isNoRows(err) {
		return nil, nil, errUnauthorized()
	} else if err != nil {
		return nil, nil, fmt.Errorf("sqlite: find session: %w", err)
	}
	now := db.Now()
	if s.EndedAt(now, db.sessionIdle) || !acc.Active {
		return nil, nil, errUnauthorized()
	}
	return &s, acc, nil
}

// findSessionSQL reads a session with its account and the account's
// organisation in one statement: the websocket reads it again for every
// message a connection sends.
var findSessionSQL = `SELECT s.id, s.account_id, s.created_at, s.expires_at, s.revoked_at, s.last_seen_at, ` +
	accountColumns + `, ` + prefixed("o", organisationColumns) + `
	FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN organisations o ON o.id = a.organisation_id
	WHERE s.id = ?`

// TouchSession records that the session with the given digest is in use
// now, so that it does not end for idleness. It is bookkeeping, not a
// change anyone made, and is not audited. Callers write it only when
// Session.UseDue says so, at most once a minute per session, rather than
// at every request. A revoked or unknown session is left as it is.
func (db *DB) TouchSession(ctx context.Context, id string) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ? AND revoked_at IS NULL`, db.Now(), id); err != nil {
			return fmt.Errorf("sqlite: record session use: %w", err)
		}
		return nil
	})
}

// RevokeSession ends the session with the given digest (a logout).
func (db *DB) RevokeSession(ctx context.Context, id string) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		var accountID int64
		err := tx.tx.GetContext(ctx, &accountID, `SELECT account_id FROM sessions WHERE id = ? AND revoked_at IS NULL`, id)
		if isNoRows(err) {
			return nil // already gone: logging out twice is not an error
		} else if err != nil {
			return fmt.Errorf("sqlite: revoke session: %w", err)
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE id = ?`, db.Now(), id); err != nil {
			return fmt.Errorf("sqlite: revoke session: %w", err)
		}
		acc, err := findAccountByID(ctx, tx.tx, accountID)
		if err != nil {
			return err
		}
		return db.recordAudit(ctx, tx.tx, workspace.ActorFor(acc), workspace.AuditAccountLogout, "account", accountID, nil, nil)
	})
}

func revokeAccountSessions(ctx context.Context, tx *sqlx.Tx, accountID int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL`, now, accountID); err != nil {
		return fmt.Errorf("sqlite: revoke sessions: %w", err)
	}
	return nil
}

func errUnauthorized() error {
	return &workspace.Error{Code: workspace.EUNAUTHORIZED, Key: "error.unauthorized", Message: "Please log in."}
}
