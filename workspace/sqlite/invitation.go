package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// CreateInvitation makes a one-time link for the account to set its
// password and returns the token to put in the link. The actor must be
// allowed by workspace.CanInvite, and the account must be active. Earlier unused invitations of the account stop
// working.
func (db *DB) CreateInvitation(ctx context.Context, actor workspace.Actor, accountID int64) (token string, err error) {
	err = db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		acc, err := findAccountByID(ctx, tx.tx, accountID)
		if err != nil {
			return err
		}
		if err := workspace.CanInvite(actor, acc); err != nil {
			return err
		}
		if !acc.Active {
			return workspace.Invalid("account", "error.invitation.inactive", "This account is deactivated.")
		}
		now := db.Now()
		if err := retireInvitations(ctx, tx.tx, accountID, now); err != nil {
			return err
		}
		token = workspace.NewToken()
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO invitations (id, account_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			workspace.TokenDigest(token), accountID, actor.AccountID, now, now.Add(workspace.InvitationLifetime)); err != nil {
			return fmt.Errorf("sqlite: create invitation: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditAccountInvite, "account", accountID, nil, nil)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// FindInvitation returns the account a usable invitation token is for. A
// token that is unknown, used or expired gives ENOTFOUND; one whose creator,
// as they stand now, may no longer make it for the account as it stands
// now gives EFORBIDDEN (checkInvitationStands).
func (db *DB) FindInvitation(ctx context.Context, token string) (*workspace.Account, error) {
	var inv workspace.Invitation
	err := db.read.QueryRowContext(ctx, `SELECT id, account_id, created_by, created_at, expires_at, used_at FROM invitations WHERE id = ?`, workspace.TokenDigest(token)).
		Scan(&inv.ID, &inv.AccountID, &inv.CreatedBy, &inv.CreatedAt, &inv.ExpiresAt, &inv.UsedAt)
	if isNoRows(err) {
		return nil, errInvitationUnusable()
	} else if err != nil {
		return nil, fmt.Errorf("sqlite: find invitation: %w", err)
	}
	if inv.UsedAt != nil || !db.Now().Before(inv.ExpiresAt) {
		return nil, errInvitationUnusable()
	}
	acc, err := findAccountByID(ctx, db.read, inv.AccountID)
	if err != nil {
		return nil, err
	}
	if !acc.Active {
		return nil, errInvitationUnusable()
	}
	creator, err := invitationCreator(ctx, db.read, inv.CreatedBy)
	if err != nil {
		return nil, err
	}
	if err := checkInvitationStands(creator, acc); err != nil {
		return nil, err
	}
	return acc, nil
}

// UseInvitation spends the invitation token and sets the account's password
// hash, in one transaction; a second use of the same token fails. The link
// works only while its creator, as this transaction reads them, may still
// make it for the account as this transaction reads it
// (checkInvitationStands): a creator deactivated or demoted since, or an
// account made an admin since, ends it.
func (db *DB) UseInvitation(ctx context.Context, token, passwordHash string) (*workspace.Account, error) {
	var used *workspace.Account
	err := db.withWriteTx(ctx, func(tx *Tx) error {
		now := db.Now()
		var inv struct {
			AccountID int64  `db:"account_id"`
			CreatedBy *int64 `db:"created_by"`
		}
		err := tx.tx.GetContext(ctx, &inv, `SELECT account_id, created_by FROM invitations WHERE id = ? AND used_at IS NULL AND expires_at > ?`,
			workspace.TokenDigest(token), now)
		if isNoRows(err) {
			return errInvitationUnusable()
		} else if err != nil {
			return fmt.Errorf("sqlite: use invitation: %w", err)
		}
		accountID := inv.AccountID
		acc, err := findAccountByID(ctx, tx.tx, accountID)
		if err != nil {
			return err
		}
		if !acc.Active {
			return errInvitationUnusable()
		}
		creator, err := invitationCreator(ctx, tx.tx, inv.CreatedBy)
		if err != nil {
			return err
		}
		if err := checkInvitationStands(creator, acc); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE invitations SET used_at = ? WHERE id = ?`, now, workspace.TokenDigest(token)); err != nil {
			return fmt.Errorf("sqlite: use invitation: %w", err)
		}
		// The entry is the person's, who chose the password, and names
		// the link's creator, whose right let them: a reset the creator
		// used themselves shows who made it.
		if err := db.setPassword(ctx, tx.tx, workspace.ActorFor(acc), accountID, passwordHash, invitationAuditOf(creator)); err != nil {
			return err
		}
		used = acc
		return nil
	})
	if err != nil {
		return nil, err
	}
	return used, nil
}

// retireInvitations makes the account's unused invitations unusable, inside
// tx. A retired invitation is marked used: nobody can tell it from one that
// was, and neither works.
func retireInvitations(ctx context.Context, tx *sqlx.Tx, accountID int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE invitations SET used_at = ? WHERE account_id = ? AND used_at IS NULL`, now, accountID); err != nil {
		return fmt.Errorf("sqlite: retire invitations: %w", err)
	}
	return nil
}

// invitationCreator returns the creator of an invitation (createdBy, nil
// for the system) as q reads them now: the zero Actor, which may do
// nothing, for an account that is gone.
func invitationCreator(ctx context.Context, q sqlx.QueryerContext, createdBy *int64) (workspace.Actor, error) {
	if createdBy == nil {
		return workspace.SystemActor(""), nil
	}
	c, err := findAccountByID(ctx, q, *createdBy)
	if workspace.ErrorCode(err) == workspace.ENOTFOUND {
		return workspace.Actor{}, nil
	} else if err != nil {
		return workspace.Actor{}, err
	}
	return workspace.ActorFor(c), nil
}

// checkInvitationStands reports whether the creator of an invitation, as
// invitationCreator reads them now, may still make it for acc as it
// stands now (workspace.CanInvite): an invitation is the creator's right
// lent to whoever holds the link, and lasts no longer than that right. A
// creator who is gone, deactivated or demoted, or an account the creator
// may no longer manage (made an admin, or given a password a non-admin may
// not reset), ends it with EFORBIDDEN error.invitation.withdrawn.
func checkInvitationStands(creator workspace.Actor, acc *workspace.Account) error {
	if workspace.CanInvite(creator, acc) != nil {
		return &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.invitation.withdrawn",
			Message: "This invitation link no longer works: the account or the person who made it has changed since. Ask the secretariat for a new one."}
	}
	return nil
}

// invitationAudit is what the account.password entry of a password set
// through an invitation adds: who made the link, as "Name #id" ("" for
// the system), the way the audit page names an actor.
type invitationAudit struct {
	InvitationBy string `json:"invitation_by"`
}

// invitationAuditOf returns the invitationAudit of a link made by creator.
func invitationAuditOf(creator workspace.Actor) invitationAudit {
	if creator.AccountID == nil {
		return invitationAudit{}
	}
	return invitationAudit{InvitationBy: fmt.Sprintf("%s #%d", creator.Name, *creator.AccountID)}
}

func errInvitationUnusable() error {
	return &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.invitation.unusable", Message: "This invitation link is unknown, already used or expired."}
}
