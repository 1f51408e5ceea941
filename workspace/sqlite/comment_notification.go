package sqlite

import (
	"context"
	"fmt"

	"tawla/workspace"
)

// notifyCommentAuthor tells authorID, the author of a procedure's comment,
// of kind — a reply to it, or an answer recorded to it — about the comment
// commentID (the reply, or the thread answered), unless authorID is the
// account that made the change (exclude; nil for the system) or is no
// longer active. Nobody is told of their own reply or answer.
func (tx *Tx) notifyCommentAuthor(ctx context.Context, kind workspace.NotificationKind, authorID, commentID int64, exclude *int64) error {
	if exclude != nil && *exclude == authorID {
		return nil
	}
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO notifications (account_id, kind, comment_id, created_at)
		SELECT id, ?, ?, ? FROM accounts WHERE id = ? AND active = TRUE`,
		kind, commentID, tx.now, authorID)
	if err != nil {
		return fmt.Errorf("sqlite: notify comment author: %w", err)
	}
	return nil
}
