package sqlite

// The store of meetings. The methods are the contract the server, the live
// room (package meeting) and the demo build on; every method is one
// transaction and, when it changes something, takes the Actor, reads its
// account again, checks the workspace rule (CanManageMeetings,
// CanChangeMeeting, CanStartMeeting, CanRunMeeting, CanTakePart,
// CanUpdateAction, CanReadMeetings where an actor is given), writes and
// audits (workspace.AuditMeeting*, AuditAgenda*, …). This file holds the
// meetings themselves, their invitees and the record a page reads; the
// agenda, attendance, live room, decisions and calendar feeds have files
// of their own.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// meetingColumns are the columns of a meeting (m) that meetingFields scans
// into, in the same order.
const meetingColumns = `m.id, m.title, m.kind, m.language, m.starts_at, m.ends_at, m.place, m.online_link, m.status, m.quorum_rule,
	m.minutes_document_id, m.minutes_approved_at, m.current_item_id, m.current_item_since, m.started_at, m.closed_at,
	m.carried_over, m.created_by, m.created_at, m.updated_at, m.cancelled_at, m.cancelled_by, m.cancel_reason`

// meetingFields returns the fields of m that meetingColumns are scanned
// into, in order.
func meetingFields(m *workspace.Meeting) []any {
	return []any{&m.ID, &m.Title, &m.Kind, &m.Language, &m.StartsAt, &m.EndsAt, &m.Place, &m.OnlineLink, &m.Status, &m.QuorumRule,
		&m.MinutesDocumentID, &m.MinutesApprovedAt, &m.CurrentItemID, &m.CurrentItemSince, &m.StartedAt, &m.ClosedAt,
		&m.CarriedOver, &m.CreatedBy, &m.CreatedAt, &m.UpdatedAt, &m.CancelledAt, &m.CancelledBy, &m.CancelReason}
}

// meetingAudit is the part of a meeting the audit log keeps.
type meetingAudit struct {
	Title      string    `json:"title"`
	Kind       string    `json:"kind"`
	Language   string    `json:"language"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
	Place      string    `json:"place,omitempty"`
	OnlineLink string    `json:"online_link,omitempty"`
	Status     string    `json:"status"`
	QuorumRule string    `json:"quorum_rule"`
	// CancelReason is kept when the meeting is cancelled.
	CancelReason string `json:"cancel_reason,omitempty"`
	// Invitees are kept when the meeting is created.
	Invitees []int64 `json:"invitees,omitempty"`
}

func auditMeeting(m *workspace.Meeting) meetingAudit {
	return meetingAudit{Title: m.Title, Kind: string(m.Kind), Language: m.Language, StartsAt: m.StartsAt, EndsAt: m.EndsAt,
		Place: m.Place, OnlineLink: m.OnlineLink, Status: string(m.Status), QuorumRule: string(m.QuorumRule),
		CancelReason: m.CancelReason}
}

// inviteesAudit is the list of invited accounts the audit log keeps.
type inviteesAudit struct {
	Invitees []int64 `json:"invitees"`
}

// MeetingFilter selects meetings; zero fields select every meeting.
type MeetingFilter struct {
	// When is "upcoming" (live, however long it runs, or planned or
	// cancelled and ending at or after Now), "past" (closed, or planned or
	// cancelled and ended before Now) or "" for both. A cancelled meeting
	// stays where its date puts it, so that whoever looks for it learns
	// it is off; SkipCancelled leaves it out. Upcoming meetings come
	// soonest first, past ones (and both together) latest first. Now
	// defaults to the store's clock.
	When string
	Now  time.Time
	// SkipCancelled keeps only the meetings that take or took place: the
	// ones to attend, as the home page counts them.
	SkipCancelled bool
	Kind          workspace.MeetingKind
	// InvitedAccountID, when set, keeps the meetings that account is
	// invited to.
	InvitedAccountID int64
	// Limit defaults to 50 and is at most 200.
	Limit, Offset int
}

// CreateMeeting validates m and stores it as planned, with the given
// invitees (nil: every active account of a member, the secretariat or an
// admin; otherwise each must be an active account that is not a
// stakeholder's, else EINVALID on "invitees"), setting m's ID, Status and
// timestamps. The actor must manage meetings. Closed meetings of the same
// kind that start before m and were not yet carried over put their
// minutes (an item of kind minutes_approval) and their pending actions (one
// matters_arising item) on m's agenda, oldest first, in the same
// transaction; so do the items the table added to cancelled meetings of
// the same kind that waited for a meeting to go to (takeWaitingItems).
func (db *DB) CreateMeeting(ctx context.Context, actor workspace.Actor, m *workspace.Meeting, invitees []int64) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanManageMeetings(actor); err != nil {
			return err
		}
		if err := m.Validate(); err != nil {
			return err
		}
		var err error
		if invitees == nil {
			if invitees, err = defaultInvitees(ctx, tx.tx); err != nil {
				return err
			}
		} else if invitees, err = checkInvitees(ctx, tx.tx, invitees); err != nil {
			return err
		}

		now := db.Now()
		m.StartsAt, m.EndsAt = m.StartsAt.UTC(), m.EndsAt.UTC()
		m.Status, m.CreatedBy, m.CreatedAt, m.UpdatedAt = workspace.MeetingPlanned, actor.AccountID, now, now
		m.MinutesDocumentID, m.MinutesApprovedAt, m.CurrentItemID, m.CurrentItemSince = nil, nil, nil, nil
		m.StartedAt, m.ClosedAt, m.CarriedOver = nil, nil, false
		res, err := tx.tx.ExecContext(ctx, `
			INSERT INTO meetings (title, kind, language, starts_at, ends_at, place, online_link, status, quorum_rule, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.Title, m.Kind, m.Language, m.StartsAt, m.EndsAt, m.Place, m.OnlineLink, m.Status, m.QuorumRule, m.CreatedBy, m.CreatedAt, m.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlite: create meeting: %w", err)
		}
		if m.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: create meeting: %w", err)
		}
		for _, id := range invitees {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO meeting_invitees (meeting_id, account_id, attendance) VALUES (?, ?, ?)`,
				m.ID, id, workspace.AttendanceInvited); err != nil {
				return fmt.Errorf("sqlite: invite to meeting: %w", err)
			}
		}
		after := auditMeeting(m)
		after.Invitees = invitees
		if err := db.recordAudit(ctx, tx.tx, actor, workspace.AuditMeetingCreate, "meeting", m.ID, nil, after); err != nil {
			return err
		}

		sources, err := findMeetings(ctx, tx.tx, `m.kind = ? AND m.status = ? AND m.carried_over = FALSE AND m.starts_at < ?`,
			[]any{m.Kind, workspace.MeetingClosed, m.StartsAt}, "m.starts_at, m.id", -1, 0)
		if err != nil {
			return err
		}
		if err := db.carryOver(ctx, tx.tx, actor, m, sources, now); err != nil {
			return err
		}
		return db.takeWaitingItems(ctx, tx.tx, actor, m, now)
	})
}

// UpdateMeeting validates m and stores its details (title, kind, language,
// times, place, link, quorum rule) over the meeting with m.ID
// (CanChangeMeeting: a closed meeting is ECONFLICT). The rest of m is set
// from the stored meeting.
func (db *DB) UpdateMeeting(ctx context.Context, actor workspace.Actor, m *workspace.Meeting) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		before, err := findMeetingToChange(ctx, tx.tx, actor, m.ID)
		if err != nil {
			return err
		}
		if err := m.Validate(); err != nil {
			return err
		}
		m.StartsAt, m.EndsAt = m.StartsAt.UTC(), m.EndsAt.UTC()
		m.Status, m.MinutesDocumentID, m.MinutesApprovedAt = before.Status, before.MinutesDocumentID, before.MinutesApprovedAt
		m.CurrentItemID, m.CurrentItemSince, m.StartedAt, m.ClosedAt = before.CurrentItemID, before.CurrentItemSince, before.StartedAt, before.ClosedAt
		m.CarriedOver, m.CreatedBy, m.CreatedAt, m.UpdatedAt = before.CarriedOver, before.CreatedBy, before.CreatedAt, db.Now()
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE meetings SET title = ?, kind = ?, language = ?, starts_at = ?, ends_at = ?, place = ?, online_link = ?, quorum_rule = ?, updated_at = ?
			WHERE id = ?`,
			m.Title, m.Kind, m.Language, m.StartsAt, m.EndsAt, m.Place, m.OnlineLink, m.QuorumRule, m.UpdatedAt, m.ID); err != nil {
			return fmt.Errorf("sqlite: update meeting: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditMeetingUpdate, "meeting", m.ID, auditMeeting(before), auditMeeting(m))
	})
}

// SetMeetingInvitees makes accountIDs the meeting's invitees; those who
// stay keep their attendance (CanChangeMeeting). Unknown or inactive
// accounts and stakeholders are EINVALID on "invitees"; an account listed
// twice counts once. Invitees the form cannot list — an account
// deactivated since, or made a stakeholder — stay invited: the record of
// who was invited should not change because someone left, and the form
// could never name them again to keep them. Once the meeting has started,
// an invitee whose attendance is recorded (present, excused or absent)
// cannot be removed: that is ECONFLICT, and the attendance stays.
func (db *DB) SetMeetingInvitees(ctx context.Context, actor workspace.Actor, meetingID int64, accountIDs []int64) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		m, err := findMeetingToChange(ctx, tx.tx, actor, meetingID)
		if err != nil {
			return err
		}
		ids, err := checkInvitees(ctx, tx.tx, accountIDs)
		if err != nil {
			return err
		}
		var rows []struct {
			AccountID  int64                `db:"account_id"`
			Attendance workspace.Attendance `db:"attendance"`
			Active     bool                 `db:"active"`
			Role       workspace.Role       `db:"role"`
		}
		if err := tx.tx.SelectContext(ctx, &rows, `
			SELECT mi.account_id, mi.attendance, a.active, a.role FROM meeting_invitees mi JOIN accounts a ON a.id = mi.account_id
			WHERE mi.meeting_id = ? ORDER BY mi.account_id`, meetingID); err != nil {
			return fmt.Errorf("sqlite: set invitees: %w", err)
		}
		var before []int64
		for _, r := range rows {
			before = append(before, r.AccountID)
			if slices.Contains(ids, r.AccountID) {
				continue
			}
			switch {
			case !r.Active || r.Role == workspace.RoleStakeholder:
				ids = append(ids, r.AccountID)
			case m.Status != workspace.MeetingPlanned && r.Attendance != workspace.AttendanceInvited:
				return &workspace.Error{Code: workspace.ECONFLICT, Field: "invitees", Key: "error.meeting.invitee_attended",
					Message: "Someone whose attendance is recorded stays invited: untick only people not marked present, excused or absent."}
			}
		}
		slices.Sort(ids)
		for _, id := range before {
			if !slices.Contains(ids, id) {
				if _, err := tx.tx.ExecContext(ctx, `DELETE FROM meeting_invitees WHERE meeting_id = ? AND account_id = ?`, meetingID, id); err != nil {
					return fmt.Errorf("sqlite: set invitees: %w", err)
				}
			}
		}
		for _, id := range ids {
			if !slices.Contains(before, id) {
				if _, err := tx.tx.ExecContext(ctx, `INSERT INTO meeting_invitees (meeting_id, account_id, attendance) VALUES (?, ?, ?)`,
					meetingID, id, workspace.AttendanceInvited); err != nil {
					return fmt.Errorf("sqlite: set invitees: %w", err)
				}
			}
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE meetings SET updated_at = ? WHERE id = ?`, db.Now(), meetingID); err != nil {
			return fmt.Errorf("sqlite: set invitees: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditMeetingInvitees, "meeting", meetingID,
			inviteesAudit{nonNil(before)}, inviteesAudit{ids})
	})
}

// defaultInvitees returns the accounts a meeting invites when none are
// named: every active account of a member, the secretariat or an admin.
func defaultInvitees(ctx context.Context, tx *sqlx.Tx) ([]int64, error) {
	ids := []int64{}
	if err := tx.SelectContext(ctx, &ids, `
		SELECT id FROM accounts WHERE active = TRUE AND role IN (?, ?, ?) ORDER BY id`,
		workspace.RoleAdmin, workspace.RoleSecretariat, workspace.RoleMember); err != nil {
		return nil, fmt.Errorf("sqlite: default invitees: %w", err)
	}
	return ids, nil
}

// checkInvitees returns accountIDs sorted and without repeats, once each
// is an active account of a member, the secretariat or an admin.
func checkInvitees(ctx context.Context, tx *sqlx.Tx, accountIDs []int64) ([]int64, error) {
	ids := uniqueIDs(accountIDs)
	if len(ids) == 0 {
		return ids, nil
	}
	var n int
	args := append(int64Args(ids), workspace.RoleAdmin, workspace.RoleSecretariat, workspace.RoleMember)
	if err := tx.GetContext(ctx, &n, `
		SELECT COUNT(*) FROM accounts WHERE id IN (`+placeholders(len(ids))+`) AND active = TRUE AND role IN (?, ?, ?)`,
		args...); err != nil {
		return nil, fmt.Errorf("sqlite: check invitees: %w", err)
	}
	if n != len(ids) {
		return nil, workspace.Invalid("invitees", "error.meeting.invitee_invalid", "Invite only active accounts of members, the secretariat or admins.")
	}
	return ids, nil
}

// FindMeetingByID returns the meeting with id, or ENOTFOUND.
func (db *DB) FindMeetingByID(ctx context.Context, id int64) (*workspace.Meeting, error) {
	return findMeetingByID(ctx, db.read, id)
}

// FindMeetingByMinutes returns the meeting whose minutes are the document
// with id, or ENOTFOUND.
func (db *DB) FindMeetingByMinutes(ctx context.Context, documentID int64) (*workspace.Meeting, error) {
	ms, err := findMeetings(ctx, db.read, "m.minutes_document_id = ?", []any{documentID}, "m.id", 1, 0)
	if err != nil {
		return nil, err
	} else if len(ms) == 0 {
		return nil, notFound("Meeting")
	}
	return ms[0], nil
}

// FindMeetings returns the meetings filter selects, a page at a time, with
// how many it selects in all. An unknown When or Kind is EINVALID.
func (db *DB) FindMeetings(ctx context.Context, filter MeetingFilter) ([]*workspace.Meeting, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	now := filter.Now
	if now.IsZero() {
		now = db.Now()
	}
	order := "m.starts_at DESC, m.id DESC"
	switch filter.When {
	case "":
	// A live meeting is upcoming until it is closed, however long it runs
	// past its planned end: people look for its room among what is on.
	case "upcoming":
		where = append(where, "(m.status = ? OR (m.status IN (?, ?) AND m.ends_at >= ?))")
		args = append(args, workspace.MeetingLive, workspace.MeetingPlanned, workspace.MeetingCancelled, now.UTC())
		order = "m.starts_at, m.id"
	case "past":
		where = append(where, "(m.status = ? OR (m.status IN (?, ?) AND m.ends_at < ?))")
		args = append(args, workspace.MeetingClosed, workspace.MeetingPlanned, workspace.MeetingCancelled, now.UTC())
	default:
		return nil, 0, workspace.Invalid("when", "error.meeting.when_invalid", "Choose upcoming or past meetings.")
	}
	if filter.SkipCancelled {
		where, args = append(where, "m.status <> ?"), append(args, workspace.MeetingCancelled)
	}
	if filter.Kind != "" {
		if !filter.Kind.Valid() {
			return nil, 0, workspace.Invalid("kind", "error.meeting.kind_invalid", "Choose a plenary or a working group.")
		}
		where, args = append(where, "m.kind = ?"), append(args, filter.Kind)
	}
	if filter.InvitedAccountID != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM meeting_invitees mi WHERE mi.meeting_id = m.id AND mi.account_id = ?)")
		args = append(args, filter.InvitedAccountID)
	}
	cond := strings.Join(where, " AND ")

	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: find meetings: %w", err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.GetContext(ctx, &total, `SELECT COUNT(*) FROM meetings m WHERE `+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("sqlite: count meetings: %w", err)
	}
	ms, err := findMeetings(ctx, tx, cond, args, order, pageLimit(filter.Limit), max(filter.Offset, 0))
	if err != nil {
		return nil, 0, err
	}
	return ms, total, nil
}

// pageLimit returns the size of a page of a list: 50 unless asked, at most
// 200.
func pageLimit(limit int) int {
	switch {
	case limit <= 0:
		return 50
	case limit > 200:
		return 200
	}
	return limit
}

func findMeetingByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.Meeting, error) {
	ms, err := findMeetings(ctx, q, "m.id = ?", []any{id}, "m.id", 1, 0)
	if err != nil {
		return nil, err
	} else if len(ms) == 0 {
		return nil, notFound("Meeting")
	}
	return ms[0], nil
}

// findMeetings selects meetings by a condition and an order written in
// this package, never by user input; limit -1 reads them all.
func findMeetings(ctx context.Context, q sqlx.QueryerContext, cond string, args []any, order string, limit, offset int) ([]*workspace.Meeting, error) {
	ms, err := queryRows(ctx, q, meetingFields, `
		SELECT `+meetingColumns+`
		FROM meetings m WHERE `+cond+`
		ORDER BY `+order+` LIMIT ? OFFSET ?`, append(slices.Clone(args), limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find meetings: %w", err)
	}
	return ms, nil
}

// StartMeeting makes a planned meeting live (CanStartMeeting), creates its
// minutes — a document of kind minutes whose text is what prefill returns
// for the meeting as it stands, already marked live with its start time
// and current item (prefill may be nil: empty minutes) — and makes its
// first agenda item current. It returns the meeting as started.
func (db *DB) StartMeeting(ctx context.Context, actor workspace.Actor, id int64, prefill func(*workspace.MeetingRecord) string) (*workspace.Meeting, error) {
	var started *workspace.Meeting
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		rec, err := findMeetingRecord(ctx, tx.tx, id)
		if err != nil {
			return err
		}
		m := rec.Meeting
		if err := workspace.CanStartMeeting(actor, m); err != nil {
			return err
		}
		before := auditMeeting(m)
		now := db.Now()
		m.Status, m.StartedAt, m.UpdatedAt = workspace.MeetingLive, &now, now
		if len(rec.Items) > 0 {
			m.CurrentItemID, m.CurrentItemSince = &rec.Items[0].ID, &now
		}
		text := ""
		if prefill != nil {
			text = prefill(rec)
		}
		if err := workspace.CheckDocumentText(text); err != nil {
			return err
		}
		docID, err := db.createDocument(ctx, tx.tx, workspace.DocumentMinutes, text)
		if err != nil {
			return err
		}
		m.MinutesDocumentID = &docID
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE meetings SET status = ?, started_at = ?, minutes_document_id = ?, current_item_id = ?, current_item_since = ?, updated_at = ?
			WHERE id = ?`,
			m.Status, m.StartedAt, m.MinutesDocumentID, m.CurrentItemID, m.CurrentItemSince, m.UpdatedAt, m.ID); err != nil {
			return fmt.Errorf("sqlite: start meeting: %w", err)
		}
		if err := db.recordAudit(ctx, tx.tx, actor, workspace.AuditMeetingStart, "meeting", m.ID, before, auditMeeting(m)); err != nil {
			return err
		}
		started = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return started, nil
}

// CloseMeeting closes a live meeting (CanRunMeeting): the current item's
// time is counted and the meeting is left with no current item, the
// speaker's turn ends, waiting requests are withdrawn, and the meeting's
// minutes and pending actions (its own, and those its matters-arising
// items followed up that are still pending) are carried over to the
// earliest planned meeting of the same kind starting after it, if one is
// planned (else to the next one created). Closing a meeting that is not
// live (planned, or already closed) is ECONFLICT. It returns the meeting
// as closed.
func (db *DB) CloseMeeting(ctx context.Context, actor workspace.Actor, id int64) (*workspace.Meeting, error) {
	return db.CloseMeetingIf(ctx, actor, id, nil)
}

// CloseMeetingIf is CloseMeeting when check, given the meeting's record
// (its agenda, invitees and their attendance) as the transaction reads it
// just before closing, returns nil; its error is returned as it is and
// nothing is written. The server closes a meeting whose minutes need no
// update this way, checking that they show the attendance as it is at the
// close. check may be nil.
func (db *DB) CloseMeetingIf(ctx context.Context, actor workspace.Actor, id int64, check func(*workspace.MeetingRecord) error) (*workspace.Meeting, error) {
	var closed *workspace.Meeting
	err := db.withWriteTx(ctx, func(tx *Tx) error {
		var err error
		closed, err = tx.CloseMeeting(ctx, actor, id, check)
		return err
	})
	if err != nil {
		return nil, err
	}
	return closed, nil
}

// CloseMeeting is DB.CloseMeetingIf inside tx: the server closes a meeting
// in the transaction of the update that writes the attendance at the close
// into its minutes, check making sure that the attendance it wrote is
// still the meeting's.
func (tx *Tx) CloseMeeting(ctx context.Context, actor workspace.Actor, id int64, check func(*workspace.MeetingRecord) error) (*workspace.Meeting, error) {
	return tx.db.closeMeeting(ctx, tx.tx, actor, id, check, tx.now)
}

func (db *DB) closeMeeting(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, id int64, check func(*workspace.MeetingRecord) error, now time.Time) (*workspace.Meeting, error) {
	actor, err := findActor(ctx, tx, actor)
	if err != nil {
		return nil, err
	}
	m, err := findMeetingByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := workspace.CanRunMeeting(actor, m); err != nil {
		return nil, err
	}
	if check != nil {
		rec, err := findMeetingRecord(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if err := check(rec); err != nil {
			return nil, err
		}
	}
	before := auditMeeting(m)
	if err := countCurrentItem(ctx, tx, m, now); err != nil {
		return nil, err
	}
	if _, err := endSpeaking(ctx, tx, m.ID, now); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE meeting_speakers SET status = ?, ended_at = ? WHERE meeting_id = ? AND status = ?`,
		workspace.SpeakerWithdrawn, now, m.ID, workspace.SpeakerWaiting); err != nil {
		return nil, fmt.Errorf("sqlite: close meeting: %w", err)
	}
	m.Status, m.ClosedAt, m.CurrentItemID, m.CurrentItemSince, m.UpdatedAt = workspace.MeetingClosed, &now, nil, nil, now
	if _, err := tx.ExecContext(ctx, `
		UPDATE meetings SET status = ?, closed_at = ?, current_item_id = NULL, current_item_since = NULL, updated_at = ? WHERE id = ?`,
		m.Status, m.ClosedAt, m.UpdatedAt, m.ID); err != nil {
		return nil, fmt.Errorf("sqlite: close meeting: %w", err)
	}
	if err := db.recordAudit(ctx, tx, actor, workspace.AuditMeetingClose, "meeting", m.ID, before, auditMeeting(m)); err != nil {
		return nil, err
	}
	next, err := findMeetings(ctx, tx, `m.kind = ? AND m.status = ? AND m.starts_at > ? AND m.id <> ?`,
		[]any{m.Kind, workspace.MeetingPlanned, m.StartsAt, m.ID}, "m.starts_at, m.id", 1, 0)
	if err != nil {
		return nil, err
	}
	if len(next) > 0 {
		if err := db.carryOver(ctx, tx, actor, next[0], []*workspace.Meeting{m}, now); err != nil {
			return nil, err
		}
		m.CarriedOver = true
	}
	return m, nil
}

// FindMeetingRecord returns the meeting with id with its agenda (items in
// order, each with its presenter, procedures, decision and actions, and
// the actions a matters-arising item follows up), its invitees (by
// organisation, then name) and its open requests for the floor (in the
// order they were asked), read in one transaction, in a fixed handful of
// queries whatever the size of the agenda.
func (db *DB) FindMeetingRecord(ctx context.Context, id int64) (*workspace.MeetingRecord, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find meeting record: %w", err)
	}
	defer tx.Rollback()
	return findMeetingRecord(ctx, tx, id)
}

// findMeetingRecord reads a meeting's record inside tx, which the caller
// has begun so that every part is read at the same moment.
func findMeetingRecord(ctx context.Context, tx *sqlx.Tx, id int64) (*workspace.MeetingRecord, error) {
	m, err := findMeetingByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	rec := &workspace.MeetingRecord{Meeting: m}
	if rec.Items, err = findAgenda(ctx, tx, id); err != nil {
		return nil, err
	}
	if rec.Invitees, err = findInvitees(ctx, tx, id); err != nil {
		return nil, err
	}
	if rec.Speakers, err = findSpeakers(ctx, tx, "s.meeting_id = ? AND s.status IN (?, ?)", id, workspace.SpeakerWaiting, workspace.SpeakerSpeaking); err != nil {
		return nil, err
	}
	return rec, nil
}

// placeholders returns n comma-separated question marks, for an IN list.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// int64Args returns ids as query arguments.
func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// uniqueIDs returns ids sorted, without repeats, never nil.
func uniqueIDs(ids []int64) []int64 {
	out := append([]int64{}, ids...)
	slices.Sort(out)
	return slices.Compact(out)
}

// nonNil returns ids, or an empty list for nil, so that the audit log
// writes [] rather than null.
func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// findMeetingToChange reads the meeting a change is about and checks that
// actor may change it (CanChangeMeeting): the first step of every write to
// a meeting's details, invitees, agenda or attendance.
func findMeetingToChange(ctx context.Context, q sqlx.QueryerContext, actor workspace.Actor, meetingID int64) (*workspace.Meeting, error) {
	m, err := findMeetingByID(ctx, q, meetingID)
	if err != nil {
		return nil, err
	}
	if err := workspace.CanChangeMeeting(actor, m); err != nil {
		return nil, err
	}
	return m, nil
}

// findMeetingToTakePart reads the meeting and the actor's invitation to it
// (nil for an account that is not invited, and for the system), and checks
// that actor may take part in it (CanTakePart): the first step of checking
// in and of asking for the floor.
func findMeetingToTakePart(ctx context.Context, q sqlx.QueryerContext, actor workspace.Actor, meetingID int64) (*workspace.Meeting, *workspace.MeetingInvitee, error) {
	m, err := findMeetingByID(ctx, q, meetingID)
	if err != nil {
		return nil, nil, err
	}
	var inv *workspace.MeetingInvitee
	if actor.AccountID != nil {
		if inv, err = findInvitee(ctx, q, meetingID, *actor.AccountID); err != nil {
			return nil, nil, err
		}
	}
	if err := workspace.CanTakePart(actor, m, inv); err != nil {
		return nil, nil, err
	}
	return m, inv, nil
}
