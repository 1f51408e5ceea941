package sqlite

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// procedureColumns are the columns findProcedures reads, in the order
// procedureFields scans them: the procedure (p) and, from its draft (d),
// the time of the draft's last change, so that a list of procedures is read
// in one query instead of one per draft.
const procedureColumns = `p.id, p.title, p.language, p.category, p.summary, p.document_id, p.created_by, p.created_at, p.updated_at, d.updated_at`

// procedureFields returns the fields of p that procedureColumns are
// scanned into, in order.
func procedureFields(p *workspace.Procedure) []any {
	return []any{&p.ID, &p.Title, &p.Language, &p.Category, &p.Summary, &p.DocumentID, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt, &p.DraftUpdatedAt}
}

// procedureAudit is the part of a procedure the audit log keeps.
type procedureAudit struct {
	Title    string `json:"title"`
	Language string `json:"language"`
	Category string `json:"category"`
	Summary  string `json:"summary"`
}

func auditProcedure(p *workspace.Procedure) procedureAudit {
	return procedureAudit{p.Title, p.Language, string(p.Category), p.Summary}
}

// CreateProcedure validates p and stores it with a new draft document whose
// text starts as draft (version 0), setting p's ID, DocumentID and
// timestamps. The actor must edit procedures (workspace.CanEditProcedures).
func (db *DB) CreateProcedure(ctx context.Context, actor workspace.Actor, p *workspace.Procedure, draft string) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanEditProcedures(actor); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if err := workspace.CheckDocumentText(draft); err != nil {
			return err
		}

		docID, err := db.createDocument(ctx, tx.tx, workspace.DocumentProcedureDraft, draft)
		if err != nil {
			return err
		}
		now := db.Now()
		p.DocumentID, p.CreatedBy, p.CreatedAt, p.UpdatedAt = docID, actor.AccountID, now, now
		res, err := tx.tx.ExecContext(ctx, `
			INSERT INTO procedures (title, language, category, summary, document_id, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Title, p.Language, p.Category, p.Summary, p.DocumentID, p.CreatedBy, p.CreatedAt, p.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlite: create procedure: %w", err)
		}
		if p.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: create procedure: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditProcedureCreate, "procedure", p.ID, nil, auditProcedure(p))
	})
}

// UpdateProcedure validates p and stores its title, language, category and
// summary over the procedure with p.ID. The actor must edit procedures
// (workspace.CanEditProcedures). The language is the one of every
// version frozen, voted on and published: once a version is frozen it no
// longer changes (ECONFLICT). The draft is changed only through
// document updates.
func (db *DB) UpdateProcedure(ctx context.Context, actor workspace.Actor, p *workspace.Procedure) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		before, err := findProcedureByID(ctx, tx.tx, p.ID)
		if err != nil {
			return err
		}
		if err := workspace.CanEditProcedures(actor); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if p.Language != before.Language {
			var frozen bool
			if err := tx.tx.QueryRowxContext(ctx, `SELECT EXISTS (SELECT 1 FROM procedure_versions WHERE procedure_id = ?)`, p.ID).Scan(&frozen); err != nil {
				return fmt.Errorf("sqlite: update procedure: %w", err)
			}
			if frozen {
				return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.procedure.language_frozen", Field: "language", Message: "A procedure's language no longer changes once a version is frozen."}
			}
		}
		p.DocumentID, p.CreatedBy, p.CreatedAt, p.UpdatedAt = before.DocumentID, before.CreatedBy, before.CreatedAt, db.Now()
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE procedures SET title = ?, language = ?, category = ?, summary = ?, updated_at = ? WHERE id = ?`,
			p.Title, p.Language, p.Category, p.Summary, p.UpdatedAt, p.ID); err != nil {
			return fmt.Errorf("sqlite: update procedure: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditProcedureUpdate, "procedure", p.ID, auditProcedure(before), auditProcedure(p))
	})
}

// FindProcedureByID returns the procedure with id, or ENOTFOUND.
func (db *DB) FindProcedureByID(ctx context.Context, id int64) (*workspace.Procedure, error) {
	return findProcedureByID(ctx, db.read, id)
}

// FindProcedureByDocumentID returns the procedure whose draft is the
// document, or ENOTFOUND.
func (db *DB) FindProcedureByDocumentID(ctx context.Context, documentID int64) (*workspace.Procedure, error) {
	procs, err := findProcedures(ctx, db.read, "p.document_id = ?", documentID)
	if err != nil {
		return nil, err
	} else if len(procs) == 0 {
		return nil, notFound("Procedure")
	}
	return procs[0], nil
}

// FindProcedures returns every procedure, with the time its draft last
// changed, most recently changed first. It runs one query, however many
// procedures there are.
func (db *DB) FindProcedures(ctx context.Context) ([]*workspace.Procedure, error) {
	return findProcedures(ctx, db.read, "1 = 1")
}

func findProcedureByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.Procedure, error) {
	procs, err := findProcedures(ctx, q, "p.id = ?", id)
	if err != nil {
		return nil, err
	} else if len(procs) == 0 {
		return nil, notFound("Procedure")
	}
	return procs[0], nil
}

// findProcedures selects procedures, joined with their drafts, by a fixed
// condition written in this package, never by user input. They come most
// recently changed first, by the time the list shows
// (Procedure.LastChangedAt): the later of the details' change and the
// draft's. Times are stored in one UTC format, so that they order as text;
// CASE rather than SQLite's two-argument max keeps the query portable.
func findProcedures(ctx context.Context, q sqlx.QueryerContext, cond string, args ...any) ([]*workspace.Procedure, error) {
	procs, err := queryRows(ctx, q, procedureFields, `
		SELECT `+procedureColumns+`
		FROM procedures p JOIN documents d ON d.id = p.document_id
		WHERE `+cond+`
		ORDER BY CASE WHEN d.updated_at > p.updated_at THEN d.updated_at ELSE p.updated_at END DESC, p.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find procedures: %w", err)
	}
	return procs, nil
}
