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

// HasUnreadCommentNotifications reports whether accountID has unread
// notifications about comments on the procedure procedureID (replies to
// its comments, answers recorded to them).
func (db *DB) HasUnreadCommentNotifications(ctx context.Context, accountID, procedureID int64) (bool, error) {
	var n int
	if err := db.read.GetContext(ctx, &n, `
		SELECT EXISTS (SELECT 1 FROM notifications n JOIN comments c ON c.id = n.comment_id
			WHERE n.account_id = ? AND n.read_at IS NULL AND c.procedure_id = ?)`, accountID, procedureID); err != nil {
		return false, fmt.Errorf("sqlite: has unread comment notifications: %w", err)
	}
	return n > 0, nil
}

// MarkCommentNotificationsRead marks read the actor's notifications about
// comments on the procedure procedureID, as opening the procedure's page
// does. Only an account has notifications (the rule of
// MarkNotificationsRead, workspace.CanReadIssues); reading them is not
// audited, like the issues' notifications.
func (db *DB) MarkCommentNotificationsRead(ctx context.Context, actor workspace.Actor, procedureID int64) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanReadIssues(actor); err != nil {
			return err
		}
		if actor.AccountID == nil {
			return nil // the system has no notifications
		}
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE notifications SET read_at = ?
			WHERE account_id = ? AND read_at IS NULL
				AND comment_id IN (SELECT id FROM comments WHERE procedure_id = ?)`,
			tx.now, *actor.AccountID, procedureID); err != nil {
			return fmt.Errorf("sqlite: mark comment notifications read: %w", err)
		}
		return nil
	})
}
