package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// versionColumns are the columns findVersions reads, in the order
// versionFields scans them: the version (v) and the name of the account
// that froze it (a), so that the history page is one query.
const versionColumns = `v.id, v.procedure_id, v.number, v.message, v.content, v.document_version, v.created_by, COALESCE(a.name, ''), v.created_at,
	v.adopted_at, v.adopted_by_poll`

// versionFields returns the fields of v that versionColumns are scanned
// into, in order.
func versionFields(v *workspace.Version) []any {
	return []any{&v.ID, &v.ProcedureID, &v.Number, &v.Message, &v.Content, &v.DocumentVersion, &v.CreatedBy, &v.CreatedByName, &v.CreatedAt,
		&v.AdoptedAt, &v.AdoptedByPoll}
}

// versionAudit is the part of a version the audit log keeps: not its text,
// which the version itself keeps for good.
type versionAudit struct {
	Number          int    `json:"number"`
	Message         string `json:"message"`
	DocumentVersion int    `json:"document_version"`
}

// CreateVersion freezes content, the text of the procedure's draft at the
// document's version documentVersion, as the procedure's next version,
// setting v's ID, Number, ProcedureID, Content, DocumentVersion, CreatedBy
// and CreatedAt; v.Message must say what the version is. The actor must be
// allowed to freeze versions (workspace.CanFreezeVersion), as the
// transaction reads the account. Numbers count from 1 per procedure; the
// write lock orders two freezes of one procedure, so they never share a
// number. A content the same as the latest version's is refused
// (ECONFLICT): a second click on the button makes no second version.
func (db *DB) CreateVersion(ctx context.Context, actor workspace.Actor, procedureID int64, documentVersion int, content string, v *workspace.Version) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		proc, err := findProcedureByID(ctx, tx.tx, procedureID)
		if err != nil {
			return err
		}
		if err := workspace.CanFreezeVersion(actor); err != nil {
			return err
		}
		if err := v.ValidateMessage(); err != nil {
			return err
		}
		doc, err := findDocument(ctx, tx.tx, proc.DocumentID)
		if err != nil {
			return err
		}
		if documentVersion < 0 || documentVersion > doc.Version {
			return workspace.KeyErrorf(workspace.EINVALID, "error.version.no_draft_version", "The draft has no version %d.", documentVersion)
		}
		// A version the same as the one before would freeze nothing new:
		// it is what a second click on the button would make.
		var same bool
		if err := tx.tx.GetContext(ctx, &same, `
			SELECT COALESCE((SELECT content = ? FROM procedure_versions WHERE procedure_id = ? ORDER BY number DESC LIMIT 1), FALSE)`,
			content, procedureID); err != nil {
			return fmt.Errorf("sqlite: create version: %w", err)
		}
		if same {
			return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.version.unchanged",
				Message: "Nothing has changed since the latest version: there is nothing new to freeze."}
		}
		if err := tx.tx.QueryRowxContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM procedure_versions WHERE procedure_id = ?`, procedureID).Scan(&v.Number); err != nil {
			return fmt.Errorf("sqlite: create version: %w", err)
		}
		v.ProcedureID, v.Content, v.DocumentVersion = procedureID, content, documentVersion
		v.CreatedBy, v.CreatedByName, v.CreatedAt = actor.AccountID, actor.Name, db.Now()
		res, err := tx.tx.ExecContext(ctx, `
			INSERT INTO procedure_versions (procedure_id, number, message, content, document_version, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			v.ProcedureID, v.Number, v.Message, v.Content, v.DocumentVersion, v.CreatedBy, v.CreatedAt)
		if err != nil {
			return fmt.Errorf("sqlite: create version: %w", err)
		}
		if v.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: create version: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditVersionFreeze, "procedure", procedureID, nil,
			versionAudit{v.Number, v.Message, v.DocumentVersion})
	})
}

// FindVersions returns the procedure's versions, newest first, with their
// texts. It runs one query.
func (db *DB) FindVersions(ctx context.Context, procedureID int64) ([]*workspace.Version, error) {
	return findVersions(ctx, db.read, "v.procedure_id = ?", procedureID)
}

// FindVersion returns the procedure's version with the number, or
// ENOTFOUND.
func (db *DB) FindVersion(ctx context.Context, procedureID int64, number int) (*workspace.Version, error) {
	vs, err := findVersions(ctx, db.read, "v.procedure_id = ? AND v.number = ?", procedureID, number)
	if err != nil {
		return nil, err
	} else if len(vs) == 0 {
		return nil, notFound("Version")
	}
	return vs[0], nil
}

// findVersions selects versions by a fixed condition written in this
// package, never by user input, newest first.
func findVersions(ctx context.Context, q sqlx.QueryerContext, cond string, args ...any) ([]*workspace.Version, error) {
	vs, err := queryRows(ctx, q, versionFields, `
		SELECT `+versionColumns+`
		FROM procedure_versions v LEFT JOIN accounts a ON a.id = v.created_by
		WHERE `+cond+`
		ORDER BY v.procedure_id, v.number DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find versions: %w", err)
	}
	return vs, nil
}

// RecordVersionRestore writes, in tx, the audit entry of a version restored
// into its procedure's draft as the document's version documentVersion. It
// is meant for the Within of the update that restores it, so that the
// update and its entry are stored together.
func (tx *Tx) RecordVersionRestore(ctx context.Context, accountID int64, v *workspace.Version, documentVersion int) error {
	acc, err := findAccountByID(ctx, tx.tx, accountID)
	if err != nil {
		return err
	}
	return tx.db.recordAudit(ctx, tx.tx, workspace.ActorFor(acc), workspace.AuditVersionRestore, "procedure", v.ProcedureID, nil,
		versionAudit{v.Number, v.Message, documentVersion})
}

// FindRestore returns the version whose restore into the procedure's draft
// made document version documentVersion, from the audit entry the restore
// wrote in its transaction; ENOTFOUND when no restore made it.
func (db *DB) FindRestore(ctx context.Context, procedureID int64, documentVersion int) (*workspace.Version, error) {
	rows, err := db.read.QueryxContext(ctx, `
		SELECT after_json FROM audit_log WHERE action = ? AND entity_type = 'procedure' AND entity_id = ?
		ORDER BY id DESC`, workspace.AuditVersionRestore, procedureID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find restore: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var after string
		if err := rows.Scan(&after); err != nil {
			return nil, fmt.Errorf("sqlite: find restore: %w", err)
		}
		var a versionAudit
		if json.Unmarshal([]byte(after), &a) == nil && a.DocumentVersion == documentVersion {
			rows.Close()
			return db.FindVersion(ctx, procedureID, a.Number)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: find restore: %w", err)
	}
	return nil, notFound("Restore")
}

// RecordRestoreUndone writes, in the transaction of the update that undid
// it, the audit entry of an undone restore of v: documentVersion is the
// version the undoing update made.
func (tx *Tx) RecordRestoreUndone(ctx context.Context, accountID int64, v *workspace.Version, documentVersion int) error {
	acc, err := findAccountByID(ctx, tx.tx, accountID)
	if err != nil {
		return err
	}
	return tx.db.recordAudit(ctx, tx.tx, workspace.ActorFor(acc), workspace.AuditVersionRestoreUndo, "procedure", v.ProcedureID, nil,
		versionAudit{v.Number, v.Message, documentVersion})
}
