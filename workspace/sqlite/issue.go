package sqlite

// The store of issues. The signatures below are the contract the server
// and the demo build on; every method is one transaction and, when it
// changes something, takes the Actor, reads its account again, checks the
// workspace rule (workspace/issue_rules.go), writes, records the timeline
// event, notifies, keeps the full-text index in step, and audits.
//
// Private fields (workspace.IssuePrivate) live in their own table and are
// read only by FindIssuePrivate, which checks CanSeePrivateFields: no
// other method reads that table, so no list, search, export, feed or
// notification can carry them.

import (
	"context"
	"errors"

	"tawla/workspace"
)

var errIssuesNotYet = errors.New("sqlite: issues: not implemented yet")

// IssueChange is what a change to an issue wrote: its timeline event (nil
// for a change that makes none) and the accounts it notified, to whom the
// server then sends their new unread counts.
type IssueChange struct {
	Event    *workspace.IssueEvent
	Notified []int64
}

// FindIssueCategories returns the categories in their order; inactive
// ones only when includeInactive.
func (db *DB) FindIssueCategories(ctx context.Context, includeInactive bool) ([]*workspace.IssueCategory, error) {
	return nil, errIssuesNotYet
}

// CreateIssueCategory validates c and adds it at the end of the list
// (CanManageCategories), setting its ID, Position and timestamps.
func (db *DB) CreateIssueCategory(ctx context.Context, actor workspace.Actor, c *workspace.IssueCategory) error {
	return errIssuesNotYet
}

// UpdateIssueCategory validates c and stores its names, position and
// whether it is active over the category with c.ID (CanManageCategories).
func (db *DB) UpdateIssueCategory(ctx context.Context, actor workspace.Actor, c *workspace.IssueCategory) error {
	return errIssuesNotYet
}

// CreateIssue validates i (and private, which may be nil or empty) and
// stores it as open, reported by the actor (CanReportIssue; private fields
// need CanSeePrivateFields, which every reporter has), setting its ID and
// timestamps. The category must be active and the owner organisation, if
// any, active. The reporter follows the issue; the members of the owner
// organisation other than the reporter are notified (issue_new).
func (db *DB) CreateIssue(ctx context.Context, actor workspace.Actor, i *workspace.Issue, private *workspace.IssuePrivate) (*IssueChange, error) {
	return nil, errIssuesNotYet
}

// UpdateIssue validates i and stores its title, description, category,
// priority, due date and delegations over the issue with i.ID
// (CanChangeIssue), with an edit event naming the fields that changed.
func (db *DB) UpdateIssue(ctx context.Context, actor workspace.Actor, i *workspace.Issue) (*IssueChange, error) {
	return nil, errIssuesNotYet
}

// SetIssuePrivate stores p as the private fields of its issue
// (CanSeePrivateFields). The audit entry says that they changed, never
// what they hold.
func (db *DB) SetIssuePrivate(ctx context.Context, actor workspace.Actor, p *workspace.IssuePrivate) error {
	return errIssuesNotYet
}

// FindIssuePrivate returns the private fields of issue id (an empty value
// when none were given), if the actor may see them (CanSeePrivateFields).
func (db *DB) FindIssuePrivate(ctx context.Context, actor workspace.Actor, id int64) (*workspace.IssuePrivate, error) {
	return nil, errIssuesNotYet
}

// ChangeIssueStatus moves issue id to status to, with reason
// (CanChangeIssue, workspace.CheckTransition), records a status event and
// notifies the issue's followers but the actor (issue_status).
func (db *DB) ChangeIssueStatus(ctx context.Context, actor workspace.Actor, id int64, to workspace.IssueStatus, reason string) (*IssueChange, error) {
	return nil, errIssuesNotYet
}

// AssignIssue makes organisationID (nil: nobody) the owner of issue id
// (CanChangeIssue; the organisation must be active), records an
// assignment event and notifies the new owner's members but the actor
// (issue_assigned).
func (db *DB) AssignIssue(ctx context.Context, actor workspace.Actor, id int64, organisationID *int64) (*IssueChange, error) {
	return nil, errIssuesNotYet
}

// CommentIssue adds a comment to issue id's timeline (CanCommentIssue,
// workspace.CheckIssueComment); the actor then follows the issue, and its
// other followers are notified (issue_comment).
func (db *DB) CommentIssue(ctx context.Context, actor workspace.Actor, id int64, body string) (*IssueChange, error) {
	return nil, errIssuesNotYet
}

// FollowIssue makes the actor follow issue id, or stop following it
// (CanCommentIssue).
func (db *DB) FollowIssue(ctx context.Context, actor workspace.Actor, id int64, follow bool) error {
	return errIssuesNotYet
}

// IsFollowingIssue reports whether accountID follows issue id.
func (db *DB) IsFollowingIssue(ctx context.Context, accountID, id int64) (bool, error) {
	return false, errIssuesNotYet
}

// LinkIssue links issue l.IssueID to a meeting, an agenda item, a
// decision, an action or a procedure (l.TargetKind, l.TargetID, which must
// exist; not a passage: see Tx.LinkIssuePassage) (CanChangeIssue), with a
// link event; setting l's ID. Linking twice is ECONFLICT.
func (db *DB) LinkIssue(ctx context.Context, actor workspace.Actor, l *workspace.IssueLink) (*IssueChange, error) {
	return nil, errIssuesNotYet
}

// LinkIssuePassage links issue issueID to the passage anchorID of
// procedure procedureID's draft, inside the transaction that stores the
// anchor (collab.Authority.AddAnchor's Within) (CanChangeIssue).
func (tx *Tx) LinkIssuePassage(ctx context.Context, actor workspace.Actor, issueID, procedureID, anchorID int64) (*IssueChange, error) {
	return nil, errIssuesNotYet
}

// UnlinkIssue removes link linkID from its issue (CanChangeIssue), with an
// unlink event.
func (db *DB) UnlinkIssue(ctx context.Context, actor workspace.Actor, linkID int64) (*IssueChange, error) {
	return nil, errIssuesNotYet
}

// FindIssueByID returns issue id with its category, owner, reporter and
// delegations (never its private fields), or ENOTFOUND.
func (db *DB) FindIssueByID(ctx context.Context, id int64) (*workspace.Issue, error) {
	return nil, errIssuesNotYet
}

// FindIssueTimeline returns issue id's events, oldest first, with their
// actors and organisations.
func (db *DB) FindIssueTimeline(ctx context.Context, id int64) ([]*workspace.IssueEvent, error) {
	return nil, errIssuesNotYet
}

// FindIssueLinks returns issue id's links with their targets' titles and,
// for passages, their anchors.
func (db *DB) FindIssueLinks(ctx context.Context, id int64) ([]*workspace.IssueLink, error) {
	return nil, errIssuesNotYet
}

// FindIssuesLinkedTo returns the issues linked to a target: for a
// procedure, the issues linked to it or to a passage of it.
func (db *DB) FindIssuesLinkedTo(ctx context.Context, kind workspace.IssueLinkKind, targetID int64) ([]*workspace.Issue, error) {
	return nil, errIssuesNotYet
}

// IssueFilter selects issues; zero fields select every issue.
type IssueFilter struct {
	Status              workspace.IssueStatus
	CategoryID          int64
	OwnerOrganisationID int64
	Delegation          string
	// OverdueOn, a day "YYYY-MM-DD", keeps the issues not ended whose due
	// date is before it.
	OverdueOn string
	// Query is a full-text search (workspace/search): matching issues,
	// best first, instead of the most recently changed first.
	Query         string
	Limit, Offset int
}

// IssueHit is an issue a list or a search found. Text is the indexed text
// in its original form (the description and the comments), from which the
// server cuts a snippet around the words searched for.
type IssueHit struct {
	Issue *workspace.Issue
	Text  string
}

// FindIssues returns the issues filter selects, a page at a time, with
// how many it selects in all.
func (db *DB) FindIssues(ctx context.Context, filter IssueFilter) ([]*IssueHit, int, error) {
	return nil, 0, errIssuesNotYet
}

// IssueStatistics returns the dashboard's figures, today being the
// calendar day in the table's time zone.
func (db *DB) IssueStatistics(ctx context.Context, today string) (*workspace.IssueStats, error) {
	return nil, errIssuesNotYet
}

// FindNotifications returns accountID's latest notifications, newest
// first, with their issues' titles.
func (db *DB) FindNotifications(ctx context.Context, accountID int64, limit int) ([]*workspace.Notification, error) {
	return nil, errIssuesNotYet
}

// CountUnreadNotifications returns how many of accountID's notifications
// are unread.
func (db *DB) CountUnreadNotifications(ctx context.Context, accountID int64) (int, error) {
	return 0, errIssuesNotYet
}

// MarkNotificationsRead marks the actor's notifications read: those of
// issueID, or all of them when issueID is 0.
func (db *DB) MarkNotificationsRead(ctx context.Context, actor workspace.Actor, issueID int64) error {
	return errIssuesNotYet
}
