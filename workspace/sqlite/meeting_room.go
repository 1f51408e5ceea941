package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// The live room's state in the store: the current item and the list of
// speakers.

// speakerColumns are the columns of a request for the floor (s) that
// speakerFields scans into, in the same order.
const speakerColumns = `s.id, s.meeting_id, s.account_id, s.agenda_item_id, s.status, s.requested_at, s.started_at, s.ended_at`

// speakerFields returns the fields of sp that speakerColumns are scanned
// into, in order.
func speakerFields(sp *workspace.Speaker) []any {
	return []any{&sp.ID, &sp.MeetingID, &sp.AccountID, &sp.AgendaItemID, &sp.Status, &sp.RequestedAt, &sp.StartedAt, &sp.EndedAt}
}

// speakerWithAccountFields returns the fields of sp, then of a new Account
// with its Organisation, that speakerColumns, accountShownColumns and
// organisationColumns (prefixed "o") are scanned into.
func speakerWithAccountFields(sp *workspace.Speaker) []any {
	sp.Account = &workspace.Account{}
	return append(speakerFields(sp), accountWithOrganisationFields(sp.Account)...)
}

// speakerAudit is a request for the floor, as the audit log keeps it.
type speakerAudit struct {
	SpeakerID int64  `json:"speaker_id"`
	AccountID int64  `json:"account_id"`
	Status    string `json:"status"`
}

func auditSpeaker(sp *workspace.Speaker) speakerAudit {
	return speakerAudit{sp.ID, sp.AccountID, string(sp.Status)}
}

// currentItemAudit is the room's current item, as the audit log keeps it.
type currentItemAudit struct {
	ItemID *int64 `json:"item_id"`
}

// MoveCurrentItem makes itemID (an item of the meeting, else ENOTFOUND)
// the current one (CanRunMeeting), adding the time since the last move to
// the item that was current. Moving to the current item changes nothing.
func (db *DB) MoveCurrentItem(ctx context.Context, actor workspace.Actor, meetingID, itemID int64) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		m, err := findMeetingByID(ctx, tx.tx, meetingID)
		if err != nil {
			return err
		}
		if err := workspace.CanRunMeeting(actor, m); err != nil {
			return err
		}
		it, err := findAgendaItemByID(ctx, tx.tx, itemID)
		if err != nil {
			return err
		} else if it.MeetingID != meetingID {
			return notFound("Agenda item")
		}
		if m.CurrentItemID != nil && *m.CurrentItemID == itemID {
			return nil
		}
		before := currentItemAudit{m.CurrentItemID}
		now := db.Now()
		if err := countCurrentItem(ctx, tx.tx, m, now); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE meetings SET current_item_id = ?, current_item_since = ?, updated_at = ? WHERE id = ?`,
			itemID, now, now, meetingID); err != nil {
			return fmt.Errorf("sqlite: move current item: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditMeetingMoveItem, "meeting", meetingID, before, currentItemAudit{&itemID})
	})
}

// countCurrentItem adds the time since m's current item became current to
// the item's spent time.
func countCurrentItem(ctx context.Context, tx *sqlx.Tx, m *workspace.Meeting, now time.Time) error {
	if m.CurrentItemID == nil || m.CurrentItemSince == nil || !now.After(*m.CurrentItemSince) {
		return nil
	}
	seconds := int64(now.Sub(*m.CurrentItemSince) / time.Second)
	if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET spent_seconds = spent_seconds + ? WHERE id = ?`, seconds, *m.CurrentItemID); err != nil {
		return fmt.Errorf("sqlite: count item time: %w", err)
	}
	return nil
}

// AskFloor adds the actor at the end of the list of speakers of a live
// meeting (CanTakePart), asking about the current item, and returns the
// request with the actor's account. Asking while already waiting or
// speaking is ECONFLICT (error.meeting.already_asked).
func (db *DB) AskFloor(ctx context.Context, actor workspace.Actor, meetingID int64) (*workspace.Speaker, error) {
	var asked *workspace.Speaker
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		m, _, err := findMeetingToTakePart(ctx, tx.tx, actor, meetingID)
		if err != nil {
			return err
		}
		if actor.AccountID == nil {
			return workspace.Errorf(workspace.EINVALID, "Only a person asks for the floor.")
		}
		open, err := findSpeakers(ctx, tx.tx, "s.meeting_id = ? AND s.account_id = ? AND s.status IN (?, ?)",
			meetingID, *actor.AccountID, workspace.SpeakerWaiting, workspace.SpeakerSpeaking)
		if err != nil {
			return err
		}
		if len(open) > 0 {
			return errAlreadyAsked()
		}
		now := db.Now()
		sp := &workspace.Speaker{MeetingID: meetingID, AccountID: *actor.AccountID, AgendaItemID: m.CurrentItemID, Status: workspace.SpeakerWaiting, RequestedAt: now}
		res, err := tx.tx.ExecContext(ctx, `
			INSERT INTO meeting_speakers (meeting_id, account_id, agenda_item_id, status, requested_at) VALUES (?, ?, ?, ?, ?)`,
			sp.MeetingID, sp.AccountID, sp.AgendaItemID, sp.Status, sp.RequestedAt)
		if isUniqueViolation(err) {
			return errAlreadyAsked()
		} else if err != nil {
			return fmt.Errorf("sqlite: ask for the floor: %w", err)
		}
		if sp.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: ask for the floor: %w", err)
		}
		// Read back with the account, as the list of speakers shows it.
		stored, err := findSpeakers(ctx, tx.tx, "s.id = ?", sp.ID)
		if err != nil {
			return err
		} else if len(stored) != 1 {
			return notFound("Request for the floor")
		}
		sp = stored[0]
		if err := db.recordAudit(ctx, tx.tx, actor, workspace.AuditSpeakerAsk, "meeting", meetingID, nil, auditSpeaker(sp)); err != nil {
			return err
		}
		asked = sp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return asked, nil
}

func errAlreadyAsked() error {
	return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.meeting.already_asked", Message: "You have already asked for the floor."}
}

// WithdrawFloor withdraws the actor's waiting request, if any
// (CanReadMeetings); with none, it writes nothing. A turn already given
// is ended by the secretariat (EndSpeaker).
func (db *DB) WithdrawFloor(ctx context.Context, actor workspace.Actor, meetingID int64) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		m, err := findMeetingByID(ctx, tx.tx, meetingID)
		if err != nil {
			return err
		}
		if err := workspace.CanReadMeetings(actor); err != nil {
			return err
		}
		if err := workspace.CheckMeetingNotCancelled(m); err != nil {
			return err
		}
		if actor.AccountID == nil {
			return nil
		}
		waiting, err := findSpeakers(ctx, tx.tx, "s.meeting_id = ? AND s.account_id = ? AND s.status = ?",
			meetingID, *actor.AccountID, workspace.SpeakerWaiting)
		if err != nil {
			return err
		}
		if len(waiting) == 0 {
			return nil
		}
		sp := waiting[0]
		before := auditSpeaker(sp)
		now := db.Now()
		sp.Status, sp.EndedAt = workspace.SpeakerWithdrawn, &now
		if _, err := tx.tx.ExecContext(ctx, `UPDATE meeting_speakers SET status = ?, ended_at = ? WHERE id = ?`, sp.Status, sp.EndedAt, sp.ID); err != nil {
			return fmt.Errorf("sqlite: withdraw from the floor: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditSpeakerWithdraw, "meeting", meetingID, before, auditSpeaker(sp))
	})
}

// GiveFloor ends the current speaker's turn and gives the floor to the
// waiting request speakerID (CanRunMeeting). A request of another meeting
// is ENOTFOUND; one no longer waiting is ECONFLICT
// (error.meeting.speaker_not_waiting).
func (db *DB) GiveFloor(ctx context.Context, actor workspace.Actor, meetingID, speakerID int64) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		m, actor, err := db.runningMeeting(ctx, tx.tx, actor, meetingID)
		if err != nil {
			return err
		}
		found, err := findSpeakers(ctx, tx.tx, "s.id = ? AND s.meeting_id = ?", speakerID, m.ID)
		if err != nil {
			return err
		} else if len(found) == 0 {
			return notFound("Request for the floor")
		}
		sp := found[0]
		if sp.Status != workspace.SpeakerWaiting {
			return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.meeting.speaker_not_waiting", Message: "This person is no longer waiting for the floor."}
		}
		return db.giveFloor(ctx, tx.tx, actor, sp)
	})
}

// NextSpeaker ends the current speaker's turn and gives the floor to the
// earliest waiting request, returning it with its account, or nil when
// nobody waits (CanRunMeeting).
func (db *DB) NextSpeaker(ctx context.Context, actor workspace.Actor, meetingID int64) (*workspace.Speaker, error) {
	var next *workspace.Speaker
	err := db.withWriteTx(ctx, func(tx *Tx) error {
		m, actor, err := db.runningMeeting(ctx, tx.tx, actor, meetingID)
		if err != nil {
			return err
		}
		waiting, err := findSpeakers(ctx, tx.tx, "s.meeting_id = ? AND s.status = ?", m.ID, workspace.SpeakerWaiting)
		if err != nil {
			return err
		}
		if len(waiting) == 0 {
			return db.endSpeaker(ctx, tx.tx, actor, m.ID)
		}
		sp := waiting[0]
		if err := db.giveFloor(ctx, tx.tx, actor, sp); err != nil {
			return err
		}
		next = sp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return next, nil
}

// EndSpeaker ends the current speaker's turn, if any (CanRunMeeting).
func (db *DB) EndSpeaker(ctx context.Context, actor workspace.Actor, meetingID int64) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		m, actor, err := db.runningMeeting(ctx, tx.tx, actor, meetingID)
		if err != nil {
			return err
		}
		return db.endSpeaker(ctx, tx.tx, actor, m.ID)
	})
}

// runningMeeting returns the meeting with id and the actor as they stand
// in tx, once the actor may run the meeting's room.
func (db *DB) runningMeeting(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, id int64) (*workspace.Meeting, workspace.Actor, error) {
	actor, err := findActor(ctx, tx, actor)
	if err != nil {
		return nil, actor, err
	}
	m, err := findMeetingByID(ctx, tx, id)
	if err != nil {
		return nil, actor, err
	}
	if err := workspace.CanRunMeeting(actor, m); err != nil {
		return nil, actor, err
	}
	return m, actor, nil
}

// giveFloor ends the current turn and makes sp (waiting) the speaker.
func (db *DB) giveFloor(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, sp *workspace.Speaker) error {
	now := db.Now()
	if _, err := endSpeaking(ctx, tx, sp.MeetingID, now); err != nil {
		return err
	}
	before := auditSpeaker(sp)
	sp.Status, sp.StartedAt = workspace.SpeakerSpeaking, &now
	if _, err := tx.ExecContext(ctx, `UPDATE meeting_speakers SET status = ?, started_at = ? WHERE id = ?`, sp.Status, sp.StartedAt, sp.ID); err != nil {
		return fmt.Errorf("sqlite: give the floor: %w", err)
	}
	return db.recordAudit(ctx, tx, actor, workspace.AuditSpeakerGive, "meeting", sp.MeetingID, before, auditSpeaker(sp))
}

// endSpeaker ends the current turn of the meeting, if any, and audits it.
func (db *DB) endSpeaker(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, meetingID int64) error {
	ended, err := endSpeaking(ctx, tx, meetingID, db.Now())
	if err != nil || ended == nil {
		return err
	}
	return db.recordAudit(ctx, tx, actor, workspace.AuditSpeakerEnd, "meeting", meetingID, nil, auditSpeaker(ended))
}

// endSpeaking marks the meeting's speaker, if any, done at now, and
// returns that request, or nil when nobody was speaking.
func endSpeaking(ctx context.Context, tx *sqlx.Tx, meetingID int64, now time.Time) (*workspace.Speaker, error) {
	speaking, err := findSpeakers(ctx, tx, "s.meeting_id = ? AND s.status = ?", meetingID, workspace.SpeakerSpeaking)
	if err != nil || len(speaking) == 0 {
		return nil, err
	}
	sp := speaking[0]
	sp.Status, sp.EndedAt = workspace.SpeakerDone, &now
	if _, err := tx.ExecContext(ctx, `UPDATE meeting_speakers SET status = ?, ended_at = ? WHERE id = ?`, sp.Status, sp.EndedAt, sp.ID); err != nil {
		return nil, fmt.Errorf("sqlite: end the turn: %w", err)
	}
	return sp, nil
}

// findSpeakers selects requests for the floor, with their accounts and
// organisations, by a condition written in this package, in the order
// they were asked.
func findSpeakers(ctx context.Context, q sqlx.QueryerContext, cond string, args ...any) ([]*workspace.Speaker, error) {
	speakers, err := queryRows(ctx, q, speakerWithAccountFields, `
		SELECT `+speakerColumns+`, `+accountShownColumns+`, `+prefixed("o", organisationColumns)+`
		FROM meeting_speakers s JOIN accounts a ON a.id = s.account_id JOIN organisations o ON o.id = a.organisation_id
		WHERE `+cond+` ORDER BY s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find speakers: %w", err)
	}
	return speakers, nil
}
