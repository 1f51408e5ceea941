package sqlite

// Cancelling a planned meeting, and handing on what the table had put on
// its agenda. A cancelled meeting keeps its page, its own agenda items and
// their issue links as a record; the items the table added to it — the
// minutes of earlier meetings to approve, the matters arising from their
// actions — go to the next planned meeting, as they would have gone had
// the earlier meeting closed then: the earliest planned meeting of the same
// kind that starts after the meeting they come from. When none is planned,
// they wait on the cancelled meeting and move to the next one created
// (CreateMeeting). A cancelled meeting is never planned again: planning it
// anew is creating a meeting.

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// CancelMeeting cancels the planned meeting id (CanCancelMeeting: a live,
// closed or cancelled meeting is ECONFLICT), for reason
// (workspace.CheckCancelReason: required, EINVALID on "reason"), while no
// poll of the meeting is open (ECONFLICT error.meeting.cancel_poll_open:
// ballots are never dropped silently). In the same transaction the items
// the table added to its agenda are handed on to the next planned meeting
// (handOnTableItems), each with an audit entry, and the cancellation is
// audited. It returns the meeting as cancelled.
func (db *DB) CancelMeeting(ctx context.Context, actor workspace.Actor, id int64, reason string) (*workspace.Meeting, error) {
	var cancelled *workspace.Meeting
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		m, err := findMeetingByID(ctx, tx.tx, id)
		if err != nil {
			return err
		}
		if err := workspace.CanCancelMeeting(actor, m); err != nil {
			return err
		}
		if reason, err = workspace.CheckCancelReason(reason); err != nil {
			return err
		}
		var open int
		if err := tx.tx.GetContext(ctx, &open, `SELECT COUNT(*) FROM polls WHERE meeting_id = ? AND status = ?`, m.ID, workspace.PollOpen); err != nil {
			return fmt.Errorf("sqlite: cancel meeting: %w", err)
		} else if open > 0 {
			return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.meeting.cancel_poll_open",
				Message: "A vote is open on this meeting: close it before cancelling the meeting."}
		}
		before := auditMeeting(m)
		now := tx.now
		m.Status, m.CancelledAt, m.CancelledBy, m.CancelReason, m.UpdatedAt = workspace.MeetingCancelled, &now, actor.AccountID, reason, now
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE meetings SET status = ?, cancelled_at = ?, cancelled_by = ?, cancel_reason = ?, updated_at = ? WHERE id = ?`,
			m.Status, m.CancelledAt, m.CancelledBy, m.CancelReason, m.UpdatedAt, m.ID); err != nil {
			return fmt.Errorf("sqlite: cancel meeting: %w", err)
		}
		if err := db.recordAudit(ctx, tx.tx, actor, workspace.AuditMeetingCancel, "meeting", m.ID, before, auditMeeting(m)); err != nil {
			return err
		}
		if err := db.handOnTableItems(ctx, tx.tx, actor, m, now); err != nil {
			return err
		}
		cancelled = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return cancelled, nil
}

// handOnTableItems moves each item the table added to the cancelled
// meeting m's agenda to the earliest planned meeting of m's kind that
// starts after the item's source meeting, leaving the items with no such
// meeting to wait on m, and renumbers m's agenda.
func (db *DB) handOnTableItems(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, m *workspace.Meeting, now time.Time) error {
	items, err := queryRows(ctx, tx, agendaItemFields, `
		SELECT `+agendaItemColumns+` FROM `+agendaItemFrom+`
		WHERE i.meeting_id = ? AND i.kind <> ? AND i.source_meeting_id IS NOT NULL ORDER BY i.position`,
		m.ID, workspace.ItemOrdinary)
	if err != nil {
		return fmt.Errorf("sqlite: hand on agenda: %w", err)
	}
	targets := map[int64]*workspace.Meeting{}
	for _, it := range items {
		next, err := findMeetings(ctx, tx, `m.kind = ? AND m.status = ? AND m.id <> ?
			AND m.starts_at > (SELECT s.starts_at FROM meetings s WHERE s.id = ?)`,
			[]any{m.Kind, workspace.MeetingPlanned, m.ID, *it.SourceMeetingID}, "m.starts_at, m.id", 1, 0)
		if err != nil {
			return err
		}
		if len(next) == 0 {
			continue
		}
		if err := db.moveTableItem(ctx, tx, actor, it, m, next[0], now); err != nil {
			return err
		}
		targets[next[0].ID] = next[0]
	}
	for id := range targets {
		if err := tableItemsFirst(ctx, tx, id); err != nil {
			return err
		}
	}
	ids, err := agendaOrder(ctx, tx, m.ID)
	if err != nil {
		return err
	}
	return renumberAgenda(ctx, tx, m.ID, ids)
}

// takeWaitingItems moves to the new planned meeting target the items the
// table added that wait on cancelled meetings of its kind (none was
// planned after them when they were cancelled) and whose source meeting
// starts before target, putting the table's items first.
func (db *DB) takeWaitingItems(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, target *workspace.Meeting, now time.Time) error {
	items, err := queryRows(ctx, tx, agendaItemFields, `
		SELECT `+agendaItemColumns+` FROM `+agendaItemFrom+`
		JOIN meetings c ON c.id = i.meeting_id
		WHERE c.status = ? AND c.kind = ? AND i.kind <> ? AND sm.starts_at < ?
		ORDER BY c.starts_at, c.id, i.position`,
		workspace.MeetingCancelled, target.Kind, workspace.ItemOrdinary, target.StartsAt)
	if err != nil {
		return fmt.Errorf("sqlite: take waiting agenda items: %w", err)
	}
	from := map[int64]bool{}
	for _, it := range items {
		c, err := findMeetingByID(ctx, tx, it.MeetingID)
		if err != nil {
			return err
		}
		if err := db.moveTableItem(ctx, tx, actor, it, c, target, now); err != nil {
			return err
		}
		from[c.ID] = true
	}
	if len(items) > 0 {
		if err := tableItemsFirst(ctx, tx, target.ID); err != nil {
			return err
		}
	}
	for id := range from {
		ids, err := agendaOrder(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := renumberAgenda(ctx, tx, id, ids); err != nil {
			return err
		}
	}
	return nil
}

// moveTableItem moves it, an item the table added to the cancelled
// meeting from, to the end of target's agenda, with its issue links, the
// actions it follows up and any poll on it; when target already has an
// item of the same kind from the same source meeting, it joins that one
// instead (the minutes wait on one item, an action is followed up once)
// and is deleted. The move is audited as a carry-over to target.
func (db *DB) moveTableItem(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, it *workspace.AgendaItem, from, target *workspace.Meeting, now time.Time) error {
	var same []int64
	if err := tx.SelectContext(ctx, &same, `SELECT id FROM agenda_items WHERE meeting_id = ? AND kind = ? AND source_meeting_id = ? ORDER BY position LIMIT 1`,
		target.ID, it.Kind, *it.SourceMeetingID); err != nil {
		return fmt.Errorf("sqlite: hand on agenda item: %w", err)
	}
	var actions []int64
	if err := tx.SelectContext(ctx, &actions, `SELECT action_id FROM agenda_item_actions WHERE agenda_item_id = ? ORDER BY action_id`, it.ID); err != nil {
		return fmt.Errorf("sqlite: hand on agenda item: %w", err)
	}
	itemID := it.ID
	if len(same) > 0 {
		itemID = same[0]
		if err := mergeAgendaItem(ctx, tx, it.ID, itemID, target.ID); err != nil {
			return err
		}
	} else {
		var position int
		if err := tx.GetContext(ctx, &position, `SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = ?`, target.ID); err != nil {
			return fmt.Errorf("sqlite: hand on agenda item: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET meeting_id = ?, position = ?, updated_at = ? WHERE id = ?`,
			target.ID, position, now, it.ID); err != nil {
			return fmt.Errorf("sqlite: hand on agenda item: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE polls SET meeting_id = ? WHERE agenda_item_id = ?`, target.ID, it.ID); err != nil {
			return fmt.Errorf("sqlite: hand on agenda item: %w", err)
		}
	}
	done := carryOverAudit{SourceMeetingID: *it.SourceMeetingID, Actions: nonNil(actions), CancelledMeetingID: &from.ID}
	if it.Kind == workspace.ItemMinutesApproval {
		done.MinutesItemID = &itemID
	} else {
		done.MattersArisingID = &itemID
	}
	return db.recordAudit(ctx, tx, actor, workspace.AuditAgendaCarryOver, "meeting", target.ID, nil, done)
}

// mergeAgendaItem makes the item into (of meeting target) take over what
// points at the item from — the actions it follows up, its procedures, its
// issue links (a link the other already has is dropped), its polls — and
// deletes from.
func mergeAgendaItem(ctx context.Context, tx *sqlx.Tx, from, into, target int64) error {
	for _, q := range []struct {
		query string
		args  []any
	}{
		{`INSERT INTO agenda_item_actions (agenda_item_id, action_id)
			SELECT ?, action_id FROM agenda_item_actions WHERE agenda_item_id = ? ON CONFLICT DO NOTHING`, []any{into, from}},
		{`DELETE FROM agenda_item_actions WHERE agenda_item_id = ?`, []any{from}},
		{`INSERT INTO agenda_item_procedures (agenda_item_id, procedure_id)
			SELECT ?, procedure_id FROM agenda_item_procedures WHERE agenda_item_id = ? ON CONFLICT DO NOTHING`, []any{into, from}},
		{`DELETE FROM agenda_item_procedures WHERE agenda_item_id = ?`, []any{from}},
		{`UPDATE issue_links SET target_id = ? WHERE target_kind = 'agenda_item' AND target_id = ?
			AND issue_id NOT IN (SELECT issue_id FROM issue_links WHERE target_kind = 'agenda_item' AND target_id = ?)`, []any{into, from, into}},
		{`DELETE FROM issue_links WHERE target_kind = 'agenda_item' AND target_id = ?`, []any{from}},
		{`UPDATE polls SET meeting_id = ?, agenda_item_id = ? WHERE agenda_item_id = ?`, []any{target, into, from}},
		{`DELETE FROM agenda_items WHERE id = ?`, []any{from}},
	} {
		if _, err := tx.ExecContext(ctx, q.query, q.args...); err != nil {
			return fmt.Errorf("sqlite: merge agenda items: %w", err)
		}
	}
	return nil
}
