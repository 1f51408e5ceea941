package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// accountColumns are the columns of an account that accountFields scans
// into, in the same order.
const accountColumns = `a.id, a.name, a.email, a.organisation_id, a.language, a.role, a.can_vote, a.active, a.password_hash, a.created_at, a.updated_at`

// accountFields returns the fields of a that accountColumns are scanned
// into, in order.
func accountFields(a *workspace.Account) []any {
	return []any{&a.ID, &a.Name, &a.Email, &a.OrganisationID, &a.Language, &a.Role, &a.CanVote, &a.Active, &a.PasswordHash, &a.CreatedAt, &a.UpdatedAt}
}

// accountWithOrganisationFields returns the fields of a, then of a new
// Organisation it points to, that accountColumns and organisationColumns
// (prefixed "o") are scanned into.
func accountWithOrganisationFields(a *workspace.Account) []any {
	a.Organisation = &workspace.Organisation{}
	return append(accountFields(a), organisationFields(a.Organisation)...)
}

// accountAudit is the part of an account the audit log keeps: never the
// password hash.
type accountAudit struct {
	Name           string `json:"name"`
	Email          string `json:"email"`
	OrganisationID int64  `json:"organisation_id"`
	Language       string `json:"language"`
	Role           string `json:"role"`
	CanVote        bool   `json:"can_vote"`
	Active         bool   `json:"active"`
}

func auditAccount(a *workspace.Account) accountAudit {
	return accountAudit{a.Name, a.Email, a.OrganisationID, a.Language, string(a.Role), a.CanVote, a.Active}
}

// CreateAccount validates a and stores it as a new active account, setting
// its ID and timestamps. The actor must manage accounts of a's role
// (workspace.CanManageAccount); the email must be free and the
// organisation active. The account has no password until one is set
// (SetPassword or an invitation), unless a.PasswordHash is already filled.
func (db *DB) CreateAccount(ctx context.Context, actor workspace.Actor, a *workspace.Account) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanManageAccount(actor, a.Role); err != nil {
			return err
		}
		if err := a.Validate(); err != nil {
			return err
		}
		if err := checkOrganisationUsable(ctx, tx.tx, a.OrganisationID); err != nil {
			return err
		}
		now := db.Now()
		a.Active, a.CreatedAt, a.UpdatedAt = true, now, now
		res, err := tx.tx.ExecContext(ctx, `
			INSERT INTO accounts (name, email, organisation_id, language, role, can_vote, active, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.Name, a.Email, a.OrganisationID, a.Language, a.Role, a.CanVote, a.Active, a.PasswordHash, a.CreatedAt, a.UpdatedAt)
		if isUniqueViolation(err) {
			return workspace.Invalid("email", "error.account.email_taken", "Another account already uses this email address.")
		} else if err != nil {
			return fmt.Errorf("sqlite: create account: %w", err)
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: create account: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditAccountCreate, "account", a.ID, nil, auditAccount(a))
	})
}

// UpdateAccount validates a and stores its profile fields (name, email,
// organisation, language, role, voting right, active) over the account with
// a.ID; the password is left alone. The actor must be allowed the change
// by workspace.CanUpdateAccount. Deactivating an account revokes its
// sessions in the same transaction; deactivating it or changing its role,
// email or voting right retires its unused invitations
// (invitationsOutlived).
func (db *DB) UpdateAccount(ctx context.Context, actor workspace.Actor, a *workspace.Account) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		before, err := findAccountByID(ctx, tx.tx, a.ID)
		if err != nil {
			return err
		}
		if err := workspace.CanUpdateAccount(actor, before, a); err != nil {
			return err
		}
		if err := a.Validate(); err != nil {
			return err
		}
		if a.OrganisationID != before.OrganisationID {
			if err := checkOrganisationUsable(ctx, tx.tx, a.OrganisationID); err != nil {
				return err
			}
		}
		a.CreatedAt, a.UpdatedAt, a.PasswordHash = before.CreatedAt, db.Now(), before.PasswordHash
		_, err = tx.tx.ExecContext(ctx, `
			UPDATE accounts SET name = ?, email = ?, organisation_id = ?, language = ?, role = ?, can_vote = ?, active = ?, updated_at = ?
			WHERE id = ?`,
			a.Name, a.Email, a.OrganisationID, a.Language, a.Role, a.CanVote, a.Active, a.UpdatedAt, a.ID)
		if isUniqueViolation(err) {
			return workspace.Invalid("email", "error.account.email_taken", "Another account already uses this email address.")
		} else if err != nil {
			return fmt.Errorf("sqlite: update account: %w", err)
		}
		now := db.Now()
		if !a.Active && before.Active {
			if err := revokeAccountSessions(ctx, tx.tx, a.ID, now); err != nil {
				return err
			}
		}
		if invitationsOutlived(before, a) {
			if err := retireInvitations(ctx, tx.tx, a.ID, now); err != nil {
				return err
			}
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditAccountUpdate, "account", a.ID, auditAccount(before), auditAccount(a))
	})
}

// invitationsOutlived reports whether the change from before to after
// ends the account's unused invitations. A link was made for the account
// as it stood: made for a member, it must not set the password of an
// admin, nor of someone with a voting right given since; sent to an
// address since corrected, it may be in the wrong hands; and one that
// outlived a deactivation would work again once the account is
// reactivated.
func invitationsOutlived(before, after *workspace.Account) bool {
	return (before.Active && !after.Active) || before.Role != after.Role ||
		workspace.NormalizeEmail(before.Email) != workspace.NormalizeEmail(after.Email) || before.CanVote != after.CanVote
}

// SetAccountLanguage stores the interface language an account chose. It is
// a preference, not a change the audit log records. When the account
// already has lang it writes nothing: a link that carries the language
// (?lang=) is followed often. SQLite would skip the unchanged page anyway,
// but the condition says so in the SQL, where a PostgreSQL store would
// otherwise write a new row version.
func (db *DB) SetAccountLanguage(ctx context.Context, accountID int64, lang string) error {
	if !workspace.ValidLanguage(lang) {
		return workspace.Invalid("language", "error.account.language_invalid", "Choose French, Arabic or English.")
	}
	return db.withWriteTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE accounts SET language = ? WHERE id = ? AND language <> ?`, lang, accountID, lang)
		if err != nil {
			return fmt.Errorf("sqlite: set language: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Unchanged, or no such account.
			if _, err := findAccountByID(ctx, tx.tx, accountID); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetPassword stores a new password hash for the account and revokes all of
// its sessions, so that a stolen session dies with the old password. The
// actor must be allowed by workspace.CanSetPassword: the account itself,
// or someone who manages it.
func (db *DB) SetPassword(ctx context.Context, actor workspace.Actor, accountID int64, hash string) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		acc, err := findAccountByID(ctx, tx.tx, accountID)
		if err != nil {
			return err
		}
		if err := workspace.CanSetPassword(actor, acc); err != nil {
			return err
		}
		return db.setPassword(ctx, tx.tx, actor, accountID, hash, nil)
	})
}

// setPassword writes the hash and revokes the sessions, inside tx, and
// records the change under actor, with audit as the entry's state after
// (nil for none). Callers have authorised the change: by a rule
// (SetPassword) or by an invitation token (UseInvitation).
func (db *DB) setPassword(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, accountID int64, hash string, audit any) error {
	if hash == "" {
		return workspace.Errorf(workspace.EINTERNAL, "empty password hash")
	}
	now := db.Now()
	res, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, now, accountID)
	if err != nil {
		return fmt.Errorf("sqlite: set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Account")
	}
	if err := revokeAccountSessions(ctx, tx, accountID, now); err != nil {
		return err
	}
	return db.recordAudit(ctx, tx, actor, workspace.AuditAccountPassword, "account", accountID, nil, audit)
}

// FindAccountByID returns the account with id and its organisation, or
// ENOTFOUND.
func (db *DB) FindAccountByID(ctx context.Context, id int64) (*workspace.Account, error) {
	return findAccountByID(ctx, db.read, id)
}

// FindAccountByEmail returns the account with email (compared in its
// normalised form), or ENOTFOUND.
func (db *DB) FindAccountByEmail(ctx context.Context, email string) (*workspace.Account, error) {
	email = workspace.NormalizeEmail(email)
	if email == "" {
		// An empty filter selects every account: no email names none.
		return nil, notFound("Account")
	}
	accs, err := findAccounts(ctx, db.read, workspace.AccountFilter{Email: email})
	if err != nil {
		return nil, err
	} else if len(accs) == 0 {
		return nil, notFound("Account")
	}
	return accs[0], nil
}

// FindAccounts returns the accounts matching filter, with their
// organisations, by name.
func (db *DB) FindAccounts(ctx context.Context, filter workspace.AccountFilter) ([]*workspace.Account, error) {
	return findAccounts(ctx, db.read, filter)
}

func findAccountByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.Account, error) {
	accs, err := findAccounts(ctx, q, workspace.AccountFilter{ID: &id})
	if err != nil {
		return nil, err
	} else if len(accs) == 0 {
		return nil, notFound("Account")
	}
	return accs[0], nil
}

func findAccounts(ctx context.Context, q sqlx.QueryerContext, filter workspace.AccountFilter) ([]*workspace.Account, error) {
	where, args := []string{"1 = 1"}, []any{}
	if filter.ID != nil {
		where, args = append(where, "a.id = ?"), append(args, *filter.ID)
	}
	if filter.Email != "" {
		where, args = append(where, "a.email = ?"), append(args, filter.Email)
	}
	if filter.OrganisationID != nil {
		where, args = append(where, "a.organisation_id = ?"), append(args, *filter.OrganisationID)
	}
	if filter.Role != "" {
		where, args = append(where, "a.role = ?"), append(args, filter.Role)
	}
	if filter.ActiveOnly {
		where = append(where, "a.active = TRUE")
	}
	accs, err := queryRows(ctx, q, accountWithOrganisationFields, `
		SELECT `+accountColumns+`, `+prefixed("o", organisationColumns)+`
		FROM accounts a JOIN organisations o ON o.id = a.organisation_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY a.name, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find accounts: %w", err)
	}
	return accs, nil
}

// checkOrganisationUsable refuses an organisation that does not exist or has
// been deactivated, as the home of a new or moved account.
func checkOrganisationUsable(ctx context.Context, q sqlx.QueryerContext, id int64) error {
	org, err := findOrganisationByID(ctx, q, id)
	if workspace.ErrorCode(err) == workspace.ENOTFOUND {
		return workspace.Invalid("organisation_id", "error.account.organisation_required", "Choose the person's organisation.")
	} else if err != nil {
		return err
	}
	if !org.Active {
		return workspace.Invalid("organisation_id", "error.account.organisation_inactive", "This organisation has been deactivated.")
	}
	return nil
}

// prefixed qualifies each column of a comma-separated list with table.
func prefixed(table, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = table + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
