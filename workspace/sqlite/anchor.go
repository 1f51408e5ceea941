package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// CreateDocumentAnchor stores a new anchor of the document, whose From and
// To hold at version, which must be the document's current version
// (ECONFLICT otherwise: the co-editing authority, which orders every
// change of the document, is the one caller). It sets a's ID, document and
// times. within, when not nil, runs last in the same transaction, with the
// stored anchor — to store the comment that the anchor places, say; its
// error rolls everything back.
func (db *DB) CreateDocumentAnchor(ctx context.Context, docID int64, version int, a *workspace.Anchor, within func(ctx context.Context, tx *Tx, a *workspace.Anchor) error) error {
	if a.From < 0 || a.To < a.From {
		return workspace.KeyErrorf(workspace.EINVALID, "error.passage.range", "A passage runs from a position to one at or after it.")
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	doc, err := findDocument(ctx, tx, docID)
	if err != nil {
		return err
	}
	if doc.Version != version {
		return workspace.KeyErrorf(workspace.ECONFLICT, "error.document.moved", "The document is no longer at version %d.", version)
	}
	now := db.Now()
	res, err := tx.ExecContext(ctx, `
		INSERT INTO document_anchors (document_id, from_pos, to_pos, created_version, quote, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, docID, a.From, a.To, version, a.Quote, now, now)
	if err != nil {
		return fmt.Errorf("sqlite: create document anchor: %w", err)
	}
	if a.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("sqlite: create document anchor: %w", err)
	}
	a.DocumentID, a.CreatedVersion, a.CreatedAt, a.UpdatedAt = docID, version, now, now
	if within != nil {
		if err := within(ctx, &Tx{db: db, tx: tx, now: now}, a); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// FindDocumentAnchors returns the anchors of a document, removed ones
// included, in the order they were made. Their positions hold at the
// document's current version.
func (db *DB) FindDocumentAnchors(ctx context.Context, docID int64) ([]*workspace.Anchor, error) {
	return findDocumentAnchors(ctx, db.read, docID, false)
}

// FindLiveDocumentAnchors is FindDocumentAnchors without the removed ones.
func (db *DB) FindLiveDocumentAnchors(ctx context.Context, docID int64) ([]*workspace.Anchor, error) {
	return findDocumentAnchors(ctx, db.read, docID, true)
}

// FindDetachedDocumentAnchors returns the removed anchors of a document
// that may be re-attached when their quote comes back (collab's rooms
// watch them): those with a quote, except settled ones
// (FindSettledDocumentAnchors).
func (db *DB) FindDetachedDocumentAnchors(ctx context.Context, docID int64) ([]*workspace.Anchor, error) {
	return findDocumentAnchorsWhere(ctx, db.read, docID, ` AND removed = TRUE AND quote <> '' AND NOT `+settledAnchor)
}

// FindSettledDocumentAnchors returns the IDs of the anchors of a document
// that are never re-attached: the passages of accepted suggestions, whose
// words their own update replaced on purpose.
func (db *DB) FindSettledDocumentAnchors(ctx context.Context, docID int64) ([]int64, error) {
	var ids []int64
	if err := db.read.SelectContext(ctx, &ids, `SELECT id FROM document_anchors WHERE document_id = ? AND `+settledAnchor+` ORDER BY id`, docID); err != nil {
		return nil, fmt.Errorf("sqlite: find settled document anchors: %w", err)
	}
	return ids, nil
}

// settledAnchor is the condition on document_anchors of a settled anchor.
const settledAnchor = `EXISTS (SELECT 1 FROM comments c WHERE c.anchor_id = document_anchors.id
	AND c.kind = 'suggestion' AND c.status = 'accepted')`

func findDocumentAnchors(ctx context.Context, q sqlx.QueryerContext, docID int64, liveOnly bool) ([]*workspace.Anchor, error) {
	where := ""
	if liveOnly {
		where = ` AND removed = FALSE`
	}
	return findDocumentAnchorsWhere(ctx, q, docID, where)
}

// findDocumentAnchorsWhere reads the anchors of a document that meet the
// further conditions where (written in this package), in order.
func findDocumentAnchorsWhere(ctx context.Context, q sqlx.QueryerContext, docID int64, where string) ([]*workspace.Anchor, error) {
	query := `
		SELECT id, document_id, from_pos, to_pos, created_version, quote, removed, removed_version, last_text,
			COALESCE(reattached_version, 0), created_at, updated_at
		FROM document_anchors WHERE document_id = ?` + where
	rows, err := q.QueryxContext(ctx, query+` ORDER BY id`, docID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find document anchors: %w", err)
	}
	defer rows.Close()
	anchors := []*workspace.Anchor{}
	for rows.Next() {
		var a workspace.Anchor
		var removedVersion sql.NullInt64
		if err := rows.Scan(&a.ID, &a.DocumentID, &a.From, &a.To, &a.CreatedVersion, &a.Quote, &a.Removed, &removedVersion, &a.LastText, &a.ReattachedVersion, &a.CreatedAt, &a.UpdatedAt); err != nil {
			return nil, fmt.Errorf("sqlite: find document anchors: %w", err)
		}
		a.RemovedVersion = int(removedVersion.Int64)
		anchors = append(anchors, &a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: find document anchors: %w", err)
	}
	return anchors, nil
}

// moveDocumentAnchors stores the new positions of anchors of the document,
// inside tx.
func moveDocumentAnchors(ctx context.Context, tx *sqlx.Tx, docID int64, anchors []*workspace.Anchor, now time.Time) error {
	if len(anchors) == 0 {
		return nil
	}
	stmt, err := tx.PreparexContext(ctx, `
		UPDATE document_anchors SET from_pos = ?, to_pos = ?, removed = ?, removed_version = ?, last_text = ?,
			reattached_version = ?, updated_at = ?
		WHERE id = ? AND document_id = ?`)
	if err != nil {
		return fmt.Errorf("sqlite: move document anchors: %w", err)
	}
	defer stmt.Close()
	for _, a := range anchors {
		var removedVersion *int
		if a.Removed {
			removedVersion = &a.RemovedVersion
		}
		var reattached *int
		if a.ReattachedVersion > 0 {
			reattached = &a.ReattachedVersion
		}
		res, err := stmt.ExecContext(ctx, a.From, a.To, a.Removed, removedVersion, a.LastText, reattached, now, a.ID, docID)
		if err != nil {
			return fmt.Errorf("sqlite: move document anchor %d: %w", a.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlite: move document anchor %d: not an anchor of document %d", a.ID, docID)
		}
		a.UpdatedAt = now
	}
	return nil
}
