package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// accountShownColumns are accountColumns with an empty text in place of
// the password hash, for the accounts a meeting's pages and its live room
// show (invitees, speakers, presenters) and the calendar feed serves:
// what is not read cannot leak.
var accountShownColumns = strings.Replace(accountColumns, "a.password_hash", "''", 1)

// inviteeColumns are the columns of an invitation (mi) that inviteeFields
// scans into, in the same order.
const inviteeColumns = `mi.meeting_id, mi.account_id, mi.attendance, mi.checked_in_at`

// inviteeFields returns the fields of inv that inviteeColumns are scanned
// into, in order.
func inviteeFields(inv *workspace.MeetingInvitee) []any {
	return []any{&inv.MeetingID, &inv.AccountID, &inv.Attendance, &inv.CheckedInAt}
}

// inviteeWithAccountFields returns the fields of inv, then of a new
// Account with its Organisation, that inviteeColumns, accountShownColumns and
// organisationColumns (prefixed "o") are scanned into.
func inviteeWithAccountFields(inv *workspace.MeetingInvitee) []any {
	inv.Account = &workspace.Account{}
	return append(inviteeFields(inv), accountWithOrganisationFields(inv.Account)...)
}

// attendanceAudit is an invitee's attendance, as the audit log keeps it.
type attendanceAudit struct {
	AccountID   int64      `json:"account_id"`
	Attendance  string     `json:"attendance"`
	CheckedInAt *time.Time `json:"checked_in_at,omitempty"`
}

func auditAttendance(inv *workspace.MeetingInvitee) attendanceAudit {
	return attendanceAudit{inv.AccountID, string(inv.Attendance), inv.CheckedInAt}
}

// SetAttendance records an invitee's attendance (CanChangeMeeting: the
// secretariat, on a meeting that is not closed). An account that is not
// invited, and an unknown attendance, are EINVALID. The time a member
// checked in is kept.
func (db *DB) SetAttendance(ctx context.Context, actor workspace.Actor, meetingID, accountID int64, a workspace.Attendance) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		return db.setAttendance(ctx, tx.tx, actor, meetingID, accountID, a, workspace.CanChangeMeeting, nil)
	})
}

// CorrectAttendance is Tx.CorrectAttendance in a transaction of its own,
// for a correction that leaves the minutes' lines as they are.
func (db *DB) CorrectAttendance(ctx context.Context, actor workspace.Actor, meetingID, accountID int64, a workspace.Attendance, check func(*workspace.MeetingRecord) error) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		return tx.CorrectAttendance(ctx, actor, meetingID, accountID, a, check)
	})
}

// CorrectAttendance records, inside tx, a correction of an invitee's
// attendance after the meeting closed (CanCorrectAttendance: while its
// minutes are not approved). The server makes it in the transaction of
// the update that writes the corrected attendance into the minutes; check,
// given the meeting's record after the correction, makes sure that the
// attendance is what that update writes.
func (tx *Tx) CorrectAttendance(ctx context.Context, actor workspace.Actor, meetingID, accountID int64, a workspace.Attendance, check func(*workspace.MeetingRecord) error) error {
	actor, err := findActor(ctx, tx.tx, actor)
	if err != nil {
		return err
	}
	return tx.db.setAttendance(ctx, tx.tx, actor, meetingID, accountID, a, workspace.CanCorrectAttendance, check)
}

// setAttendance records an invitee's attendance when rule allows actor to
// change the meeting's, then, when check is not nil, runs it on the
// meeting's record as the change leaves it.
func (db *DB) setAttendance(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, meetingID, accountID int64, a workspace.Attendance,
	rule func(workspace.Actor, *workspace.Meeting) error, check func(*workspace.MeetingRecord) error) error {
	m, err := findMeetingByID(ctx, tx, meetingID)
	if err != nil {
		return err
	}
	if err := rule(actor, m); err != nil {
		return err
	}
	if !a.Valid() {
		return workspace.Invalid("attendance", "error.meeting.attendance_invalid", "Choose present, excused or absent.")
	}
	inv, err := findInvitee(ctx, tx, meetingID, accountID)
	if err != nil {
		return err
	} else if inv == nil {
		return workspace.Invalid("account", "error.meeting.not_invitee", "This person is not invited to the meeting.")
	}
	if inv.Attendance != a {
		before := auditAttendance(inv)
		inv.Attendance = a
		if _, err := tx.ExecContext(ctx, `UPDATE meeting_invitees SET attendance = ? WHERE meeting_id = ? AND account_id = ?`, a, meetingID, accountID); err != nil {
			return fmt.Errorf("sqlite: set attendance: %w", err)
		}
		if err := db.recordAudit(ctx, tx, actor, workspace.AuditAttendanceSet, "meeting", meetingID, before, auditAttendance(inv)); err != nil {
			return err
		}
	}
	if check == nil {
		return nil
	}
	rec, err := findMeetingRecord(ctx, tx, meetingID)
	if err != nil {
		return err
	}
	return check(rec)
}

// CheckIn marks the actor present at a live meeting it is invited to
// (CanTakePart), with the time it checked in. Only invitees check in: the
// secretariat, whom CanTakePart lets into any live meeting, is refused
// like anyone not invited (EFORBIDDEN, error.meeting.not_invited) unless
// it is on the list. Checking in twice is not an error, and writes
// nothing.
func (db *DB) CheckIn(ctx context.Context, actor workspace.Actor, meetingID int64) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		_, inv, err := findMeetingToTakePart(ctx, tx.tx, actor, meetingID)
		if err != nil {
			return err
		}
		if inv == nil {
			return &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.meeting.not_invited", Message: "You are not invited to this meeting."}
		}
		if inv.Attendance == workspace.AttendancePresent && inv.CheckedInAt != nil {
			return nil
		}
		before := auditAttendance(inv)
		now := db.Now()
		inv.Attendance, inv.CheckedInAt = workspace.AttendancePresent, &now
		if _, err := tx.tx.ExecContext(ctx, `UPDATE meeting_invitees SET attendance = ?, checked_in_at = ? WHERE meeting_id = ? AND account_id = ?`,
			inv.Attendance, inv.CheckedInAt, meetingID, inv.AccountID); err != nil {
			return fmt.Errorf("sqlite: check in: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditAttendanceCheckIn, "meeting", meetingID, before, auditAttendance(inv))
	})
}

// findInvitee returns accountID's invitation to the meeting, or nil when
// it is not invited.
func findInvitee(ctx context.Context, q sqlx.QueryerContext, meetingID, accountID int64) (*workspace.MeetingInvitee, error) {
	invs, err := queryRows(ctx, q, inviteeFields, `
		SELECT `+inviteeColumns+` FROM meeting_invitees mi WHERE mi.meeting_id = ? AND mi.account_id = ?`, meetingID, accountID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find invitee: %w", err)
	} else if len(invs) == 0 {
		return nil, nil
	}
	return invs[0], nil
}

// findInvitees returns a meeting's invitees with their accounts and
// organisations, by organisation, then by name.
func findInvitees(ctx context.Context, q sqlx.QueryerContext, meetingID int64) ([]*workspace.MeetingInvitee, error) {
	invs, err := queryRows(ctx, q, inviteeWithAccountFields, `
		SELECT `+inviteeColumns+`, `+accountShownColumns+`, `+prefixed("o", organisationColumns)+`
		FROM meeting_invitees mi JOIN accounts a ON a.id = mi.account_id JOIN organisations o ON o.id = a.organisation_id
		WHERE mi.meeting_id = ?
		ORDER BY o.name_fr, o.id, a.name, a.id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find invitees: %w", err)
	}
	return invs, nil
}
