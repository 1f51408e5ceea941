package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// issueLinkTargets names the table each kind of link points into (a
// passage: the procedure whose draft holds it). Only these names are ever
// put into a query.
var issueLinkTargets = map[workspace.IssueLinkKind]string{
	workspace.LinkMeeting:    "meetings",
	workspace.LinkAgendaItem: "agenda_items",
	workspace.LinkDecision:   "decisions",
	workspace.LinkAction:     "actions",
	workspace.LinkProcedure:  "procedures",
	workspace.LinkPassage:    "procedures",
}

// issueLinkAudit is what the audit log keeps of a link.
type issueLinkAudit struct {
	LinkID     int64  `json:"link_id"`
	TargetKind string `json:"target_kind"`
	TargetID   int64  `json:"target_id"`
	AnchorID   *int64 `json:"anchor_id,omitempty"`
}

func auditIssueLink(l *workspace.IssueLink) issueLinkAudit {
	return issueLinkAudit{l.ID, string(l.TargetKind), l.TargetID, l.AnchorID}
}

// linkValue is how a timeline event names a link's target: its kind and
// id, "meeting:3".
func linkValue(l *workspace.IssueLink) string {
	return string(l.TargetKind) + ":" + strconv.FormatInt(l.TargetID, 10)
}

// LinkIssue links issue l.IssueID to a meeting, an agenda item, a
// decision, an action or a procedure (l.TargetKind, l.TargetID, which must
// exist; not a passage: see Tx.LinkIssuePassage) (CanChangeIssue), with a
// link event; setting l's ID. Linking twice is ECONFLICT, and so is linking
// to a cancelled meeting or to anything inside one (its agenda items,
// decisions and actions): a cancelled meeting is a record, and links made
// before it was cancelled stay.
//
// The event's ToValue names the target ("meeting:3") and its Body holds
// the target's title when linked, so that the timeline still says what was
// linked after the link is removed.
func (db *DB) LinkIssue(ctx context.Context, actor workspace.Actor, l *workspace.IssueLink) (*IssueChange, error) {
	var change *IssueChange
	err := db.withWriteTx(ctx, func(tx *Tx) error {
		actor, _, err := tx.findIssueForChange(ctx, actor, l.IssueID, workspace.CanChangeIssue)
		if err != nil {
			return err
		}
		if !l.TargetKind.Valid() || l.TargetKind == workspace.LinkPassage {
			return workspace.Invalid("target_kind", "error.issue.link_kind_invalid", "Choose what to link the issue to.")
		}
		var n int
		if err := tx.tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM `+issueLinkTargets[l.TargetKind]+` WHERE id = ?`, l.TargetID); err != nil {
			return fmt.Errorf("sqlite: link issue: %w", err)
		} else if n == 0 {
			return workspace.Invalid("target_id", "error.issue.link_target_unknown", "What you link the issue to does not exist.")
		}
		if err := tx.checkLinkMeetingNotCancelled(ctx, l); err != nil {
			return err
		}
		l.AnchorID = nil
		change, err = tx.linkIssue(ctx, actor, l)
		return err
	})
	if err != nil {
		return nil, err
	}
	return change, nil
}

// LinkIssuePassage links issue issueID to the passage anchorID of
// procedure procedureID's draft, inside the transaction that stores the
// anchor (collab.Authority.AddAnchor's Within) (CanChangeIssue). The
// anchor must be one of that draft's (EINVALID).
func (tx *Tx) LinkIssuePassage(ctx context.Context, actor workspace.Actor, issueID, procedureID, anchorID int64) (*IssueChange, error) {
	actor, _, err := tx.findIssueForChange(ctx, actor, issueID, workspace.CanChangeIssue)
	if err != nil {
		return nil, err
	}
	proc, err := findProcedureByID(ctx, tx.tx, procedureID)
	if err != nil {
		return nil, err
	}
	var docID int64
	err = tx.tx.GetContext(ctx, &docID, `SELECT document_id FROM document_anchors WHERE id = ?`, anchorID)
	if isNoRows(err) || (err == nil && docID != proc.DocumentID) {
		return nil, workspace.KeyErrorf(workspace.EINVALID, "error.issue_link.passage_outside", "The passage is not in the procedure's draft.")
	} else if err != nil {
		return nil, fmt.Errorf("sqlite: link issue passage: %w", err)
	}
	return tx.linkIssue(ctx, actor, &workspace.IssueLink{IssueID: issueID, TargetKind: workspace.LinkPassage, TargetID: procedureID, AnchorID: &anchorID})
}

// linkIssue stores l, checked, with its event and audit entry.
func (tx *Tx) linkIssue(ctx context.Context, actor workspace.Actor, l *workspace.IssueLink) (*IssueChange, error) {
	l.CreatedBy, l.CreatedAt = actor.AccountID, tx.now
	res, err := tx.tx.ExecContext(ctx, `
		INSERT INTO issue_links (issue_id, target_kind, target_id, anchor_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		l.IssueID, l.TargetKind, l.TargetID, l.AnchorID, l.CreatedBy, l.CreatedAt)
	if isUniqueViolation(err) {
		return nil, &workspace.Error{Code: workspace.ECONFLICT, Key: "error.issue.link_exists", Message: "The issue is already linked to it."}
	} else if err != nil {
		return nil, fmt.Errorf("sqlite: link issue: %w", err)
	}
	if l.ID, err = res.LastInsertId(); err != nil {
		return nil, fmt.Errorf("sqlite: link issue: %w", err)
	}
	links, err := findIssueLinks(ctx, tx.tx, "l.id = ?", l.ID)
	if err != nil {
		return nil, err
	}
	l.TargetTitle, l.Anchor = links[0].TargetTitle, links[0].Anchor
	event := &workspace.IssueEvent{IssueID: l.IssueID, Kind: workspace.EventLink, ToValue: linkValue(l), Body: l.TargetTitle}
	if err := tx.recordIssueEvent(ctx, actor, event); err != nil {
		return nil, err
	}
	if err := tx.touchIssue(ctx, l.IssueID); err != nil {
		return nil, err
	}
	if err := tx.db.recordAudit(ctx, tx.tx, actor, workspace.AuditIssueLink, "issue", l.IssueID, nil, auditIssueLink(l)); err != nil {
		return nil, err
	}
	return &IssueChange{Event: event}, nil
}

// UnlinkIssue removes link linkID from its issue (CanChangeIssue), with an
// unlink event whose FromValue names the target ("meeting:3") and whose
// Body holds its title. A passage's anchor stays in its draft.
func (db *DB) UnlinkIssue(ctx context.Context, actor workspace.Actor, linkID int64) (*IssueChange, error) {
	var change *IssueChange
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		links, err := findIssueLinks(ctx, tx.tx, "l.id = ?", linkID)
		if err != nil {
			return err
		} else if len(links) == 0 {
			return notFound("Link")
		}
		if err := workspace.CanChangeIssue(actor); err != nil {
			return err
		}
		change, err = tx.unlinkIssue(ctx, actor, links[0])
		return err
	})
	if err != nil {
		return nil, err
	}
	return change, nil
}

// unlinkIssue removes link l, read by findIssueLinks (its target still
// there, to name it), with its unlink event and audit entry: the way every
// link goes, from its issue's page or with the agenda item it points to.
func (tx *Tx) unlinkIssue(ctx context.Context, actor workspace.Actor, l *workspace.IssueLink) (*IssueChange, error) {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM issue_links WHERE id = ?`, l.ID); err != nil {
		return nil, fmt.Errorf("sqlite: unlink issue: %w", err)
	}
	event := &workspace.IssueEvent{IssueID: l.IssueID, Kind: workspace.EventUnlink, FromValue: linkValue(l), Body: l.TargetTitle}
	if err := tx.recordIssueEvent(ctx, actor, event); err != nil {
		return nil, err
	}
	if err := tx.touchIssue(ctx, l.IssueID); err != nil {
		return nil, err
	}
	if err := tx.db.recordAudit(ctx, tx.tx, actor, workspace.AuditIssueUnlink, "issue", l.IssueID, auditIssueLink(l), nil); err != nil {
		return nil, err
	}
	return &IssueChange{Event: event}, nil
}

// issueLinkColumns are the columns findIssueLinks reads, in the order
// issueLinkFields scans them: the link (l); what names its target — a
// meeting's title (m), an agenda item's position and title (ai) with its
// meeting's title (am), whether the meeting either names was cancelled, a decision's text (d), an action's title (ac), a
// procedure's title (p); and a passage's anchor (an).
const issueLinkColumns = `l.id, l.issue_id, l.target_kind, l.target_id, l.anchor_id, l.created_by, l.created_at,
	m.title, am.title, ai.position, ai.title, d.text, ac.title, p.title, CASE WHEN m.status = 'cancelled' OR am.status = 'cancelled' THEN TRUE ELSE FALSE END,
	an.id, an.document_id, an.from_pos, an.to_pos, an.created_version, an.quote, an.removed, an.removed_version, an.last_text, an.created_at, an.updated_at`

// issueLinkRow is what issueLinkColumns scan into: every target's columns
// but one are NULL, and so are the anchor's but for a passage.
type issueLinkRow struct {
	l                                    workspace.IssueLink
	meeting, itemMeeting, item, decision sql.NullString
	position                             sql.NullInt64
	action, procedure                    sql.NullString
	meetingCancelled                     bool
	anchor                               workspace.Anchor
	removedVersion                       sql.NullInt64
	hasAnchor                            bool
}

func issueLinkFields(r *issueLinkRow) []any {
	l, a := &r.l, &r.anchor
	return []any{&l.ID, &l.IssueID, &l.TargetKind, &l.TargetID, &l.AnchorID, &l.CreatedBy, &l.CreatedAt,
		&r.meeting, &r.itemMeeting, &r.position, &r.item, &r.decision, &r.action, &r.procedure, &r.meetingCancelled,
		maybe[int64]{&a.ID, &r.hasAnchor}, maybe[int64]{&a.DocumentID, &r.hasAnchor}, maybe[int]{&a.From, &r.hasAnchor},
		maybe[int]{&a.To, &r.hasAnchor}, maybe[int]{&a.CreatedVersion, &r.hasAnchor}, maybe[string]{&a.Quote, &r.hasAnchor},
		maybe[bool]{&a.Removed, &r.hasAnchor}, &r.removedVersion, maybe[string]{&a.LastText, &r.hasAnchor},
		maybe[time.Time]{&a.CreatedAt, &r.hasAnchor}, maybe[time.Time]{&a.UpdatedAt, &r.hasAnchor}}
}

// decisionTitleRunes is how much of a decision's text names it.
const decisionTitleRunes = 120

// link returns the scanned link with its target's title and its anchor.
func (r *issueLinkRow) link() *workspace.IssueLink {
	l := &r.l
	switch l.TargetKind {
	case workspace.LinkMeeting:
		l.TargetTitle = r.meeting.String
	case workspace.LinkAgendaItem:
		l.TargetTitle = r.itemMeeting.String + " — " + strconv.FormatInt(r.position.Int64, 10) + ". " + r.item.String
	case workspace.LinkDecision:
		l.TargetTitle = truncateRunes(r.decision.String, decisionTitleRunes)
	case workspace.LinkAction:
		l.TargetTitle = r.action.String
	case workspace.LinkProcedure, workspace.LinkPassage:
		l.TargetTitle = r.procedure.String
	}
	l.TargetCancelled = r.meetingCancelled
	if r.hasAnchor {
		r.anchor.RemovedVersion = int(r.removedVersion.Int64)
		l.Anchor = &r.anchor
	}
	return l
}

// truncateRunes returns s cut to at most n runes, with an ellipsis when it
// was cut, and its lines joined by spaces.
func truncateRunes(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// findIssueLinks selects links by a condition written in this package,
// with their targets' titles and anchors, in the order they were made.
func findIssueLinks(ctx context.Context, q sqlx.QueryerContext, cond string, args ...any) ([]*workspace.IssueLink, error) {
	rows, err := queryRows(ctx, q, issueLinkFields, `
		SELECT `+issueLinkColumns+`
		FROM issue_links l
		LEFT JOIN meetings m ON l.target_kind = 'meeting' AND m.id = l.target_id
		LEFT JOIN agenda_items ai ON l.target_kind = 'agenda_item' AND ai.id = l.target_id
		LEFT JOIN meetings am ON am.id = ai.meeting_id
		LEFT JOIN decisions d ON l.target_kind = 'decision' AND d.id = l.target_id
		LEFT JOIN actions ac ON l.target_kind = 'action' AND ac.id = l.target_id
		LEFT JOIN procedures p ON l.target_kind IN ('procedure', 'passage') AND p.id = l.target_id
		LEFT JOIN document_anchors an ON an.id = l.anchor_id
		WHERE `+cond+` ORDER BY l.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find issue links: %w", err)
	}
	links := make([]*workspace.IssueLink, len(rows))
	for n, r := range rows {
		links[n] = r.link()
	}
	return links, nil
}

// FindIssueLinks returns issue id's links with their targets' titles and,
// for passages, their anchors, in the order they were made; ENOTFOUND when
// there is no such issue. An agenda item is named "<meeting> — <position>.
// <title>", a decision by the start of its text.
func (db *DB) FindIssueLinks(ctx context.Context, id int64) ([]*workspace.IssueLink, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find issue links: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM issues WHERE id = ?`, id); err != nil {
		return nil, fmt.Errorf("sqlite: find issue links: %w", err)
	} else if n == 0 {
		return nil, notFound("Issue")
	}
	return findIssueLinks(ctx, tx, "l.issue_id = ?", id)
}

// FindIssuesLinkedTo returns the issues linked to a target: for a
// procedure, the issues linked to it or to a passage of it (for a
// passage, targetID is also the procedure's, and only the issues linked
// to its passages count). Each issue comes once, the most recently
// changed first.
func (db *DB) FindIssuesLinkedTo(ctx context.Context, kind workspace.IssueLinkKind, targetID int64) ([]*workspace.Issue, error) {
	if !kind.Valid() {
		return nil, workspace.Invalid("target_kind", "error.issue.link_kind_invalid", "Choose what to link the issue to.")
	}
	kinds := []any{kind}
	if kind == workspace.LinkProcedure {
		kinds = append(kinds, workspace.LinkPassage)
	}
	cond := `EXISTS (SELECT 1 FROM issue_links l WHERE l.issue_id = i.id AND l.target_kind IN (` + placeholders(len(kinds)) + `) AND l.target_id = ?)`
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find linked issues: %w", err)
	}
	defer tx.Rollback()
	return findIssues(ctx, tx, issueFrom, []string{cond}, append(kinds, targetID), issueOrder, 0, 0)
}

// FindAgendaIssues returns the issues linked to each agenda item of
// meeting meetingID, by item id, in the order issues are listed; an item
// with none is absent from the map. Two queries, whatever the agenda's
// length.
func (db *DB) FindAgendaIssues(ctx context.Context, meetingID int64) (map[int64][]*workspace.Issue, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find agenda issues: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `
		SELECT l.target_id, l.issue_id FROM issue_links l JOIN agenda_items a ON a.id = l.target_id
		WHERE l.target_kind = ? AND a.meeting_id = ?`, workspace.LinkAgendaItem, meetingID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find agenda issues: %w", err)
	}
	itemsOf := map[int64][]int64{}
	var issueIDs []any
	for rows.Next() {
		var itemID, issueID int64
		if err := rows.Scan(&itemID, &issueID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlite: find agenda issues: %w", err)
		}
		if itemsOf[issueID] == nil {
			issueIDs = append(issueIDs, issueID)
		}
		itemsOf[issueID] = append(itemsOf[issueID], itemID)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("sqlite: find agenda issues: %w", err)
	}
	byItem := map[int64][]*workspace.Issue{}
	if len(issueIDs) == 0 {
		return byItem, nil
	}
	issues, err := findIssues(ctx, tx, issueFrom, []string{`i.id IN (` + placeholders(len(issueIDs)) + `)`}, issueIDs, issueOrder, 0, 0)
	if err != nil {
		return nil, err
	}
	for _, is := range issues {
		for _, itemID := range itemsOf[is.ID] {
			byItem[itemID] = append(byItem[itemID], is)
		}
	}
	return byItem, nil
}
