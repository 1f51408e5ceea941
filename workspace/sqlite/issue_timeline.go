package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"tawla/workspace"
)

// issueEventColumns are the columns findIssueTimeline reads, in the order
// issueEventFields scans them: the event (e) and its actor (a, absent for
// the system) with the actor's organisation (o).
var issueEventColumns = `e.id, e.issue_id, e.kind, e.actor_id, e.body, e.from_value, e.to_value, e.created_at, ` +
	accountColumns + `, ` + prefixed("o", organisationColumns)

// issueEventRow is what issueEventColumns scan into.
type issueEventRow struct {
	e        workspace.IssueEvent
	actor    workspace.Account
	hasActor bool
}

func issueEventFields(r *issueEventRow) []any {
	e := &r.e
	return append([]any{&e.ID, &e.IssueID, &e.Kind, &e.ActorID, &e.Body, &e.FromValue, &e.ToValue, &e.CreatedAt},
		nullableAccountFields(&r.actor, &r.hasActor)...)
}

// FindIssueTimeline returns issue id's events, oldest first, with their
// actors and organisations (none for the system's), or ENOTFOUND when
// there is no such issue.
func (db *DB) FindIssueTimeline(ctx context.Context, id int64) ([]*workspace.IssueEvent, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find issue timeline: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM issues WHERE id = ?`, id); err != nil {
		return nil, fmt.Errorf("sqlite: find issue timeline: %w", err)
	} else if n == 0 {
		return nil, notFound("Issue")
	}
	rows, err := queryRows(ctx, tx, issueEventFields, `
		SELECT `+issueEventColumns+`
		FROM issue_events e
		LEFT JOIN accounts a ON a.id = e.actor_id
		LEFT JOIN organisations o ON o.id = a.organisation_id
		WHERE e.issue_id = ? ORDER BY e.id`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find issue timeline: %w", err)
	}
	events := make([]*workspace.IssueEvent, len(rows))
	for n, r := range rows {
		if r.hasActor {
			r.actor.PasswordHash = ""
			r.e.Actor = &r.actor
		}
		events[n] = &r.e
	}
	return events, nil
}

// recordIssueEvent stores e on its issue's timeline as the actor's, at the
// transaction's time, setting its ID, actor and time.
func (tx *Tx) recordIssueEvent(ctx context.Context, actor workspace.Actor, e *workspace.IssueEvent) error {
	e.ActorID, e.CreatedAt = actor.AccountID, tx.now
	res, err := tx.tx.ExecContext(ctx, `
		INSERT INTO issue_events (issue_id, kind, actor_id, body, from_value, to_value, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, e.IssueID, e.Kind, e.ActorID, e.Body, e.FromValue, e.ToValue, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("sqlite: record issue event: %w", err)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("sqlite: record issue event: %w", err)
	}
	return nil
}

// touchIssue sets issue id's time of last change, by which lists order.
func (tx *Tx) touchIssue(ctx context.Context, id int64) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE issues SET updated_at = ? WHERE id = ?`, tx.now, id); err != nil {
		return fmt.Errorf("sqlite: update issue: %w", err)
	}
	return nil
}

// ChangeIssueStatus moves issue id to status to, with reason
// (CanChangeIssue, workspace.CheckTransition), records a status event and
// notifies the issue's followers and its owner organisation's members but
// the actor, each once (issue_status). Ending an
// issue sets its ClosedAt; reopening it clears it. The reason is stored
// as the issue's StatusReason and is the event's Body.
func (db *DB) ChangeIssueStatus(ctx context.Context, actor workspace.Actor, id int64, to workspace.IssueStatus, reason string) (*IssueChange, error) {
	var change *IssueChange
	err := db.withWriteTx(ctx, func(tx *Tx) error {
		actor, before, err := tx.findIssueForChange(ctx, actor, id, workspace.CanChangeIssue)
		if err != nil {
			return err
		}
		if err := workspace.CheckTransition(before.Status, to, &reason); err != nil {
			return err
		}
		after := *before
		after.Status, after.StatusReason, after.UpdatedAt, after.ClosedAt = to, reason, tx.now, nil
		if to.Ended() {
			now := tx.now
			after.ClosedAt = &now
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE issues SET status = ?, status_reason = ?, closed_at = ?, updated_at = ? WHERE id = ?`,
			after.Status, after.StatusReason, after.ClosedAt, after.UpdatedAt, id); err != nil {
			return fmt.Errorf("sqlite: change issue status: %w", err)
		}
		event := &workspace.IssueEvent{IssueID: id, Kind: workspace.EventStatus, Body: reason, FromValue: string(before.Status), ToValue: string(to)}
		if err := tx.recordIssueEvent(ctx, actor, event); err != nil {
			return err
		}
		change = &IssueChange{Event: event}
		if change.Notified, err = tx.notifyFollowersAndOwner(ctx, workspace.NotifyIssueStatus, event, actorAccountID(actor)); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditIssueStatus, "issue", id, auditIssue(before), auditIssue(&after))
	})
	if err != nil {
		return nil, err
	}
	return change, nil
}

// AssignIssue makes organisationID (nil: nobody) the owner of issue id
// (CanChangeIssue; the organisation must be active), records an
// assignment event and notifies the new owner's members and the issue's
// followers (its reporter among them) but the actor, each once
// (issue_assigned). The event's FromValue and ToValue are the former and
// new owners' ids ("" for nobody). Assigning the owner the issue already
// has writes nothing: its IssueChange has no event.
func (db *DB) AssignIssue(ctx context.Context, actor workspace.Actor, id int64, organisationID *int64) (*IssueChange, error) {
	var change *IssueChange
	err := db.withWriteTx(ctx, func(tx *Tx) error {
		actor, before, err := tx.findIssueForChange(ctx, actor, id, workspace.CanChangeIssue)
		if err != nil {
			return err
		}
		if organisationID != nil {
			if err := checkIssueOwnerUsable(ctx, tx.tx, *organisationID); err != nil {
				return err
			}
		}
		change = &IssueChange{}
		if idString(before.OwnerOrganisationID) == idString(organisationID) {
			return nil
		}
		after := *before
		after.OwnerOrganisationID, after.UpdatedAt = organisationID, tx.now
		if _, err := tx.tx.ExecContext(ctx, `UPDATE issues SET owner_organisation_id = ?, updated_at = ? WHERE id = ?`,
			organisationID, after.UpdatedAt, id); err != nil {
			return fmt.Errorf("sqlite: assign issue: %w", err)
		}
		event := &workspace.IssueEvent{IssueID: id, Kind: workspace.EventAssignment,
			FromValue: idString(before.OwnerOrganisationID), ToValue: idString(organisationID)}
		if err := tx.recordIssueEvent(ctx, actor, event); err != nil {
			return err
		}
		change.Event = event
		if organisationID != nil {
			if change.Notified, err = tx.notifyOwnerMembers(ctx, workspace.NotifyIssueAssigned, event, *organisationID, actorAccountID(actor)); err != nil {
				return err
			}
		}
		if change.Notified, err = tx.notifyAlso(ctx, workspace.NotifyIssueAssigned, event, change.Notified, actorAccountID(actor), issueFollowersQuery, id); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditIssueAssign, "issue", id, auditIssue(before), auditIssue(&after))
	})
	if err != nil {
		return nil, err
	}
	return change, nil
}

// idString returns id in decimal, or "" for nil.
func idString(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

// actorAccountID returns the actor's account id, or 0 for the system,
// which no notification is kept from.
func actorAccountID(actor workspace.Actor) int64 {
	if actor.AccountID == nil {
		return 0
	}
	return *actor.AccountID
}

// issueCommentAudit is what the audit log keeps of a comment on an issue.
type issueCommentAudit struct {
	EventID int64  `json:"event_id"`
	Body    string `json:"body"`
}

// CommentIssue adds a comment to issue id's timeline (CanCommentIssue,
// workspace.CheckIssueComment); the actor then follows the issue, and its
// other followers and its owner organisation's members are notified, each
// once (issue_comment). The issue counts as
// changed (its UpdatedAt), and its comments are searched with it.
func (db *DB) CommentIssue(ctx context.Context, actor workspace.Actor, id int64, body string) (*IssueChange, error) {
	var change *IssueChange
	err := db.withWriteTx(ctx, func(tx *Tx) error {
		actor, _, err := tx.findIssueForChange(ctx, actor, id, workspace.CanCommentIssue)
		if err != nil {
			return err
		}
		if err := workspace.CheckIssueComment(&body); err != nil {
			return err
		}
		event := &workspace.IssueEvent{IssueID: id, Kind: workspace.EventComment, Body: body}
		if err := tx.recordIssueEvent(ctx, actor, event); err != nil {
			return err
		}
		if err := tx.touchIssue(ctx, id); err != nil {
			return err
		}
		if actor.AccountID != nil {
			if err := tx.followIssue(ctx, id, *actor.AccountID, true); err != nil {
				return err
			}
		}
		if err := tx.indexIssue(ctx, id); err != nil {
			return err
		}
		change = &IssueChange{Event: event}
		if change.Notified, err = tx.notifyFollowersAndOwner(ctx, workspace.NotifyIssueComment, event, actorAccountID(actor)); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditIssueComment, "issue", id, nil, issueCommentAudit{event.ID, body})
	})
	if err != nil {
		return nil, err
	}
	return change, nil
}

// FollowIssue makes the actor follow issue id, or stop following it
// (CanCommentIssue). A change is audited (issue.follow, issue.unfollow:
// who follows decides who is told of the issue); asking for what already
// is writes nothing, not even an audit entry. The system follows nothing
// (EINVALID).
func (db *DB) FollowIssue(ctx context.Context, actor workspace.Actor, id int64, follow bool) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		actor, _, err := tx.findIssueForChange(ctx, actor, id, workspace.CanCommentIssue)
		if err != nil {
			return err
		}
		if actor.AccountID == nil {
			return workspace.Errorf(workspace.EINVALID, "Only an account follows an issue.")
		}
		changed, err := tx.setFollowing(ctx, id, *actor.AccountID, follow)
		if err != nil || !changed {
			return err
		}
		action := workspace.AuditIssueFollow
		if !follow {
			action = workspace.AuditIssueUnfollow
		}
		return tx.db.recordAudit(ctx, tx.tx, actor, action, "issue", id, nil, nil)
	})
}

// followIssue makes accountID follow issue id, if it does not yet.
func (tx *Tx) followIssue(ctx context.Context, id, accountID int64, follow bool) error {
	_, err := tx.setFollowing(ctx, id, accountID, follow)
	return err
}

// setFollowing makes accountID follow issue id, or stop following it,
// and reports whether that changed anything.
func (tx *Tx) setFollowing(ctx context.Context, id, accountID int64, follow bool) (bool, error) {
	query := `INSERT INTO issue_followers (issue_id, account_id) VALUES (?, ?) ON CONFLICT DO NOTHING`
	if !follow {
		query = `DELETE FROM issue_followers WHERE issue_id = ? AND account_id = ?`
	}
	res, err := tx.tx.ExecContext(ctx, query, id, accountID)
	if err != nil {
		return false, fmt.Errorf("sqlite: follow issue: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: follow issue: %w", err)
	}
	return n > 0, nil
}

// HasUnreadIssueNotifications reports whether accountID has unread
// notifications about issue id, so that opening the issue writes only
// when there is something to mark read.
func (db *DB) HasUnreadIssueNotifications(ctx context.Context, accountID, id int64) (bool, error) {
	var n int
	if err := db.read.GetContext(ctx, &n, `
		SELECT EXISTS (SELECT 1 FROM notifications WHERE account_id = ? AND read_at IS NULL AND issue_id = ?)`, accountID, id); err != nil {
		return false, fmt.Errorf("sqlite: has unread issue notifications: %w", err)
	}
	return n > 0, nil
}

// IsFollowingIssue reports whether accountID follows issue id.
func (db *DB) IsFollowingIssue(ctx context.Context, accountID, id int64) (bool, error) {
	var n int
	if err := db.read.GetContext(ctx, &n, `SELECT COUNT(*) FROM issue_followers WHERE issue_id = ? AND account_id = ?`, id, accountID); err != nil {
		return false, fmt.Errorf("sqlite: is following issue: %w", err)
	}
	return n > 0, nil
}

// The audiences of an issue's notifications that notifyAlso reaches, each
// a query of account ids: the active followers of the issue, the members
// (active accounts but stakeholders, as notifyOwnerMembers) of its owner
// organisation, both taking the issue's id; the active secretariat.
const (
	issueFollowersQuery = `SELECT a.id FROM issue_followers f JOIN accounts a ON a.id = f.account_id
		WHERE f.issue_id = ? AND a.active = TRUE`
	issueOwnerMembersQuery = `SELECT a.id FROM issues i JOIN accounts a ON a.organisation_id = i.owner_organisation_id
		WHERE i.id = ? AND a.active = TRUE AND a.role IN ('member', 'secretariat', 'admin')`
	activeSecretariatQuery = `SELECT id FROM accounts WHERE active = TRUE AND role = 'secretariat'`
)

// notifyFollowersAndOwner tells event's issue's followers and the members
// of its owner organisation, if it has one, of event, but account exclude
// (the actor), each once, and returns whom it told in order.
func (tx *Tx) notifyFollowersAndOwner(ctx context.Context, kind workspace.NotificationKind, event *workspace.IssueEvent, exclude int64) ([]int64, error) {
	told, err := tx.notifyFollowers(ctx, kind, event, exclude)
	if err != nil {
		return nil, err
	}
	return tx.notifyAlso(ctx, kind, event, told, exclude, issueOwnerMembersQuery, event.IssueID)
}

// notifyAlso tells the accounts the query audience selects (with args) of
// event, but account exclude and those already told, and returns told
// with them, in order.
func (tx *Tx) notifyAlso(ctx context.Context, kind workspace.NotificationKind, event *workspace.IssueEvent, told []int64, exclude int64, audience string, args ...any) ([]int64, error) {
	var ids []int64
	if err := tx.tx.SelectContext(ctx, &ids, audience, args...); err != nil {
		return nil, fmt.Errorf("sqlite: notify: %w", err)
	}
	all := slices.Clone(told)
	var more []int64
	for _, id := range ids {
		if id != exclude && !slices.Contains(all, id) {
			all = append(all, id)
			more = append(more, id)
		}
	}
	if err := tx.notify(ctx, kind, event, more); err != nil {
		return nil, err
	}
	slices.Sort(all)
	return all, nil
}
