package sqlite

import (
	"context"
	"fmt"

	"tawla/workspace"
)

// notifyOwnerMembers tells the active members, secretariat and admins of
// organisation orgID of event — a new issue, or one assigned to them —
// but account exclude (the actor), and returns whom it told. Stakeholders
// of the organisation are not told: they may follow the issue instead.
func (tx *Tx) notifyOwnerMembers(ctx context.Context, kind workspace.NotificationKind, event *workspace.IssueEvent, orgID, exclude int64) ([]int64, error) {
	var ids []int64
	if err := tx.tx.SelectContext(ctx, &ids, `
		SELECT id FROM accounts
		WHERE organisation_id = ? AND active = TRUE AND role IN ('member', 'secretariat', 'admin') AND id <> ?
		ORDER BY id`, orgID, exclude); err != nil {
		return nil, fmt.Errorf("sqlite: notify: %w", err)
	}
	return ids, tx.notify(ctx, kind, event, ids)
}

// notifyFollowers tells the active accounts following event's issue of it
// but account exclude (the actor), and returns whom it told.
func (tx *Tx) notifyFollowers(ctx context.Context, kind workspace.NotificationKind, event *workspace.IssueEvent, exclude int64) ([]int64, error) {
	var ids []int64
	if err := tx.tx.SelectContext(ctx, &ids, `
		SELECT a.id FROM issue_followers f JOIN accounts a ON a.id = f.account_id
		WHERE f.issue_id = ? AND a.active = TRUE AND a.id <> ?
		ORDER BY a.id`, event.IssueID, exclude); err != nil {
		return nil, fmt.Errorf("sqlite: notify: %w", err)
	}
	return ids, tx.notify(ctx, kind, event, ids)
}

// notify stores a notification of event for each of accountIDs.
func (tx *Tx) notify(ctx context.Context, kind workspace.NotificationKind, event *workspace.IssueEvent, accountIDs []int64) error {
	for _, id := range accountIDs {
		if _, err := tx.tx.ExecContext(ctx, `
			INSERT INTO notifications (account_id, kind, issue_id, event_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			id, kind, event.IssueID, event.ID, tx.now); err != nil {
			return fmt.Errorf("sqlite: notify: %w", err)
		}
	}
	return nil
}

// notificationColumns are the columns FindNotifications reads, in the
// order notificationFields scans them: the notification (n) and its
// issue's title (i).
// A notification about a comment has no issue; it reads the procedure of
// its comment (p) instead, and the columns the outer joins leave NULL
// stay zero (maybe).
const notificationColumns = `n.id, n.account_id, n.kind, n.issue_id, n.event_id, n.comment_id, n.created_at, n.read_at,
	i.title, p.id, p.title`

func notificationFields(n *workspace.Notification) []any {
	seen := new(bool)
	return []any{&n.ID, &n.AccountID, &n.Kind, maybe[int64]{&n.IssueID, seen}, &n.EventID, &n.CommentID, &n.CreatedAt, &n.ReadAt,
		maybe[string]{&n.IssueTitle, seen}, maybe[int64]{&n.ProcedureID, seen}, maybe[string]{&n.ProcedureTitle, seen}}
}

// FindNotifications returns accountID's latest notifications, newest
// first, with their issues' titles, or their comments' procedures: at
// most limit of them (20 when limit is zero or less, 200 at most).
func (db *DB) FindNotifications(ctx context.Context, accountID int64, limit int) ([]*workspace.Notification, error) {
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 200)
	list, err := queryRows(ctx, db.read, notificationFields, `
		SELECT `+notificationColumns+`
		FROM notifications n
		LEFT JOIN issues i ON i.id = n.issue_id
		LEFT JOIN comments c ON c.id = n.comment_id
		LEFT JOIN procedures p ON p.id = c.procedure_id
		WHERE n.account_id = ? ORDER BY n.id DESC LIMIT ?`, accountID, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find notifications: %w", err)
	}
	return list, nil
}

// CountUnreadNotifications returns how many of accountID's notifications
// are unread.
func (db *DB) CountUnreadNotifications(ctx context.Context, accountID int64) (int, error) {
	var n int
	if err := db.read.GetContext(ctx, &n, `SELECT COUNT(*) FROM notifications WHERE account_id = ? AND read_at IS NULL`, accountID); err != nil {
		return 0, fmt.Errorf("sqlite: count unread notifications: %w", err)
	}
	return n, nil
}

// MarkNotificationsRead marks the actor's notifications read: those of
// issueID, or all of them when issueID is 0. Only an account has
// notifications (CanReadIssues); reading them is not audited.
func (db *DB) MarkNotificationsRead(ctx context.Context, actor workspace.Actor, issueID int64) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanReadIssues(actor); err != nil {
			return err
		}
		if actor.AccountID == nil {
			return nil // the system has no notifications
		}
		query, args := `UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL`, []any{tx.now, *actor.AccountID}
		if issueID != 0 {
			query, args = query+` AND issue_id = ?`, append(args, issueID)
		}
		if _, err := tx.tx.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("sqlite: mark notifications read: %w", err)
		}
		return nil
	})
}
