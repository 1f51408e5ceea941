package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// reattachAudit is what the audit log keeps of a thread whose passage came
// back: its anchor, where it now is, and the version that brought it back.
type reattachAudit struct {
	Anchor  int64 `json:"anchor_id"`
	From    int   `json:"from"`
	To      int   `json:"to"`
	Version int   `json:"version"`
}

// recordReattached writes, inside tx, an audit entry (comment.reattach,
// by the system) for each thread whose anchor among anchors the update
// that made version re-attached (workspace.Anchor.Reattach).
func (db *DB) recordReattached(ctx context.Context, tx *sqlx.Tx, anchors []*workspace.Anchor, version int) error {
	for _, a := range anchors {
		if a.Removed || a.ReattachedVersion != version {
			continue
		}
		var threads []int64
		if err := tx.SelectContext(ctx, &threads, `SELECT id FROM comments WHERE anchor_id = ? AND parent_id IS NULL ORDER BY id`, a.ID); err != nil {
			return fmt.Errorf("sqlite: record re-attached anchor %d: %w", a.ID, err)
		}
		for _, id := range threads {
			if err := db.recordAudit(ctx, tx, workspace.SystemActor("tawla"), workspace.AuditCommentReattach, "comment", id,
				nil, reattachAudit{Anchor: a.ID, From: a.From, To: a.To, Version: version}); err != nil {
				return err
			}
		}
	}
	return nil
}

// FindThreadsOnAnchors returns the IDs of the threads (comments and
// suggestions, not replies) placed on the given anchors, in order: those
// the pages following the draft hear of when their passage came back.
func (db *DB) FindThreadsOnAnchors(ctx context.Context, anchorIDs []int64) ([]int64, error) {
	if len(anchorIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(anchorIDs))
	for i, id := range anchorIDs {
		args[i] = id
	}
	marks := strings.Repeat("?,", len(anchorIDs))
	var ids []int64
	if err := db.read.SelectContext(ctx, &ids, `SELECT id FROM comments WHERE parent_id IS NULL AND anchor_id IN (`+marks[:len(marks)-1]+`) ORDER BY id`, args...); err != nil {
		return nil, fmt.Errorf("sqlite: find threads on anchors: %w", err)
	}
	return ids, nil
}
