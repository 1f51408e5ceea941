package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// decisionColumns are the columns of a decision (d) that decisionFields
// scans into, in the same order.
const decisionColumns = `d.id, d.meeting_id, d.agenda_item_id, d.text, d.outcome, d.recorded_by, d.created_at, d.updated_at`

// decisionFields returns the fields of d that decisionColumns are scanned
// into, in order.
func decisionFields(d *workspace.Decision) []any {
	return []any{&d.ID, &d.MeetingID, &d.AgendaItemID, &d.Text, &d.Outcome, &d.RecordedBy, &d.CreatedAt, &d.UpdatedAt}
}

// actionColumns are the columns of an action (x) that actionFields scans
// into, in the same order.
const actionColumns = `x.id, x.decision_id, x.meeting_id, x.title, x.owner_organisation_id, x.due_date, x.status, x.created_at, x.updated_at`

// actionFields returns the fields of a that actionColumns are scanned
// into, in order.
func actionFields(a *workspace.Action) []any {
	return []any{&a.ID, &a.DecisionID, &a.MeetingID, &a.Title, &a.OwnerOrganisationID, &a.DueDate, &a.Status, &a.CreatedAt, &a.UpdatedAt}
}

// actionWithOwnerColumns are actionColumns followed by the title of the
// action's meeting (m) and its owner organisation (o), which
// actionWithOwnerJoins joins to actions x.
var actionWithOwnerColumns = actionColumns + `, m.title, ` + prefixed("o", organisationColumns)

// actionWithOwnerJoins joins an action (x) to its meeting and its owner.
const actionWithOwnerJoins = `JOIN meetings m ON m.id = x.meeting_id JOIN organisations o ON o.id = x.owner_organisation_id`

// actionWithOwnerFields returns the fields of a, its meeting title and a
// new Organisation for its owner, that actionWithOwnerColumns are scanned
// into.
func actionWithOwnerFields(a *workspace.Action) []any {
	a.Owner = &workspace.Organisation{}
	return append(append(actionFields(a), &a.MeetingTitle), organisationFields(a.Owner)...)
}

// decisionAudit is the part of a decision the audit log keeps.
type decisionAudit struct {
	AgendaItemID int64  `json:"agenda_item_id"`
	Text         string `json:"text"`
	Outcome      string `json:"outcome"`
}

func auditDecision(d *workspace.Decision) decisionAudit {
	return decisionAudit{d.AgendaItemID, d.Text, string(d.Outcome)}
}

// minutesAudit is the approval of a meeting's minutes, as the audit log
// keeps it.
type minutesAudit struct {
	ApprovedAt *time.Time `json:"approved_at"`
	DecisionID int64      `json:"decision_id"`
}

// actionAudit is the part of an action the audit log keeps.
type actionAudit struct {
	DecisionID          int64  `json:"decision_id"`
	Title               string `json:"title"`
	OwnerOrganisationID int64  `json:"owner_organisation_id"`
	DueDate             string `json:"due_date"`
	Status              string `json:"status"`
}

func auditAction(a *workspace.Action) actionAudit {
	return actionAudit{a.DecisionID, a.Title, a.OwnerOrganisationID, a.DueDate, string(a.Status)}
}

// carryOverAudit is what a closed meeting put on a later meeting's agenda.
type carryOverAudit struct {
	SourceMeetingID  int64   `json:"source_meeting_id"`
	MinutesItemID    *int64  `json:"minutes_item_id,omitempty"`
	MattersArisingID *int64  `json:"matters_arising_item_id,omitempty"`
	Actions          []int64 `json:"actions"`
	// EarlierMinutes are the approvals of earlier meetings' minutes that
	// the closed meeting had on its agenda and did not approve.
	EarlierMinutes []carriedMinutesAudit `json:"earlier_minutes,omitempty"`
	// CancelledMeetingID is the cancelled meeting the item was handed on
	// from, when it was.
	CancelledMeetingID *int64 `json:"cancelled_meeting_id,omitempty"`
}

// carriedMinutesAudit is an approval of earlier minutes carried over again:
// the meeting whose minutes wait, and the item added for them.
type carriedMinutesAudit struct {
	MeetingID int64 `json:"meeting_id"`
	ItemID    int64 `json:"item_id"`
}

// RecordDecision validates d and stores it as the decision of its agenda
// item, replacing the item's earlier decision (CanManageMeetings, on a
// live or closed meeting: a planned one is ECONFLICT), setting d's ID,
// MeetingID, RecordedBy and timestamps. An adopted decision on a
// minutes_approval item marks the source meeting's minutes approved; a
// decision that replaces it with another outcome withdraws the approval,
// unless an adopted decision on another item approving the same minutes
// still stands: they then stay approved since the time they were.
// Minutes left unapproved by a decision recorded once the meeting was
// closed and carried over wait on the agenda it was carried over to.
func (db *DB) RecordDecision(ctx context.Context, actor workspace.Actor, d *workspace.Decision) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		return db.recordDecision(ctx, tx.tx, actor, d, db.Now())
	})
}

// RecordDecision is DB.RecordDecision inside tx: the server records a
// decision in the transaction of the update that writes it into the
// minutes.
func (tx *Tx) RecordDecision(ctx context.Context, actor workspace.Actor, d *workspace.Decision) error {
	return tx.db.recordDecision(ctx, tx.tx, actor, d, tx.now)
}

func (db *DB) recordDecision(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, d *workspace.Decision, now time.Time) error {
	actor, err := findActor(ctx, tx, actor)
	if err != nil {
		return err
	}
	if err := workspace.CanManageMeetings(actor); err != nil {
		return err
	}
	it, err := findAgendaItemByID(ctx, tx, d.AgendaItemID)
	if err != nil {
		return err
	}
	m, err := findMeetingByID(ctx, tx, it.MeetingID)
	if err != nil {
		return err
	}
	if err := workspace.CheckMeetingNotCancelled(m); err != nil {
		return err
	}
	if m.Status == workspace.MeetingPlanned {
		return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.meeting.not_started", Message: "Decisions are recorded once the meeting has started."}
	}
	if err := d.Validate(); err != nil {
		return err
	}
	earlier, err := findDecisions(ctx, tx, "d.agenda_item_id = ?", it.ID)
	if err != nil {
		return err
	}
	d.MeetingID, d.RecordedBy, d.UpdatedAt = m.ID, actor.AccountID, now
	var before any
	if len(earlier) > 0 {
		prev := earlier[0]
		before = auditDecision(prev)
		d.ID, d.CreatedAt = prev.ID, prev.CreatedAt
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET text = ?, outcome = ?, recorded_by = ?, updated_at = ? WHERE id = ?`,
			d.Text, d.Outcome, d.RecordedBy, d.UpdatedAt, d.ID); err != nil {
			return fmt.Errorf("sqlite: record decision: %w", err)
		}
	} else {
		d.CreatedAt = now
		res, err := tx.ExecContext(ctx, `
			INSERT INTO decisions (meeting_id, agenda_item_id, text, outcome, recorded_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			d.MeetingID, d.AgendaItemID, d.Text, d.Outcome, d.RecordedBy, d.CreatedAt, d.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlite: record decision: %w", err)
		}
		if d.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: record decision: %w", err)
		}
	}
	if err := db.recordAudit(ctx, tx, actor, workspace.AuditDecisionRecord, "decision", d.ID, before, auditDecision(d)); err != nil {
		return err
	}
	if it.Kind != workspace.ItemMinutesApproval || it.SourceMeetingID == nil {
		return nil
	}
	source, err := findMeetingByID(ctx, tx, *it.SourceMeetingID)
	if err != nil {
		return err
	}
	approved := source.MinutesApprovedAt != nil
	switch {
	case d.Outcome == workspace.OutcomeAdopted && !approved:
		return db.setMinutesApproved(ctx, tx, actor, source, &now, d.ID)
	case d.Outcome != workspace.OutcomeAdopted && approved && len(earlier) > 0 && earlier[0].Outcome == workspace.OutcomeAdopted:
		// Another meeting's item may approve the same minutes (the
		// carry-over adds one when a decision changed once the meeting was
		// carried over): while one of their adoptions stands, the minutes
		// stay approved, and sealed, since the time they were approved.
		standing, err := minutesAdoptionStands(ctx, tx, source.ID)
		if err != nil || standing {
			return err
		}
		if err := db.setMinutesApproved(ctx, tx, actor, source, nil, d.ID); err != nil {
			return err
		}
		approved = false
	}
	if approved {
		return nil
	}
	return db.followUpLateApproval(ctx, tx, actor, m, source, now)
}

// minutesAdoptionStands reports whether an adopted decision stands on an
// item of any meeting to approve the minutes of meeting sourceID.
func minutesAdoptionStands(ctx context.Context, tx *sqlx.Tx, sourceID int64) (bool, error) {
	var n int
	if err := tx.GetContext(ctx, &n, `
		SELECT COUNT(*) FROM decisions d JOIN agenda_items i ON i.id = d.agenda_item_id
		WHERE i.kind = ? AND i.source_meeting_id = ? AND d.outcome = ?`,
		workspace.ItemMinutesApproval, sourceID, workspace.OutcomeAdopted); err != nil {
		return false, fmt.Errorf("sqlite: approve minutes: %w", err)
	}
	return n > 0, nil
}

// followUpLateApproval puts the approval of source's minutes, which meeting
// m did not approve, on the agenda of the meeting m was carried over to,
// when m was carried over before its decision on them was recorded or
// changed: the minutes wait for the next meeting as m's own would. The
// meeting carried over to is the one followUpLateAction finds, and the
// item goes with the items the table added, before the secretariat's own
// (tableItemsFirst). Approved minutes get no item: the caller calls it
// only while they wait.
func (db *DB) followUpLateApproval(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, m, source *workspace.Meeting, now time.Time) error {
	if m.Status != workspace.MeetingClosed || !m.CarriedOver {
		return nil
	}
	targets, err := findMeetings(ctx, tx, `m.status <> ? AND m.id IN (SELECT meeting_id FROM agenda_items WHERE source_meeting_id = ?)`,
		[]any{workspace.MeetingClosed, m.ID}, "m.starts_at, m.id", 1, 0)
	if err != nil || len(targets) == 0 {
		return err
	}
	id, err := addMinutesApproval(ctx, tx, targets[0], source, now)
	if err != nil || id == 0 {
		return err
	}
	// With the items the table added, before the secretariat's own.
	if err := tableItemsFirst(ctx, tx, targets[0].ID); err != nil {
		return err
	}
	return db.recordAudit(ctx, tx, actor, workspace.AuditAgendaCarryOver, "meeting", targets[0].ID, nil,
		carryOverAudit{SourceMeetingID: m.ID, Actions: []int64{}, EarlierMinutes: []carriedMinutesAudit{{source.ID, id}}})
}

// setMinutesApproved sets (or, with at nil, clears) the time a meeting's
// minutes were approved, by the decision decisionID.
func (db *DB) setMinutesApproved(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, m *workspace.Meeting, at *time.Time, decisionID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE meetings SET minutes_approved_at = ? WHERE id = ?`, at, m.ID); err != nil {
		return fmt.Errorf("sqlite: approve minutes: %w", err)
	}
	return db.recordAudit(ctx, tx, actor, workspace.AuditMinutesApprove, "meeting", m.ID,
		minutesAudit{m.MinutesApprovedAt, decisionID}, minutesAudit{at, decisionID})
}

// AddAction validates a and adds it to its decision (CanManageMeetings),
// setting its ID, MeetingID, timestamps, Owner and MeetingTitle. A
// decision that does not exist, and an owner organisation that does not
// exist or is deactivated, are EINVALID. An action added after its
// meeting was carried over joins the matters arising of the meeting it
// was carried over to, while that one is not closed.
func (db *DB) AddAction(ctx context.Context, actor workspace.Actor, a *workspace.Action) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanManageMeetings(actor); err != nil {
			return err
		}
		decisions, err := findDecisions(ctx, tx.tx, "d.id = ?", a.DecisionID)
		if err != nil {
			return err
		} else if len(decisions) == 0 {
			return workspace.Invalid("decision_id", "error.action.decision_required", "Record the decision before its actions.")
		}
		if err := a.Validate(); err != nil {
			return err
		}
		owner, err := checkActionOwner(ctx, tx.tx, a.OwnerOrganisationID)
		if err != nil {
			return err
		}
		m, err := findMeetingByID(ctx, tx.tx, decisions[0].MeetingID)
		if err != nil {
			return err
		}
		if err := workspace.CheckMeetingNotCancelled(m); err != nil {
			return err
		}
		now := db.Now()
		a.MeetingID, a.CreatedAt, a.UpdatedAt, a.Owner, a.MeetingTitle = m.ID, now, now, owner, m.Title
		res, err := tx.tx.ExecContext(ctx, `
			INSERT INTO actions (decision_id, meeting_id, title, owner_organisation_id, due_date, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			a.DecisionID, a.MeetingID, a.Title, a.OwnerOrganisationID, a.DueDate, a.Status, a.CreatedAt, a.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlite: add action: %w", err)
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: add action: %w", err)
		}
		if err := db.recordAudit(ctx, tx.tx, actor, workspace.AuditActionCreate, "action", a.ID, nil, auditAction(a)); err != nil {
			return err
		}
		return db.followUpLateAction(ctx, tx.tx, actor, a, m, now)
	})
}

// UpdateAction validates a and stores it over the action with a.ID: the
// secretariat changes every field; a member of the owner organisation
// only the status (CanUpdateAction, on the stored owner), and passes the
// other fields as stored: a change to them is EFORBIDDEN. The decision,
// the meeting and the creation time are set from the stored action. An
// action reopened after its meeting was carried over joins the matters
// arising of the meeting it was carried over to, as in AddAction.
func (db *DB) UpdateAction(ctx context.Context, actor workspace.Actor, a *workspace.Action) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		before, err := findActionByID(ctx, tx.tx, a.ID)
		if err != nil {
			return err
		}
		if err := workspace.CanUpdateAction(actor, before); err != nil {
			return err
		}
		if err := a.Validate(); err != nil {
			return err
		}
		if !actor.Reaches(workspace.AccessStaff) &&
			(a.Title != before.Title || a.DueDate != before.DueDate || a.OwnerOrganisationID != before.OwnerOrganisationID) {
			return &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.action.status_only", Message: "You may change only the status of the action."}
		}
		a.Owner = before.Owner
		if a.OwnerOrganisationID != before.OwnerOrganisationID {
			if a.Owner, err = checkActionOwner(ctx, tx.tx, a.OwnerOrganisationID); err != nil {
				return err
			}
		}
		a.DecisionID, a.MeetingID, a.MeetingTitle, a.CreatedAt, a.UpdatedAt = before.DecisionID, before.MeetingID, before.MeetingTitle, before.CreatedAt, db.Now()
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE actions SET title = ?, owner_organisation_id = ?, due_date = ?, status = ?, updated_at = ? WHERE id = ?`,
			a.Title, a.OwnerOrganisationID, a.DueDate, a.Status, a.UpdatedAt, a.ID); err != nil {
			return fmt.Errorf("sqlite: update action: %w", err)
		}
		if err := db.recordAudit(ctx, tx.tx, actor, workspace.AuditActionUpdate, "action", a.ID, auditAction(before), auditAction(a)); err != nil {
			return err
		}
		if !before.Status.Pending() && a.Status.Pending() {
			m, err := findMeetingByID(ctx, tx.tx, a.MeetingID)
			if err != nil {
				return err
			}
			if err := db.followUpLateAction(ctx, tx.tx, actor, a, m, a.UpdatedAt); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkActionOwner returns the organisation id, which must exist and be
// active to own an action.
func checkActionOwner(ctx context.Context, tx *sqlx.Tx, id int64) (*workspace.Organisation, error) {
	org, err := findOrganisationByID(ctx, tx, id)
	if workspace.ErrorCode(err) == workspace.ENOTFOUND {
		return nil, workspace.Invalid("owner_organisation_id", "error.action.owner_required", "Choose the organisation that owns the action.")
	} else if err != nil {
		return nil, err
	}
	if !org.Active {
		return nil, workspace.Invalid("owner_organisation_id", "error.action.owner_inactive", "This organisation has been deactivated.")
	}
	return org, nil
}

// ActionFilter selects actions; zero fields select every action.
type ActionFilter struct {
	OrganisationID int64
	MeetingID      int64
	// Pending keeps the actions open or in progress.
	Pending bool
	// Status, when set, keeps the actions with that status.
	Status workspace.ActionStatus
	// OverdueOn, a day "YYYY-MM-DD", keeps the pending actions due before
	// it.
	OverdueOn string
	// Limit defaults to 50 and is at most 200.
	Limit, Offset int
}

// FindActions returns the actions filter selects, soonest due first, with
// their owner organisations and meeting titles, and how many it selects
// in all. An OverdueOn that is not a day is EINVALID.
func (db *DB) FindActions(ctx context.Context, filter ActionFilter) ([]*workspace.Action, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if filter.OrganisationID != 0 {
		where, args = append(where, "x.owner_organisation_id = ?"), append(args, filter.OrganisationID)
	}
	if filter.MeetingID != 0 {
		where, args = append(where, "x.meeting_id = ?"), append(args, filter.MeetingID)
	}
	if filter.Pending || filter.OverdueOn != "" {
		where, args = append(where, "x.status IN (?, ?)"), append(args, workspace.ActionOpen, workspace.ActionInProgress)
	}
	if filter.Status != "" {
		if !filter.Status.Valid() {
			return nil, 0, workspace.Invalid("status", "error.action.status_invalid", "Choose a status.")
		}
		where, args = append(where, "x.status = ?"), append(args, filter.Status)
	}
	if filter.OverdueOn != "" {
		if _, err := time.Parse(workspace.DateLayout, filter.OverdueOn); err != nil {
			return nil, 0, workspace.Invalid("overdue", "error.action.due_date_invalid", "Give the due date as a day (YYYY-MM-DD).")
		}
		where, args = append(where, "x.due_date < ?"), append(args, filter.OverdueOn)
	}
	cond := strings.Join(where, " AND ")

	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: find actions: %w", err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.GetContext(ctx, &total, `SELECT COUNT(*) FROM actions x WHERE `+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("sqlite: count actions: %w", err)
	}
	actions, err := findActions(ctx, tx, cond, args, pageLimit(filter.Limit), max(filter.Offset, 0))
	if err != nil {
		return nil, 0, err
	}
	return actions, total, nil
}

// FindActionByID returns the action with id, with its owner organisation
// and meeting title, or ENOTFOUND.
func (db *DB) FindActionByID(ctx context.Context, id int64) (*workspace.Action, error) {
	return findActionByID(ctx, db.read, id)
}

func findActionByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.Action, error) {
	actions, err := findActions(ctx, q, "x.id = ?", []any{id}, 1, 0)
	if err != nil {
		return nil, err
	} else if len(actions) == 0 {
		return nil, notFound("Action")
	}
	return actions[0], nil
}

// findActions selects actions, with their owners and meeting titles, by a
// condition written in this package, soonest due first; limit -1 reads
// them all.
func findActions(ctx context.Context, q sqlx.QueryerContext, cond string, args []any, limit, offset int) ([]*workspace.Action, error) {
	actions, err := queryRows(ctx, q, actionWithOwnerFields, `
		SELECT `+actionWithOwnerColumns+` FROM actions x `+actionWithOwnerJoins+`
		WHERE `+cond+` ORDER BY x.due_date, x.id LIMIT ? OFFSET ?`, append(append([]any{}, args...), limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find actions: %w", err)
	}
	return actions, nil
}

// findDecisions selects decisions by a condition written in this package,
// in the order of their items.
func findDecisions(ctx context.Context, q sqlx.QueryerContext, cond string, args ...any) ([]*workspace.Decision, error) {
	decisions, err := queryRows(ctx, q, decisionFields, `
		SELECT `+decisionColumns+` FROM decisions d WHERE `+cond+` ORDER BY d.agenda_item_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find decisions: %w", err)
	}
	return decisions, nil
}

// carryOver puts on target's agenda, for each closed meeting of sources in
// turn, an item to approve the minutes of each earlier meeting that it had
// to approve and did not (its decision postponed or rejected, or none),
// an item to approve its own minutes (unless they are approved), and one
// matters-arising item following up its pending actions — those of its
// own decisions and those its own matters-arising items followed up —
// and marks it carried over. Minutes wait for approval on one item only,
// however many sources bring them, and an action is followed up once. The
// items the table adds come first on the agenda, as a table opens its
// meetings: the minutes of the last ones, then what it decided to do.
func (db *DB) carryOver(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, target *workspace.Meeting, sources []*workspace.Meeting, now time.Time) error {
	if len(sources) == 0 {
		return nil
	}
	seen := map[int64]bool{}
	for _, src := range sources {
		done := carryOverAudit{SourceMeetingID: src.ID, Actions: []int64{}}
		waiting, err := findMeetings(ctx, tx, `m.minutes_document_id IS NOT NULL AND m.minutes_approved_at IS NULL AND m.id <> ? AND m.id IN (
			SELECT source_meeting_id FROM agenda_items WHERE meeting_id = ? AND kind = ?)`,
			[]any{target.ID, src.ID, workspace.ItemMinutesApproval}, "m.starts_at, m.id", -1, 0)
		if err != nil {
			return err
		}
		for _, earlier := range waiting {
			id, err := addMinutesApproval(ctx, tx, target, earlier, now)
			if err != nil {
				return err
			} else if id != 0 {
				done.EarlierMinutes = append(done.EarlierMinutes, carriedMinutesAudit{earlier.ID, id})
			}
		}
		if src.MinutesDocumentID != nil && src.MinutesApprovedAt == nil {
			id, err := addMinutesApproval(ctx, tx, target, src, now)
			if err != nil {
				return err
			} else if id != 0 {
				done.MinutesItemID = &id
			}
		}
		pending, err := findActions(ctx, tx, `x.status IN (?, ?) AND (x.meeting_id = ? OR x.id IN (
			SELECT aia.action_id FROM agenda_item_actions aia JOIN agenda_items ai ON ai.id = aia.agenda_item_id
			WHERE ai.meeting_id = ? AND ai.kind = ?))`,
			[]any{workspace.ActionOpen, workspace.ActionInProgress, src.ID, src.ID, workspace.ItemMattersArising}, -1, 0)
		if err != nil {
			return err
		}
		for _, a := range pending {
			if !seen[a.ID] {
				seen[a.ID] = true
				done.Actions = append(done.Actions, a.ID)
			}
		}
		if len(done.Actions) > 0 {
			it := &workspace.AgendaItem{MeetingID: target.ID, Kind: workspace.ItemMattersArising, SourceMeetingID: &src.ID}
			if err := insertAgendaItem(ctx, tx, it, now); err != nil {
				return err
			}
			done.MattersArisingID = &it.ID
			for _, id := range done.Actions {
				if _, err := tx.ExecContext(ctx, `INSERT INTO agenda_item_actions (agenda_item_id, action_id) VALUES (?, ?)`, it.ID, id); err != nil {
					return fmt.Errorf("sqlite: carry over actions: %w", err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE meetings SET carried_over = TRUE WHERE id = ?`, src.ID); err != nil {
			return fmt.Errorf("sqlite: carry over: %w", err)
		}
		src.CarriedOver = true
		if err := db.recordAudit(ctx, tx, actor, workspace.AuditAgendaCarryOver, "meeting", target.ID, nil, done); err != nil {
			return err
		}
	}
	return tableItemsFirst(ctx, tx, target.ID)
}

// addMinutesApproval adds to target's agenda an item to approve source's
// minutes and returns its id, or 0 when target's agenda already has one.
func addMinutesApproval(ctx context.Context, tx *sqlx.Tx, target, source *workspace.Meeting, now time.Time) (int64, error) {
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM agenda_items WHERE meeting_id = ? AND kind = ? AND source_meeting_id = ?`,
		target.ID, workspace.ItemMinutesApproval, source.ID); err != nil {
		return 0, fmt.Errorf("sqlite: carry over minutes: %w", err)
	} else if n > 0 {
		return 0, nil
	}
	it := &workspace.AgendaItem{MeetingID: target.ID, Kind: workspace.ItemMinutesApproval, SourceMeetingID: &source.ID}
	if err := insertAgendaItem(ctx, tx, it, now); err != nil {
		return 0, err
	}
	return it.ID, nil
}

// tableItemsFirst renumbers a meeting's agenda so that the items the
// table added (minutes to approve, matters arising) come before the
// secretariat's own, each group keeping its order.
func tableItemsFirst(ctx context.Context, tx *sqlx.Tx, meetingID int64) error {
	ids := []int64{}
	if err := tx.SelectContext(ctx, &ids, `SELECT id FROM agenda_items WHERE meeting_id = ? ORDER BY kind = ?, position`,
		meetingID, workspace.ItemOrdinary); err != nil {
		return fmt.Errorf("sqlite: order agenda: %w", err)
	}
	return renumberAgenda(ctx, tx, meetingID, ids)
}

// followUpLateAction puts the pending action a of meeting m on the matters
// arising of the meeting m was carried over to, when m was carried over
// before a was added or reopened, so that no pending action misses the
// next meeting: the secretariat often records actions once the meeting
// is over. The meeting carried over to is the earliest one not closed
// that holds an item from m; if every such meeting is closed, the action
// is followed up through the actions pages only. A matters-arising item
// added for it goes with the other items the table added, before the
// secretariat's own, as the carry-over puts them (tableItemsFirst).
func (db *DB) followUpLateAction(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, a *workspace.Action, m *workspace.Meeting, now time.Time) error {
	if !a.Status.Pending() || m.Status != workspace.MeetingClosed || !m.CarriedOver {
		return nil
	}
	targets, err := findMeetings(ctx, tx, `m.status <> ? AND m.id IN (SELECT meeting_id FROM agenda_items WHERE source_meeting_id = ?)`,
		[]any{workspace.MeetingClosed, m.ID}, "m.starts_at, m.id", 1, 0)
	if err != nil || len(targets) == 0 {
		return err
	}
	items, err := queryRows(ctx, tx, agendaItemFields, `
		SELECT `+agendaItemColumns+` FROM `+agendaItemFrom+`
		WHERE i.meeting_id = ? AND i.kind = ? AND i.source_meeting_id = ? ORDER BY i.position LIMIT 1`,
		targets[0].ID, workspace.ItemMattersArising, m.ID)
	if err != nil {
		return fmt.Errorf("sqlite: follow up action: %w", err)
	}
	var item *workspace.AgendaItem
	if len(items) > 0 {
		item = items[0]
	} else {
		item = &workspace.AgendaItem{MeetingID: targets[0].ID, Kind: workspace.ItemMattersArising, SourceMeetingID: &m.ID}
		if err := insertAgendaItem(ctx, tx, item, now); err != nil {
			return err
		}
		// With the items the table added, before the secretariat's own.
		if err := tableItemsFirst(ctx, tx, targets[0].ID); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO agenda_item_actions (agenda_item_id, action_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, item.ID, a.ID)
	if err != nil {
		return fmt.Errorf("sqlite: follow up action: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return db.recordAudit(ctx, tx, actor, workspace.AuditAgendaCarryOver, "meeting", targets[0].ID, nil,
		carryOverAudit{SourceMeetingID: m.ID, MattersArisingID: &item.ID, Actions: []int64{a.ID}})
}
