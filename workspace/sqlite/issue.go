package sqlite

// The store of issues. The signatures below are the contract the server
// and the demo build on; every method is one transaction and, when it
// changes something, takes the Actor, reads its account again, checks the
// workspace rule (workspace/issue_rules.go), writes, records the timeline
// event, notifies, keeps the full-text index in step, and audits.
//
// Private fields (workspace.IssuePrivate) live in their own table, which
// only issue_private.go reads, each time after CanSeeIssuePrivate allowed
// the actor for that issue: no list, search, export, feed or notification
// can carry them.
//
// The methods are split by concern: this file holds the issue itself;
// issue_private.go its private fields; issue_category.go the categories; issue_timeline.go
// statuses, owners, comments and followers; issue_link.go links;
// issue_search.go lists, search and the index; issue_stats.go the
// dashboard's figures; issue_notification.go notifications.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// IssueChange is what a change to an issue wrote: its timeline event (nil
// for a change that makes none) and the accounts it notified, to whom the
// server then sends their new unread counts.
type IssueChange struct {
	Event    *workspace.IssueEvent
	Notified []int64
}

// issueColumns are the columns of an issue (i) that issueFields scans, in
// order.
const issueColumns = `i.id, i.title, i.description, i.category_id, i.status, i.status_reason, i.priority, i.owner_organisation_id,
	i.due_date, i.reporter_id, i.created_at, i.updated_at, i.closed_at`

// issueListColumns are the columns findIssues reads, in the order
// issueRowFields scans them: the issue (i), its category (c), its owner
// organisation (ow, absent when nobody owns it), its reporter (a) with the
// reporter's organisation (o), so that a list of issues is one query.
var issueListColumns = issueColumns + `, ` + prefixed("c", issueCategoryColumns) + `, ` +
	prefixed("ow", organisationColumns) + `, ` + accountColumns + `, ` + prefixed("o", organisationColumns)

// issueFrom joins what issueListColumns read.
const issueFrom = `
	FROM issues i
	JOIN issue_categories c ON c.id = i.category_id
	LEFT JOIN organisations ow ON ow.id = i.owner_organisation_id
	JOIN accounts a ON a.id = i.reporter_id
	JOIN organisations o ON o.id = a.organisation_id`

// issueRow is what issueListColumns scan into: the due date may be NULL,
// and so may the owner organisation's columns.
type issueRow struct {
	i        workspace.Issue
	dueDate  sql.NullString
	owner    workspace.Organisation
	hasOwner bool
}

// issueFields returns the fields of r that issueColumns are scanned into.
func issueFields(r *issueRow) []any {
	i := &r.i
	return []any{&i.ID, &i.Title, &i.Description, &i.CategoryID, &i.Status, &i.StatusReason, &i.Priority, &i.OwnerOrganisationID,
		&r.dueDate, &i.ReporterID, &i.CreatedAt, &i.UpdatedAt, &i.ClosedAt}
}

// issueRowFields returns the fields of r that issueListColumns are
// scanned into.
func issueRowFields(r *issueRow) []any {
	i := &r.i
	i.Category, i.Reporter = &workspace.IssueCategory{}, &workspace.Account{}
	fields := append(issueFields(r), issueCategoryFields(i.Category)...)
	fields = append(fields, nullableOrganisationFields(&r.owner, &r.hasOwner)...)
	return append(fields, accountWithOrganisationFields(i.Reporter)...)
}

// issue returns the scanned issue with what it was joined with.
func (r *issueRow) issue() *workspace.Issue {
	i := &r.i
	i.DueDate = r.dueDate.String
	i.Reporter.PasswordHash = ""
	if r.hasOwner {
		i.Owner = &r.owner
	}
	i.Delegations = []string{}
	return i
}

// findIssues selects issues, with what a list shows of them and their
// delegations, by conditions written in this package (with their
// arguments), in the order given, at most limit of them from offset (no
// limit when limit is 0). It runs two queries, however many issues there
// are: the issues, then the delegations of them all.
func findIssues(ctx context.Context, q sqlx.QueryerContext, from string, where []string, args []any, order string, limit, offset int) ([]*workspace.Issue, error) {
	query := `SELECT ` + issueListColumns + from
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY ` + order
	if limit > 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args[:len(args):len(args)], limit, offset)
	}
	rows, err := queryRows(ctx, q, issueRowFields, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find issues: %w", err)
	}
	issues := make([]*workspace.Issue, len(rows))
	for n, r := range rows {
		issues[n] = r.issue()
	}
	if err := findIssueDelegations(ctx, q, issues); err != nil {
		return nil, err
	}
	return issues, nil
}

// issueOrder lists the most recently changed issues first.
const issueOrder = `i.updated_at DESC, i.id DESC`

// findIssueDelegations fills the delegations of issues, in one query.
func findIssueDelegations(ctx context.Context, q sqlx.QueryerContext, issues []*workspace.Issue) error {
	if len(issues) == 0 {
		return nil
	}
	byID := make(map[int64]*workspace.Issue, len(issues))
	ids := make([]any, len(issues))
	for n, i := range issues {
		byID[i.ID], ids[n] = i, i.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT issue_id, delegation FROM issue_delegations
		WHERE issue_id IN (`+placeholders(len(ids))+`) ORDER BY issue_id, delegation`, ids...)
	if err != nil {
		return fmt.Errorf("sqlite: find issue delegations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d string
		if err := rows.Scan(&id, &d); err != nil {
			return fmt.Errorf("sqlite: find issue delegations: %w", err)
		}
		byID[id].Delegations = append(byID[id].Delegations, d)
	}
	return rows.Err()
}

func findIssueByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.Issue, error) {
	issues, err := findIssues(ctx, q, issueFrom, []string{"i.id = ?"}, []any{id}, issueOrder, 0, 0)
	if err != nil {
		return nil, err
	} else if len(issues) == 0 {
		return nil, notFound("Issue")
	}
	return issues[0], nil
}

// FindIssueByID returns issue id with its category, owner, reporter and
// delegations (never its private fields), or ENOTFOUND.
func (db *DB) FindIssueByID(ctx context.Context, id int64) (*workspace.Issue, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find issue: %w", err)
	}
	defer tx.Rollback()
	return findIssueByID(ctx, tx, id)
}

// issueAudit is the part of an issue the audit log keeps: never its
// private fields.
type issueAudit struct {
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	CategoryID   int64    `json:"category_id"`
	Status       string   `json:"status"`
	StatusReason string   `json:"status_reason,omitempty"`
	Priority     string   `json:"priority"`
	Owner        *int64   `json:"owner_organisation_id"`
	DueDate      string   `json:"due_date,omitempty"`
	Delegations  []string `json:"delegations"`
	// PrivateFields names the private fields given when the issue was
	// reported, never what they hold.
	PrivateFields []string `json:"private_fields,omitempty"`
}

func auditIssue(i *workspace.Issue) issueAudit {
	return issueAudit{Title: i.Title, Description: i.Description, CategoryID: i.CategoryID, Status: string(i.Status),
		StatusReason: i.StatusReason, Priority: string(i.Priority), Owner: i.OwnerOrganisationID, DueDate: i.DueDate,
		Delegations: i.Delegations}
}

// CreateIssue validates i (and private, which may be nil or empty) and
// stores it as open, reported by the actor (CanReportIssue; private fields
// need CanSeeIssuePrivate, which every reporter has), setting its ID and
// timestamps. The category must be active and the owner organisation, if
// any, active. The reporter follows the issue; the members of the owner
// organisation other than the reporter are notified (issue_new), or, for
// an issue without an owner, the active secretariat but the reporter, so
// that someone sorts it.
//
// The system (the demo loader) reports in the name of the account i.ReporterID
// names.
func (db *DB) CreateIssue(ctx context.Context, actor workspace.Actor, i *workspace.Issue, private *workspace.IssuePrivate) (*IssueChange, error) {
	var change *IssueChange
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanReportIssue(actor); err != nil {
			return err
		}
		if err := i.Validate(); err != nil {
			return err
		}
		if private != nil {
			if err := private.Validate(); err != nil {
				return err
			}
		}
		if err := checkIssueCategoryUsable(ctx, tx.tx, i.CategoryID); err != nil {
			return err
		}
		if i.OwnerOrganisationID != nil {
			if err := checkIssueOwnerUsable(ctx, tx.tx, *i.OwnerOrganisationID); err != nil {
				return err
			}
		}
		switch {
		case actor.AccountID != nil:
			i.ReporterID = *actor.AccountID
		case !actor.System || i.ReporterID == 0:
			return workspace.Errorf(workspace.EINVALID, "An issue needs a reporter.")
		default:
			if _, err := findAccountByID(ctx, tx.tx, i.ReporterID); workspace.ErrorCode(err) == workspace.ENOTFOUND {
				return workspace.Errorf(workspace.EINVALID, "An issue needs a reporter.")
			} else if err != nil {
				return err
			}
		}
		if !private.Empty() {
			if err := workspace.CanSeeIssuePrivate(actor, i); err != nil {
				return err
			}
		}
		i.Status, i.StatusReason, i.ClosedAt = workspace.IssueOpen, "", nil
		i.CreatedAt, i.UpdatedAt = tx.now, tx.now
		res, err := tx.tx.ExecContext(ctx, `
			INSERT INTO issues (title, description, category_id, status, status_reason, priority, owner_organisation_id, due_date, reporter_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			i.Title, i.Description, i.CategoryID, i.Status, i.StatusReason, i.Priority, i.OwnerOrganisationID, nullDate(i.DueDate),
			i.ReporterID, i.CreatedAt, i.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlite: create issue: %w", err)
		}
		if i.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: create issue: %w", err)
		}
		if err := tx.setIssueDelegations(ctx, i.ID, i.Delegations); err != nil {
			return err
		}
		if !private.Empty() {
			private.IssueID = i.ID
			if err := tx.writeIssuePrivate(ctx, private); err != nil {
				return err
			}
		}
		event := &workspace.IssueEvent{IssueID: i.ID, Kind: workspace.EventCreated}
		if err := tx.recordIssueEvent(ctx, actor, event); err != nil {
			return err
		}
		if err := tx.followIssue(ctx, i.ID, i.ReporterID, true); err != nil {
			return err
		}
		if err := tx.indexIssue(ctx, i.ID); err != nil {
			return err
		}
		change = &IssueChange{Event: event}
		// The reporter is told of nothing they did themselves, even when
		// the system reports in their name.
		if i.OwnerOrganisationID != nil {
			change.Notified, err = tx.notifyOwnerMembers(ctx, workspace.NotifyIssueNew, event, *i.OwnerOrganisationID, i.ReporterID)
		} else {
			change.Notified, err = tx.notifyAlso(ctx, workspace.NotifyIssueNew, event, nil, i.ReporterID, activeSecretariatQuery)
		}
		if err != nil {
			return err
		}
		after := auditIssue(i)
		after.PrivateFields = privateFieldsGiven(private)
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditIssueCreate, "issue", i.ID, nil, after)
	})
	if err != nil {
		return nil, err
	}
	return change, nil
}

// UpdateIssue validates i and stores its title, description, category,
// priority, due date and delegations over the issue with i.ID
// (CanChangeIssue), with an edit event naming the fields that changed
// (ToValue: their names, comma-separated, as the form calls them). A
// change that changes nothing writes nothing: its IssueChange has no
// event. The other fields of i are set from the stored issue. A category
// the issue already has may be kept after it was deactivated; a new one
// must be active.
func (db *DB) UpdateIssue(ctx context.Context, actor workspace.Actor, i *workspace.Issue) (*IssueChange, error) {
	return db.UpdateIssueFrom(ctx, actor, i, "", nil)
}

// UpdateIssueFrom is UpdateIssue for the issue's edit form, filled from
// the state base (workspace.IssueEditBase of the issue, and of its private
// fields when the actor may see them: FindIssueEditBase): when the issue
// no longer has that state, someone saved it meanwhile, and the save is
// ECONFLICT rather than an overwrite of their change. An empty base checks
// nothing. private, when not nil, is stored in the same transaction, by
// SetIssuePrivate's rules (an actor who may not see them is refused, and
// nothing is saved), so that the details and the private fields the form
// holds are saved together, both over the state the form was filled from,
// or neither; nil keeps the stored private fields as they are.
func (db *DB) UpdateIssueFrom(ctx context.Context, actor workspace.Actor, i *workspace.Issue, base string, private *workspace.IssuePrivate) (*IssueChange, error) {
	var change *IssueChange
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		var err error
		if change, err = tx.updateIssue(ctx, actor, i, base); err != nil {
			return err
		}
		if private == nil {
			return nil
		}
		return tx.setIssuePrivate(ctx, actor, private)
	})
	if err != nil {
		return nil, err
	}
	return change, nil
}

// updateIssue is UpdateIssueFrom's change of the details, in tx.
func (tx *Tx) updateIssue(ctx context.Context, actor workspace.Actor, i *workspace.Issue, base string) (*IssueChange, error) {
	before, err := findIssueByID(ctx, tx.tx, i.ID)
	if err != nil {
		return nil, err
	}
	if err := workspace.CanChangeIssue(actor); err != nil {
		return nil, err
	}
	if base != "" {
		current, _, err := issueEditBase(ctx, tx.tx, actor, before)
		if err != nil {
			return nil, err
		}
		if current != base {
			return nil, workspace.KeyErrorf(workspace.ECONFLICT, "error.issue.changed_meanwhile",
				"Someone saved this issue while you were editing it. Your text is below: compare it with the issue, then save again.")
		}
	}
	if err := i.Validate(); err != nil {
		return nil, err
	}
	if i.CategoryID != before.CategoryID {
		if err := checkIssueCategoryUsable(ctx, tx.tx, i.CategoryID); err != nil {
			return nil, err
		}
	}
	i.Status, i.StatusReason, i.OwnerOrganisationID, i.ReporterID = before.Status, before.StatusReason, before.OwnerOrganisationID, before.ReporterID
	i.CreatedAt, i.UpdatedAt, i.ClosedAt = before.CreatedAt, before.UpdatedAt, before.ClosedAt
	changed := changedIssueFields(before, i)
	change := &IssueChange{}
	if len(changed) == 0 {
		return change, nil
	}
	i.UpdatedAt = tx.now
	if _, err := tx.tx.ExecContext(ctx, `
		UPDATE issues SET title = ?, description = ?, category_id = ?, priority = ?, due_date = ?, updated_at = ? WHERE id = ?`,
		i.Title, i.Description, i.CategoryID, i.Priority, nullDate(i.DueDate), i.UpdatedAt, i.ID); err != nil {
		return nil, fmt.Errorf("sqlite: update issue: %w", err)
	}
	if err := tx.setIssueDelegations(ctx, i.ID, i.Delegations); err != nil {
		return nil, err
	}
	event := &workspace.IssueEvent{IssueID: i.ID, Kind: workspace.EventEdit, ToValue: strings.Join(changed, ",")}
	if err := tx.recordIssueEvent(ctx, actor, event); err != nil {
		return nil, err
	}
	change.Event = event
	if err := tx.indexIssue(ctx, i.ID); err != nil {
		return nil, err
	}
	return change, tx.db.recordAudit(ctx, tx.tx, actor, workspace.AuditIssueUpdate, "issue", i.ID, auditIssue(before), auditIssue(i))
}

// changedIssueFields names the fields UpdateIssue stores that differ
// between before and after, in the form's order.
func changedIssueFields(before, after *workspace.Issue) []string {
	var changed []string
	if before.Title != after.Title {
		changed = append(changed, "title")
	}
	if before.Description != after.Description {
		changed = append(changed, "description")
	}
	if before.CategoryID != after.CategoryID {
		changed = append(changed, "category_id")
	}
	if before.Priority != after.Priority {
		changed = append(changed, "priority")
	}
	if before.DueDate != after.DueDate {
		changed = append(changed, "due_date")
	}
	if !sameSet(before.Delegations, after.Delegations) {
		changed = append(changed, "delegations")
	}
	return changed
}

// sameSet reports whether a and b hold the same strings, each once.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := make(map[string]bool, len(a))
	for _, s := range a {
		in[s] = true
	}
	for _, s := range b {
		if !in[s] {
			return false
		}
	}
	return true
}

// nullDate stores an empty due date as NULL.
func nullDate(day string) any {
	if day == "" {
		return nil
	}
	return day
}

// setIssueDelegations replaces the delegations of issue id.
func (tx *Tx) setIssueDelegations(ctx context.Context, id int64, delegations []string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM issue_delegations WHERE issue_id = ?`, id); err != nil {
		return fmt.Errorf("sqlite: set issue delegations: %w", err)
	}
	for _, d := range delegations {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO issue_delegations (issue_id, delegation) VALUES (?, ?)`, id, d); err != nil {
			return fmt.Errorf("sqlite: set issue delegations: %w", err)
		}
	}
	return nil
}

// checkIssueOwnerUsable reports, as an EINVALID error on the owner, an
// organisation that does not exist or was deactivated.
func checkIssueOwnerUsable(ctx context.Context, q sqlx.QueryerContext, id int64) error {
	org, err := findOrganisationByID(ctx, q, id)
	if workspace.ErrorCode(err) == workspace.ENOTFOUND || (err == nil && !org.Active) {
		return workspace.Invalid("owner_organisation_id", "error.issue.owner_invalid", "Choose an active organisation.")
	}
	return err
}

// findIssueForChange finds issue id in tx, once the actor, read again in
// tx, is allowed rule. It returns the actor as read again.
func (tx *Tx) findIssueForChange(ctx context.Context, actor workspace.Actor, id int64, rule func(workspace.Actor) error) (workspace.Actor, *workspace.Issue, error) {
	actor, err := findActor(ctx, tx.tx, actor)
	if err != nil {
		return actor, nil, err
	}
	i, err := findIssueByID(ctx, tx.tx, id)
	if err != nil {
		return actor, nil, err
	}
	return actor, i, rule(actor)
}

// maybe scans a column that an outer join may leave NULL into *dst, which
// it leaves as it is when the column is NULL, and sets *seen otherwise.
type maybe[T any] struct {
	dst  *T
	seen *bool
}

func (m maybe[T]) Scan(v any) error {
	var n sql.Null[T]
	if err := n.Scan(v); err != nil {
		return err
	}
	if n.Valid {
		*m.dst, *m.seen = n.V, true
	}
	return nil
}

// nullableOrganisationFields is organisationFields for an organisation an
// outer join may leave out: *seen tells whether it was there.
func nullableOrganisationFields(o *workspace.Organisation, seen *bool) []any {
	return []any{maybe[int64]{&o.ID, seen}, maybe[string]{&o.NameFR, seen}, maybe[string]{&o.NameAR, seen},
		maybe[workspace.College]{&o.College, seen}, maybe[string]{&o.Delegation, seen}, maybe[string]{&o.Contact, seen},
		maybe[bool]{&o.Active, seen}, maybe[time.Time]{&o.CreatedAt, seen}, maybe[time.Time]{&o.UpdatedAt, seen}}
}

// nullableAccountFields is accountWithOrganisationFields for an account an
// outer join may leave out: *seen tells whether it was there.
func nullableAccountFields(a *workspace.Account, seen *bool) []any {
	a.Organisation = &workspace.Organisation{}
	return append([]any{maybe[int64]{&a.ID, seen}, maybe[string]{&a.Name, seen}, maybe[string]{&a.Email, seen},
		maybe[int64]{&a.OrganisationID, seen}, maybe[string]{&a.Language, seen}, maybe[workspace.Role]{&a.Role, seen},
		maybe[bool]{&a.CanVote, seen}, maybe[bool]{&a.Active, seen}, maybe[string]{&a.PasswordHash, seen},
		maybe[time.Time]{&a.CreatedAt, seen}, maybe[time.Time]{&a.UpdatedAt, seen}},
		nullableOrganisationFields(a.Organisation, seen)...)
}
