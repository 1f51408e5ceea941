package sqlite

// The store of meetings. The signatures below are the contract the server,
// the live room (package meeting) and the demo build on; every method is
// one transaction and, when it changes something, takes the Actor, reads
// its account again, checks the workspace rule (CanManageMeetings,
// CanChangeMeeting, CanStartMeeting, CanRunMeeting, CanTakePart,
// CanUpdateAction, CanReadMeetings where an actor is given), writes and
// audits (workspace.AuditMeeting*, AuditAgenda*, …).

import (
	"context"
	"errors"
	"time"

	"tawla/workspace"
)

var errMeetingsNotYet = errors.New("sqlite: meetings: not implemented yet")

// MeetingFilter selects meetings; zero fields select every meeting.
type MeetingFilter struct {
	// When is "upcoming" (not closed, ending at or after Now), "past"
	// (closed, or ended before Now) or "" for both. Upcoming meetings come
	// soonest first, past ones latest first.
	When string
	Now  time.Time
	Kind workspace.MeetingKind
	// InvitedAccountID, when set, keeps the meetings that account is
	// invited to.
	InvitedAccountID int64
	Limit, Offset    int
}

// CreateMeeting validates m and stores it as planned, with the given
// invitees (nil: every active account of a member, the secretariat or an
// admin), setting m's ID, Status and timestamps. Closed meetings of the
// same kind that start before m and were not yet carried over put their
// minutes (an item of kind minutes_approval) and their pending actions (one
// matters_arising item) on m's agenda, in the same transaction.
func (db *DB) CreateMeeting(ctx context.Context, actor workspace.Actor, m *workspace.Meeting, invitees []int64) error {
	return errMeetingsNotYet
}

// UpdateMeeting validates m and stores its details (title, kind, language,
// times, place, link, quorum rule) over the meeting with m.ID
// (CanChangeMeeting).
func (db *DB) UpdateMeeting(ctx context.Context, actor workspace.Actor, m *workspace.Meeting) error {
	return errMeetingsNotYet
}

// SetMeetingInvitees makes accountIDs the meeting's invitees; those who
// stay keep their attendance (CanChangeMeeting). Unknown or inactive
// accounts and stakeholders are EINVALID.
func (db *DB) SetMeetingInvitees(ctx context.Context, actor workspace.Actor, meetingID int64, accountIDs []int64) error {
	return errMeetingsNotYet
}

// FindMeetingByID returns the meeting with id, or ENOTFOUND.
func (db *DB) FindMeetingByID(ctx context.Context, id int64) (*workspace.Meeting, error) {
	return nil, errMeetingsNotYet
}

// FindMeetingByMinutes returns the meeting whose minutes are the document
// with id, or ENOTFOUND.
func (db *DB) FindMeetingByMinutes(ctx context.Context, documentID int64) (*workspace.Meeting, error) {
	return nil, errMeetingsNotYet
}

// FindMeetings returns the meetings filter selects, a page at a time, with
// how many it selects in all.
func (db *DB) FindMeetings(ctx context.Context, filter MeetingFilter) ([]*workspace.Meeting, int, error) {
	return nil, 0, errMeetingsNotYet
}

// FindMeetingRecord returns the meeting with id with its agenda, invitees
// and open requests for the floor, read in one transaction.
func (db *DB) FindMeetingRecord(ctx context.Context, id int64) (*workspace.MeetingRecord, error) {
	return nil, errMeetingsNotYet
}

// StartMeeting makes a planned meeting live (CanStartMeeting), creates its
// minutes — a document of kind minutes whose text is what prefill returns
// for the meeting as it stands — and makes its first agenda item current.
// It returns the meeting as started.
func (db *DB) StartMeeting(ctx context.Context, actor workspace.Actor, id int64, prefill func(*workspace.MeetingRecord) string) (*workspace.Meeting, error) {
	return nil, errMeetingsNotYet
}

// CloseMeeting closes a live meeting (CanRunMeeting): the current item's
// time is counted, the speaker's turn ends, waiting requests are
// withdrawn, and the meeting's minutes and pending actions (its own, and
// those its matters-arising items followed up that are still pending) are
// carried over to the next planned meeting of the same kind, if one is
// planned (else to the next one created). Closing a closed meeting is
// ECONFLICT.
func (db *DB) CloseMeeting(ctx context.Context, actor workspace.Actor, id int64) (*workspace.Meeting, error) {
	return nil, errMeetingsNotYet
}

// AddAgendaItem validates it and appends it to its meeting's agenda, linked
// to procedureIDs (CanChangeMeeting), setting its ID and Position.
func (db *DB) AddAgendaItem(ctx context.Context, actor workspace.Actor, it *workspace.AgendaItem, procedureIDs []int64) error {
	return errMeetingsNotYet
}

// UpdateAgendaItem validates it and stores its title, description,
// duration, presenter and procedure links over the item with it.ID
// (CanChangeMeeting). Items the table added itself keep their kind and
// empty title; only their duration, presenter and description change.
func (db *DB) UpdateAgendaItem(ctx context.Context, actor workspace.Actor, it *workspace.AgendaItem, procedureIDs []int64) error {
	return errMeetingsNotYet
}

// DeleteAgendaItem removes an item that has no decision and is not the
// current one, and renumbers the rest (CanChangeMeeting).
func (db *DB) DeleteAgendaItem(ctx context.Context, actor workspace.Actor, id int64) error {
	return errMeetingsNotYet
}

// ReorderAgenda puts the meeting's items in the order of itemIDs, which
// must list each of its items exactly once (CanChangeMeeting).
func (db *DB) ReorderAgenda(ctx context.Context, actor workspace.Actor, meetingID int64, itemIDs []int64) error {
	return errMeetingsNotYet
}

// SetAttendance records an invitee's attendance (CanManageMeetings, on a
// meeting that is not closed).
func (db *DB) SetAttendance(ctx context.Context, actor workspace.Actor, meetingID, accountID int64, a workspace.Attendance) error {
	return errMeetingsNotYet
}

// CheckIn marks the actor present at a live meeting it is invited to
// (CanTakePart). Checking in twice is not an error.
func (db *DB) CheckIn(ctx context.Context, actor workspace.Actor, meetingID int64) error {
	return errMeetingsNotYet
}

// MoveCurrentItem makes itemID (an item of the meeting) the current one
// (CanRunMeeting), adding the time since the last move to the item that
// was current.
func (db *DB) MoveCurrentItem(ctx context.Context, actor workspace.Actor, meetingID, itemID int64) error {
	return errMeetingsNotYet
}

// AskFloor adds the actor at the end of the list of speakers of a live
// meeting (CanTakePart). Asking while already waiting or speaking is
// ECONFLICT.
func (db *DB) AskFloor(ctx context.Context, actor workspace.Actor, meetingID int64) (*workspace.Speaker, error) {
	return nil, errMeetingsNotYet
}

// WithdrawFloor withdraws the actor's waiting request, if any.
func (db *DB) WithdrawFloor(ctx context.Context, actor workspace.Actor, meetingID int64) error {
	return errMeetingsNotYet
}

// GiveFloor ends the current speaker's turn and gives the floor to the
// waiting request speakerID (CanRunMeeting).
func (db *DB) GiveFloor(ctx context.Context, actor workspace.Actor, meetingID, speakerID int64) error {
	return errMeetingsNotYet
}

// NextSpeaker ends the current speaker's turn and gives the floor to the
// earliest waiting request, returning it, or nil when nobody waits
// (CanRunMeeting).
func (db *DB) NextSpeaker(ctx context.Context, actor workspace.Actor, meetingID int64) (*workspace.Speaker, error) {
	return nil, errMeetingsNotYet
}

// EndSpeaker ends the current speaker's turn, if any (CanRunMeeting).
func (db *DB) EndSpeaker(ctx context.Context, actor workspace.Actor, meetingID int64) error {
	return errMeetingsNotYet
}

// RecordDecision validates d and stores it as the decision of its agenda
// item, replacing the item's earlier decision (CanManageMeetings, on a
// live or closed meeting), setting d's ID and MeetingID. An adopted
// decision on a minutes_approval item marks the source meeting's minutes
// approved.
func (db *DB) RecordDecision(ctx context.Context, actor workspace.Actor, d *workspace.Decision) error {
	return errMeetingsNotYet
}

// RecordDecision is DB.RecordDecision inside tx: the server records a
// decision in the transaction of the update that writes it into the
// minutes.
func (tx *Tx) RecordDecision(ctx context.Context, actor workspace.Actor, d *workspace.Decision) error {
	return errMeetingsNotYet
}

// AddAction validates a and adds it to its decision (CanManageMeetings),
// setting its ID, MeetingID and timestamps.
func (db *DB) AddAction(ctx context.Context, actor workspace.Actor, a *workspace.Action) error {
	return errMeetingsNotYet
}

// UpdateAction validates a and stores it over the action with a.ID: the
// secretariat changes every field; a member of the owner organisation
// only the status (CanUpdateAction).
func (db *DB) UpdateAction(ctx context.Context, actor workspace.Actor, a *workspace.Action) error {
	return errMeetingsNotYet
}

// ActionFilter selects actions; zero fields select every action.
type ActionFilter struct {
	OrganisationID int64
	MeetingID      int64
	// Pending keeps the actions open or in progress.
	Pending bool
	// OverdueOn, a day "YYYY-MM-DD", keeps the pending actions due before
	// it.
	OverdueOn     string
	Limit, Offset int
}

// FindActions returns the actions filter selects, soonest due first, with
// their owner organisations and meeting titles, and how many it selects
// in all.
func (db *DB) FindActions(ctx context.Context, filter ActionFilter) ([]*workspace.Action, int, error) {
	return nil, 0, errMeetingsNotYet
}

// FindActionByID returns the action with id, or ENOTFOUND.
func (db *DB) FindActionByID(ctx context.Context, id int64) (*workspace.Action, error) {
	return nil, errMeetingsNotYet
}

// ResetCalendarFeed gives the actor's account a new secret calendar-feed
// token, replacing any earlier one, and returns it; only its digest is
// stored.
func (db *DB) ResetCalendarFeed(ctx context.Context, actor workspace.Actor) (string, error) {
	return "", errMeetingsNotYet
}

// HasCalendarFeed reports whether accountID has a calendar feed.
func (db *DB) HasCalendarFeed(ctx context.Context, accountID int64) (bool, error) {
	return false, errMeetingsNotYet
}

// FindCalendarFeedAccount returns the active account whose calendar-feed
// token is token, or ENOTFOUND.
func (db *DB) FindCalendarFeedAccount(ctx context.Context, token string) (*workspace.Account, error) {
	return nil, errMeetingsNotYet
}
