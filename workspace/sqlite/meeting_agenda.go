package sqlite

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// agendaItemColumns are the columns of an agenda item (i) that
// agendaItemFields scans into, in the same order, with the title of its
// source meeting (sm, joined LEFT: most items have none).
const agendaItemColumns = `i.id, i.meeting_id, i.position, i.kind, i.title, i.description, i.duration_minutes,
	i.presenter_account_id, i.presenter_organisation_id, i.source_meeting_id, i.spent_seconds, i.created_at, i.updated_at,
	COALESCE(sm.title, '')`

// agendaItemFrom is the FROM clause agendaItemColumns read.
const agendaItemFrom = `agenda_items i LEFT JOIN meetings sm ON sm.id = i.source_meeting_id`

// agendaItemFields returns the fields of it that agendaItemColumns are
// scanned into, in order.
func agendaItemFields(it *workspace.AgendaItem) []any {
	return []any{&it.ID, &it.MeetingID, &it.Position, &it.Kind, &it.Title, &it.Description, &it.DurationMinutes,
		&it.PresenterAccountID, &it.PresenterOrganisationID, &it.SourceMeetingID, &it.SpentSeconds, &it.CreatedAt, &it.UpdatedAt,
		&it.SourceMeetingTitle}
}

// agendaItemAudit is the part of an agenda item the audit log keeps.
type agendaItemAudit struct {
	MeetingID               int64   `json:"meeting_id"`
	Position                int     `json:"position"`
	Kind                    string  `json:"kind"`
	Title                   string  `json:"title,omitempty"`
	Description             string  `json:"description,omitempty"`
	DurationMinutes         int     `json:"duration_minutes"`
	PresenterAccountID      *int64  `json:"presenter_account_id,omitempty"`
	PresenterOrganisationID *int64  `json:"presenter_organisation_id,omitempty"`
	SourceMeetingID         *int64  `json:"source_meeting_id,omitempty"`
	Procedures              []int64 `json:"procedures"`
}

func auditAgendaItem(it *workspace.AgendaItem, procedureIDs []int64) agendaItemAudit {
	return agendaItemAudit{it.MeetingID, it.Position, string(it.Kind), it.Title, it.Description, it.DurationMinutes,
		it.PresenterAccountID, it.PresenterOrganisationID, it.SourceMeetingID, nonNil(procedureIDs)}
}

// agendaOrderAudit is the order of a meeting's agenda, as the audit log
// keeps it.
type agendaOrderAudit struct {
	Items []int64 `json:"items"`
}

// AddAgendaItem validates it and appends it to its meeting's agenda, linked
// to procedureIDs (CanChangeMeeting), setting its ID, Kind, Position and
// timestamps. Only ordinary items are added this way; an unknown
// presenter or procedure is EINVALID.
func (db *DB) AddAgendaItem(ctx context.Context, actor workspace.Actor, it *workspace.AgendaItem, procedureIDs []int64) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if _, err := findMeetingToChange(ctx, tx.tx, actor, it.MeetingID); err != nil {
			return err
		}
		if err := it.Validate(); err != nil {
			return err
		}
		if err := checkPresenter(ctx, tx.tx, it); err != nil {
			return err
		}
		procs, err := checkProcedures(ctx, tx.tx, procedureIDs)
		if err != nil {
			return err
		}
		it.SourceMeetingID, it.SpentSeconds = nil, 0
		if err := insertAgendaItem(ctx, tx.tx, it, db.Now()); err != nil {
			return err
		}
		if err := setItemProcedures(ctx, tx.tx, it.ID, procs); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditAgendaAdd, "agenda_item", it.ID, nil, auditAgendaItem(it, procs))
	})
}

// UpdateAgendaItem validates it and stores its title, description,
// duration, presenter and procedure links over the item with it.ID
// (CanChangeMeeting on the item's meeting). Items the table added itself
// (minutes approval, matters arising) keep their kind and empty title;
// only their duration, presenter, description and links change. The
// item's meeting, position and kind are set from the stored item.
func (db *DB) UpdateAgendaItem(ctx context.Context, actor workspace.Actor, it *workspace.AgendaItem, procedureIDs []int64) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		before, err := findAgendaItemByID(ctx, tx.tx, it.ID)
		if err != nil {
			return err
		}
		if _, err := findMeetingToChange(ctx, tx.tx, actor, before.MeetingID); err != nil {
			return err
		}
		if before.Kind == workspace.ItemOrdinary {
			if it.Kind != "" && it.Kind != workspace.ItemOrdinary {
				return workspace.Invalid("kind", "error.agenda.kind_invalid", "This kind of agenda item is added by the table itself.")
			}
			it.Kind = workspace.ItemOrdinary
			if err := it.Validate(); err != nil {
				return err
			}
		} else {
			// The form's checks of description and duration, on a copy that
			// passes for an ordinary item: the title stays empty.
			probe := *it
			probe.Kind, probe.Title = workspace.ItemOrdinary, "-"
			if err := probe.Validate(); err != nil {
				return err
			}
			it.Kind, it.Title, it.Description = before.Kind, "", probe.Description
		}
		if err := checkPresenter(ctx, tx.tx, it); err != nil {
			return err
		}
		procs, err := checkProcedures(ctx, tx.tx, procedureIDs)
		if err != nil {
			return err
		}
		beforeProcs, err := itemProcedureIDs(ctx, tx.tx, it.ID)
		if err != nil {
			return err
		}
		it.MeetingID, it.Position, it.SourceMeetingID, it.SpentSeconds = before.MeetingID, before.Position, before.SourceMeetingID, before.SpentSeconds
		it.SourceMeetingTitle, it.CreatedAt, it.UpdatedAt = before.SourceMeetingTitle, before.CreatedAt, db.Now()
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE agenda_items SET title = ?, description = ?, duration_minutes = ?, presenter_account_id = ?, presenter_organisation_id = ?, updated_at = ?
			WHERE id = ?`,
			it.Title, it.Description, it.DurationMinutes, it.PresenterAccountID, it.PresenterOrganisationID, it.UpdatedAt, it.ID); err != nil {
			return fmt.Errorf("sqlite: update agenda item: %w", err)
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM agenda_item_procedures WHERE agenda_item_id = ?`, it.ID); err != nil {
			return fmt.Errorf("sqlite: update agenda item: %w", err)
		}
		if err := setItemProcedures(ctx, tx.tx, it.ID, procs); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditAgendaUpdate, "agenda_item", it.ID,
			auditAgendaItem(before, beforeProcs), auditAgendaItem(it, procs))
	})
}

// DeleteAgendaItem removes an item that has no decision nor poll and is
// not the current one (else ECONFLICT), with its links to procedures and actions,
// and renumbers the rest (CanChangeMeeting). The items the table adds
// itself (minutes to approve, matters arising) are not removed but decided
// on, postponed say (ECONFLICT), so that what they follow up is never
// dropped. The issues linked to the item are unlinked from it, each with
// its unlink event and audit entry, which it returns for the caller to
// publish once committed, as for an unlink from the issue. Requests for
// the floor made during the item are kept, no longer tied to an item.
func (db *DB) DeleteAgendaItem(ctx context.Context, actor workspace.Actor, id int64) ([]*IssueChange, error) {
	var changes []*IssueChange
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		changes = nil
		it, err := findAgendaItemByID(ctx, tx.tx, id)
		if err != nil {
			return err
		}
		m, err := findMeetingToChange(ctx, tx.tx, actor, it.MeetingID)
		if err != nil {
			return err
		}
		if it.Kind != workspace.ItemOrdinary {
			return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.agenda.item_added_by_table",
				Message: "The table adds this item itself, and it is decided on — postponed, say — rather than removed."}
		}
		if m.CurrentItemID != nil && *m.CurrentItemID == id {
			return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.agenda.item_current", Message: "The item under discussion cannot be removed."}
		}
		var decisions int
		if err := tx.tx.GetContext(ctx, &decisions, `SELECT COUNT(*) FROM decisions WHERE agenda_item_id = ?`, id); err != nil {
			return fmt.Errorf("sqlite: delete agenda item: %w", err)
		}
		if decisions > 0 {
			return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.agenda.item_has_decision", Message: "An item with a decision cannot be removed."}
		}
		var polls int
		if err := tx.tx.GetContext(ctx, &polls, `SELECT COUNT(*) FROM polls WHERE agenda_item_id = ?`, id); err != nil {
			return fmt.Errorf("sqlite: delete agenda item: %w", err)
		}
		if polls > 0 {
			return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.agenda.item_has_poll", Message: "An item put to a vote cannot be removed."}
		}
		procs, err := itemProcedureIDs(ctx, tx.tx, id)
		if err != nil {
			return err
		}
		// Before the item goes, so that each unlink event names it.
		links, err := findIssueLinks(ctx, tx.tx, "l.target_kind = ? AND l.target_id = ?", workspace.LinkAgendaItem, id)
		if err != nil {
			return err
		}
		for _, l := range links {
			change, err := tx.unlinkIssue(ctx, actor, l)
			if err != nil {
				return err
			}
			changes = append(changes, change)
		}
		for _, stmt := range []string{
			`DELETE FROM agenda_item_procedures WHERE agenda_item_id = ?`,
			`DELETE FROM agenda_item_actions WHERE agenda_item_id = ?`,
			`UPDATE meeting_speakers SET agenda_item_id = NULL WHERE agenda_item_id = ?`,
			`DELETE FROM agenda_items WHERE id = ?`,
		} {
			if _, err := tx.tx.ExecContext(ctx, stmt, id); err != nil {
				return fmt.Errorf("sqlite: delete agenda item: %w", err)
			}
		}
		order, err := agendaOrder(ctx, tx.tx, m.ID)
		if err != nil {
			return err
		}
		if err := renumberAgenda(ctx, tx.tx, m.ID, order); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditAgendaDelete, "agenda_item", id, auditAgendaItem(it, procs), nil)
	})
	if err != nil {
		return nil, err
	}
	return changes, nil
}

// ReorderAgenda puts the meeting's items in the order of itemIDs, which
// must list each of its items exactly once, else EINVALID
// (CanChangeMeeting). The order it already has changes nothing.
func (db *DB) ReorderAgenda(ctx context.Context, actor workspace.Actor, meetingID int64, itemIDs []int64) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if _, err := findMeetingToChange(ctx, tx.tx, actor, meetingID); err != nil {
			return err
		}
		before, err := agendaOrder(ctx, tx.tx, meetingID)
		if err != nil {
			return err
		}
		if len(itemIDs) != len(before) || !slices.Equal(uniqueIDs(itemIDs), uniqueIDs(before)) {
			return workspace.Invalid("items", "error.agenda.reorder_invalid", "List each item of the agenda once.")
		}
		if slices.Equal(itemIDs, before) {
			return nil
		}
		if err := renumberAgenda(ctx, tx.tx, meetingID, itemIDs); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditAgendaReorder, "meeting", meetingID,
			agendaOrderAudit{before}, agendaOrderAudit{slices.Clone(itemIDs)})
	})
}

// insertAgendaItem stores it at the end of its meeting's agenda, setting
// its ID, Position and timestamps.
func insertAgendaItem(ctx context.Context, tx *sqlx.Tx, it *workspace.AgendaItem, now time.Time) error {
	if err := tx.GetContext(ctx, &it.Position, `SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = ?`, it.MeetingID); err != nil {
		return fmt.Errorf("sqlite: add agenda item: %w", err)
	}
	it.CreatedAt, it.UpdatedAt = now, now
	res, err := tx.ExecContext(ctx, `
		INSERT INTO agenda_items (meeting_id, position, kind, title, description, duration_minutes, presenter_account_id, presenter_organisation_id,
			source_meeting_id, spent_seconds, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.MeetingID, it.Position, it.Kind, it.Title, it.Description, it.DurationMinutes, it.PresenterAccountID, it.PresenterOrganisationID,
		it.SourceMeetingID, it.SpentSeconds, it.CreatedAt, it.UpdatedAt)
	if err != nil {
		return fmt.Errorf("sqlite: add agenda item: %w", err)
	}
	if it.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("sqlite: add agenda item: %w", err)
	}
	return nil
}

// agendaOrder returns the ids of a meeting's items in their order.
func agendaOrder(ctx context.Context, tx *sqlx.Tx, meetingID int64) ([]int64, error) {
	ids := []int64{}
	if err := tx.SelectContext(ctx, &ids, `SELECT id FROM agenda_items WHERE meeting_id = ? ORDER BY position`, meetingID); err != nil {
		return nil, fmt.Errorf("sqlite: read agenda order: %w", err)
	}
	return ids, nil
}

// renumberAgenda gives the items ids (every item of the meeting) the
// positions 1, 2, … in that order. SQLite checks UNIQUE (meeting_id,
// position) row by row, so the items first move to negative positions,
// which no item holds, and only then to their new ones.
func renumberAgenda(ctx context.Context, tx *sqlx.Tx, meetingID int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET position = -position WHERE meeting_id = ?`, meetingID); err != nil {
		return fmt.Errorf("sqlite: renumber agenda: %w", err)
	}
	for i, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET position = ? WHERE id = ? AND meeting_id = ?`, i+1, id, meetingID); err != nil {
			return fmt.Errorf("sqlite: renumber agenda: %w", err)
		}
	}
	return nil
}

// checkPresenter refuses a presenter account or organisation that does
// not exist.
func checkPresenter(ctx context.Context, tx *sqlx.Tx, it *workspace.AgendaItem) error {
	if it.PresenterAccountID != nil {
		if _, err := findAccountByID(ctx, tx, *it.PresenterAccountID); workspace.ErrorCode(err) == workspace.ENOTFOUND {
			return workspace.Invalid("presenter_account_id", "error.agenda.presenter_invalid", "Choose the presenter from the list.")
		} else if err != nil {
			return err
		}
	}
	if it.PresenterOrganisationID != nil {
		if _, err := findOrganisationByID(ctx, tx, *it.PresenterOrganisationID); workspace.ErrorCode(err) == workspace.ENOTFOUND {
			return workspace.Invalid("presenter_organisation_id", "error.agenda.presenter_invalid", "Choose the presenter from the list.")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// checkProcedures returns ids sorted and without repeats, once each names
// a procedure.
func checkProcedures(ctx context.Context, tx *sqlx.Tx, ids []int64) ([]int64, error) {
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return ids, nil
	}
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM procedures WHERE id IN (`+placeholders(len(ids))+`)`, int64Args(ids)...); err != nil {
		return nil, fmt.Errorf("sqlite: check procedures: %w", err)
	}
	if n != len(ids) {
		return nil, workspace.Invalid("procedures", "error.agenda.procedure_invalid", "Choose procedures from the list.")
	}
	return ids, nil
}

// setItemProcedures links an item to the procedures ids.
func setItemProcedures(ctx context.Context, tx *sqlx.Tx, itemID int64, ids []int64) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agenda_item_procedures (agenda_item_id, procedure_id) VALUES (?, ?)`, itemID, id); err != nil {
			return fmt.Errorf("sqlite: link agenda item to procedure: %w", err)
		}
	}
	return nil
}

// itemProcedureIDs returns the procedures an item links to.
func itemProcedureIDs(ctx context.Context, tx *sqlx.Tx, itemID int64) ([]int64, error) {
	ids := []int64{}
	if err := tx.SelectContext(ctx, &ids, `SELECT procedure_id FROM agenda_item_procedures WHERE agenda_item_id = ? ORDER BY procedure_id`, itemID); err != nil {
		return nil, fmt.Errorf("sqlite: read agenda item procedures: %w", err)
	}
	return ids, nil
}

func findAgendaItemByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.AgendaItem, error) {
	items, err := queryRows(ctx, q, agendaItemFields, `SELECT `+agendaItemColumns+` FROM `+agendaItemFrom+` WHERE i.id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find agenda item: %w", err)
	} else if len(items) == 0 {
		return nil, notFound("Agenda item")
	}
	return items[0], nil
}

// itemProcedure is a procedure an agenda item links to, as one row of the
// links of a whole agenda.
type itemProcedure struct {
	itemID    int64
	procedure workspace.Procedure
}

func itemProcedureFields(x *itemProcedure) []any {
	return append([]any{&x.itemID}, procedureFields(&x.procedure)...)
}

// itemAction is an action a matters-arising item follows up, as one row of
// the links of a whole agenda.
type itemAction struct {
	itemID int64
	action workspace.Action
}

func itemActionFields(x *itemAction) []any {
	return append([]any{&x.itemID}, actionWithOwnerFields(&x.action)...)
}

// findAgenda returns a meeting's items in order, each with its presenter,
// procedures, decision (with its actions) and the actions it follows up:
// one query for the items and one for each of these, however long the
// agenda.
func findAgenda(ctx context.Context, tx *sqlx.Tx, meetingID int64) ([]*workspace.AgendaItem, error) {
	items, err := queryRows(ctx, tx, agendaItemFields, `
		SELECT `+agendaItemColumns+` FROM `+agendaItemFrom+` WHERE i.meeting_id = ? ORDER BY i.position`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find agenda: %w", err)
	}
	if len(items) == 0 {
		return items, nil
	}
	byID := make(map[int64]*workspace.AgendaItem, len(items))
	for _, it := range items {
		it.Procedures, it.Actions = []*workspace.Procedure{}, []*workspace.Action{}
		byID[it.ID] = it
	}

	presenters, err := queryRows(ctx, tx, accountWithOrganisationFields, `
		SELECT `+accountShownColumns+`, `+prefixed("o", organisationColumns)+`
		FROM accounts a JOIN organisations o ON o.id = a.organisation_id
		WHERE a.id IN (SELECT presenter_account_id FROM agenda_items WHERE meeting_id = ?)`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find agenda presenters: %w", err)
	}
	orgs, err := queryRows(ctx, tx, organisationFields, `
		SELECT `+organisationColumns+` FROM organisations
		WHERE id IN (SELECT presenter_organisation_id FROM agenda_items WHERE meeting_id = ?)`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find agenda presenters: %w", err)
	}
	accountByID := make(map[int64]*workspace.Account, len(presenters))
	for _, a := range presenters {
		accountByID[a.ID] = a
	}
	orgByID := make(map[int64]*workspace.Organisation, len(orgs))
	for _, o := range orgs {
		orgByID[o.ID] = o
	}
	for _, it := range items {
		if it.PresenterAccountID != nil {
			it.PresenterAccount = accountByID[*it.PresenterAccountID]
		}
		if it.PresenterOrganisationID != nil {
			it.PresenterOrganisation = orgByID[*it.PresenterOrganisationID]
		}
	}

	procs, err := queryRows(ctx, tx, itemProcedureFields, `
		SELECT aip.agenda_item_id, `+procedureColumns+`
		FROM agenda_item_procedures aip JOIN procedures p ON p.id = aip.procedure_id JOIN documents d ON d.id = p.document_id
		WHERE aip.agenda_item_id IN (SELECT id FROM agenda_items WHERE meeting_id = ?)
		ORDER BY p.title, p.id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find agenda procedures: %w", err)
	}
	for _, x := range procs {
		it := byID[x.itemID]
		it.Procedures = append(it.Procedures, &x.procedure)
	}

	decisions, err := findDecisions(ctx, tx, "d.meeting_id = ?", meetingID)
	if err != nil {
		return nil, err
	}
	actions, err := findActions(ctx, tx, "x.meeting_id = ?", []any{meetingID}, -1, 0)
	if err != nil {
		return nil, err
	}
	decisionByID := make(map[int64]*workspace.Decision, len(decisions))
	for _, d := range decisions {
		d.Actions = []*workspace.Action{}
		decisionByID[d.ID] = d
		if it := byID[d.AgendaItemID]; it != nil {
			it.Decision = d
		}
	}
	for _, a := range actions {
		if d := decisionByID[a.DecisionID]; d != nil {
			d.Actions = append(d.Actions, a)
		}
	}

	followed, err := queryRows(ctx, tx, itemActionFields, `
		SELECT aia.agenda_item_id, `+actionWithOwnerColumns+`
		FROM agenda_item_actions aia JOIN actions x ON x.id = aia.action_id `+actionWithOwnerJoins+`
		WHERE aia.agenda_item_id IN (SELECT id FROM agenda_items WHERE meeting_id = ?)
		ORDER BY x.due_date, x.id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find matters arising: %w", err)
	}
	for _, x := range followed {
		it := byID[x.itemID]
		it.Actions = append(it.Actions, &x.action)
	}
	return items, nil
}
