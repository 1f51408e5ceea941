package workspace

import (
	"net/url"
	"strings"
	"time"
)

// MeetingKind says whether a meeting is a plenary of the whole table or a
// working group's.
type MeetingKind string

// The kinds of meetings.
const (
	MeetingPlenary      MeetingKind = "plenary"
	MeetingWorkingGroup MeetingKind = "working_group"
)

// MeetingKinds lists the kinds in the order forms offer them.
var MeetingKinds = []MeetingKind{MeetingPlenary, MeetingWorkingGroup}

// Valid reports whether k is a known kind.
func (k MeetingKind) Valid() bool { return k == MeetingPlenary || k == MeetingWorkingGroup }

// MeetingStatus is where a meeting stands: planned, then live once the
// secretariat starts it, then closed; or, instead of taking place, a
// planned meeting is cancelled. It never goes back.
type MeetingStatus string

// The statuses of a meeting.
const (
	MeetingPlanned   MeetingStatus = "planned"
	MeetingLive      MeetingStatus = "live"
	MeetingClosed    MeetingStatus = "closed"
	MeetingCancelled MeetingStatus = "cancelled"
)

// MeetingStatuses lists the statuses in their order.
var MeetingStatuses = []MeetingStatus{MeetingPlanned, MeetingLive, MeetingClosed, MeetingCancelled}

// Meeting is a meeting of the table: a plenary or a working group's, with
// its invited members (MeetingInvitee), its ordered agenda (AgendaItem),
// its minutes (a co-edited Document of kind DocumentMinutes, made when the
// meeting starts) and, once live, the state of its room.
type Meeting struct {
	ID    int64
	Title string
	Kind  MeetingKind
	// Language is the one the minutes are pre-filled in: "fr" or "ar".
	Language   string
	StartsAt   time.Time
	EndsAt     time.Time
	Place      string
	OnlineLink string
	Status     MeetingStatus
	QuorumRule QuorumRule

	// MinutesDocumentID is the minutes' document, nil until the meeting
	// starts; MinutesApprovedAt is set when a later meeting adopts them.
	MinutesDocumentID *int64
	MinutesApprovedAt *time.Time

	// CurrentItemID is the agenda item under discussion in the live room,
	// current since CurrentItemSince; nil before the first move.
	CurrentItemID    *int64
	CurrentItemSince *time.Time

	StartedAt *time.Time
	ClosedAt  *time.Time
	// CarriedOver is set once the meeting's open actions and its minutes
	// were put on a later meeting's agenda.
	CarriedOver bool
	CreatedBy   *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// CancelledAt, CancelledBy and CancelReason say when, by whom and why
	// the meeting was cancelled; set only when Status is MeetingCancelled.
	CancelledAt  *time.Time
	CancelledBy  *int64
	CancelReason string
}

// Cancelled reports whether the meeting was cancelled.
func (m *Meeting) Cancelled() bool { return m.Status == MeetingCancelled }

// Sequence is the meeting's revision as calendars count it (the SEQUENCE
// of its event, RFC 5545 3.8.7.4): 0 as planned, held or closed, and 1 once
// cancelled, the one change a subscribed calendar must not miss. A
// cancelled meeting is never planned again, so the number only grows.
func (m *Meeting) Sequence() int {
	if m.Cancelled() {
		return 1
	}
	return 0
}

// CheckCancelReason trims a reason given to cancel a meeting and reports
// the first problem with it as an EINVALID *Error on "reason": it is
// required, and is one to a few lines (at most 1,000 characters).
func CheckCancelReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", Invalid("reason", "error.meeting.cancel_reason_required", "Say why the meeting is cancelled.")
	}
	if err := checkText("reason", reason, 1000); err != nil {
		return "", err
	}
	return reason, nil
}

// Validate trims m's texts and reports the first problem with them as an
// EINVALID *Error, or nil. Status and the room's state are not the form's
// to set, and are not looked at.
func (m *Meeting) Validate() error {
	m.Title = strings.TrimSpace(m.Title)
	m.Place = strings.TrimSpace(m.Place)
	m.OnlineLink = strings.TrimSpace(m.OnlineLink)
	if m.Title == "" {
		return Invalid("title", "error.meeting.title_required", "A meeting needs a title.")
	}
	if err := checkLine("title", m.Title, 200); err != nil {
		return err
	}
	if !m.Kind.Valid() {
		return Invalid("kind", "error.meeting.kind_invalid", "Choose a plenary or a working group.")
	}
	if m.Language != "fr" && m.Language != "ar" {
		return Invalid("language", "error.procedure.language_invalid", "Choose French or Arabic.")
	}
	if m.StartsAt.IsZero() || !inYears(m.StartsAt) {
		return Invalid("starts_at", "error.meeting.start_required", "Give the date and time the meeting starts.")
	}
	if !m.EndsAt.After(m.StartsAt) {
		return Invalid("ends_at", "error.meeting.end_before_start", "The meeting must end after it starts.")
	}
	if m.EndsAt.Sub(m.StartsAt) > 7*24*time.Hour {
		return Invalid("ends_at", "error.meeting.too_long", "A meeting lasts at most a week.")
	}
	if err := checkLine("place", m.Place, 300); err != nil {
		return err
	}
	if err := checkLine("online_link", m.OnlineLink, 500); err != nil {
		return err
	}
	if m.OnlineLink != "" {
		u, err := url.Parse(m.OnlineLink)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Invalid("online_link", "error.meeting.link_invalid", "The online link must be a web address (https://…).")
		}
	}
	if !m.QuorumRule.Valid() {
		return Invalid("quorum_rule", "error.meeting.quorum_rule_invalid", "Choose a quorum rule.")
	}
	return nil
}

// Attendance is whether an invited member came: not yet known (invited),
// present, excused or absent.
type Attendance string

// The attendance of an invited member.
const (
	AttendanceInvited Attendance = "invited"
	AttendancePresent Attendance = "present"
	AttendanceExcused Attendance = "excused"
	AttendanceAbsent  Attendance = "absent"
)

// Attendances lists the attendance values in the order forms offer them.
var Attendances = []Attendance{AttendanceInvited, AttendancePresent, AttendanceExcused, AttendanceAbsent}

// Valid reports whether a is a known attendance.
func (a Attendance) Valid() bool {
	for _, k := range Attendances {
		if a == k {
			return true
		}
	}
	return false
}

// MeetingInvitee is an account invited to a meeting, with its attendance.
type MeetingInvitee struct {
	MeetingID   int64
	AccountID   int64
	Attendance  Attendance
	CheckedInAt *time.Time

	// Account is the invited account with its organisation, filled when
	// reading.
	Account *Account
}

// AgendaItemKind says where an agenda item comes from: the secretariat
// wrote it, or it was added when the previous meeting closed, to approve
// its minutes or to follow up its actions.
type AgendaItemKind string

// The kinds of agenda items.
const (
	ItemOrdinary        AgendaItemKind = "ordinary"
	ItemMinutesApproval AgendaItemKind = "minutes_approval"
	ItemMattersArising  AgendaItemKind = "matters_arising"
)

// AgendaItem is one point of a meeting's agenda, at Position (1, 2, …).
type AgendaItem struct {
	ID                      int64
	MeetingID               int64
	Position                int
	Kind                    AgendaItemKind
	Title                   string
	Description             string
	DurationMinutes         int
	PresenterAccountID      *int64
	PresenterOrganisationID *int64
	// SourceMeetingID is the earlier meeting whose minutes a
	// minutes-approval item approves, or whose actions a matters-arising
	// item follows up.
	SourceMeetingID *int64
	// SpentSeconds is the time the item was current in the live room,
	// counted up to the last move away from it.
	SpentSeconds int
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// Filled when reading: the presenter (a person, with their
	// organisation, or an organisation), the procedures it links to, its
	// decision with its actions and, for matters arising, the actions it
	// follows up; SourceMeetingTitle is the title of SourceMeetingID.
	// Items of kind minutes_approval and matters_arising are stored with
	// an empty Title: pages name them in the reader's language from their
	// kind and SourceMeetingTitle.
	SourceMeetingTitle    string
	PresenterAccount      *Account
	PresenterOrganisation *Organisation
	Procedures            []*Procedure
	Decision              *Decision
	Actions               []*Action
}

// Planned returns the time planned for the item.
func (it *AgendaItem) Planned() time.Duration {
	return time.Duration(it.DurationMinutes) * time.Minute
}

// Spent returns the time spent on the item at now: what was counted, plus
// the time since it became current if it is the meeting's current item.
func (it *AgendaItem) Spent(m *Meeting, now time.Time) time.Duration {
	d := time.Duration(it.SpentSeconds) * time.Second
	if m != nil && m.Status == MeetingLive && m.CurrentItemID != nil && *m.CurrentItemID == it.ID && m.CurrentItemSince != nil && now.After(*m.CurrentItemSince) {
		d += now.Sub(*m.CurrentItemSince)
	}
	return d
}

// Validate trims the item's texts and reports the first problem with it
// as an EINVALID *Error, or nil. Only ordinary items are written through
// forms; the store makes the others itself when a meeting closes.
func (it *AgendaItem) Validate() error {
	if it.Kind == "" {
		it.Kind = ItemOrdinary
	}
	if it.Kind != ItemOrdinary {
		return Invalid("kind", "error.agenda.kind_invalid", "This kind of agenda item is added by the table itself.")
	}
	it.Title = strings.TrimSpace(it.Title)
	it.Description = strings.TrimSpace(it.Description)
	if it.Title == "" {
		return Invalid("title", "error.agenda.title_required", "An agenda item needs a title.")
	}
	if err := checkLine("title", it.Title, 300); err != nil {
		return err
	}
	if err := checkText("description", it.Description, 5000); err != nil {
		return err
	}
	if it.DurationMinutes < 0 || it.DurationMinutes > 600 {
		return Invalid("duration_minutes", "error.agenda.duration_invalid", "Give a duration between 0 and 600 minutes.")
	}
	return nil
}

// DecisionOutcome is what the table decided on an agenda item.
type DecisionOutcome string

// The outcomes of a decision.
const (
	OutcomeAdopted   DecisionOutcome = "adopted"
	OutcomeRejected  DecisionOutcome = "rejected"
	OutcomePostponed DecisionOutcome = "postponed"
)

// DecisionOutcomes lists the outcomes in the order forms offer them.
var DecisionOutcomes = []DecisionOutcome{OutcomeAdopted, OutcomeRejected, OutcomePostponed}

// Valid reports whether o is a known outcome.
func (o DecisionOutcome) Valid() bool {
	return o == OutcomeAdopted || o == OutcomeRejected || o == OutcomePostponed
}

// Decision is what the table decided on one agenda item, with the actions
// it calls for. It appears in the meeting's minutes.
type Decision struct {
	ID           int64
	MeetingID    int64
	AgendaItemID int64
	Text         string
	Outcome      DecisionOutcome
	RecordedBy   *int64
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// Actions are filled when reading.
	Actions []*Action
}

// Validate trims d's text and reports the first problem as an EINVALID
// *Error, or nil.
func (d *Decision) Validate() error {
	d.Text = strings.TrimSpace(d.Text)
	if d.Text == "" {
		return Invalid("text", "error.decision.text_required", "Write the decision.")
	}
	if err := checkText("text", d.Text, 5000); err != nil {
		return err
	}
	if !d.Outcome.Valid() {
		return Invalid("outcome", "error.decision.outcome_invalid", "Choose adopted, rejected or postponed.")
	}
	return nil
}

// ActionStatus is where an action stands.
type ActionStatus string

// The statuses of an action.
const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionCancelled  ActionStatus = "cancelled"
)

// ActionStatuses lists the statuses in the order forms offer them.
var ActionStatuses = []ActionStatus{ActionOpen, ActionInProgress, ActionDone, ActionCancelled}

// Valid reports whether s is a known status.
func (s ActionStatus) Valid() bool {
	for _, k := range ActionStatuses {
		if s == k {
			return true
		}
	}
	return false
}

// Pending reports whether an action with status s still has to be done.
func (s ActionStatus) Pending() bool { return s == ActionOpen || s == ActionInProgress }

// DateLayout is the layout of a calendar day, as due dates are stored and
// sent by forms.
const DateLayout = "2006-01-02"

// Action is something a decision calls for: what, which organisation owns
// it, by when. Open actions come back to the next meeting as matters
// arising.
type Action struct {
	ID                  int64
	DecisionID          int64
	MeetingID           int64
	Title               string
	OwnerOrganisationID int64
	// DueDate is a calendar day in the table's time zone, "YYYY-MM-DD".
	DueDate   string
	Status    ActionStatus
	CreatedAt time.Time
	UpdatedAt time.Time

	// Owner is the owner organisation, filled when reading; MeetingTitle
	// the title of the meeting whose decision called for it.
	Owner        *Organisation
	MeetingTitle string
}

// Validate trims a's title and reports the first problem as an EINVALID
// *Error, or nil.
func (a *Action) Validate() error {
	a.Title = strings.TrimSpace(a.Title)
	a.DueDate = strings.TrimSpace(a.DueDate)
	if a.Title == "" {
		return Invalid("title", "error.action.title_required", "Say what is to be done.")
	}
	if err := checkLine("title", a.Title, 500); err != nil {
		return err
	}
	if a.OwnerOrganisationID <= 0 {
		return Invalid("owner_organisation_id", "error.action.owner_required", "Choose the organisation that owns the action.")
	}
	if _, ok := parseDay(a.DueDate); !ok {
		return Invalid("due_date", "error.action.due_date_invalid", "Give the due date as a day (YYYY-MM-DD).")
	}
	if a.Status == "" {
		a.Status = ActionOpen
	}
	if !a.Status.Valid() {
		return Invalid("status", "error.action.status_invalid", "Choose a status.")
	}
	return nil
}

// Overdue reports whether the action is still pending after its due date,
// today being the calendar day in the table's time zone ("YYYY-MM-DD").
func (a *Action) Overdue(today string) bool {
	return a.Status.Pending() && a.DueDate < today
}

// SpeakerStatus is where a request for the floor stands.
type SpeakerStatus string

// The statuses of a request for the floor.
const (
	SpeakerWaiting   SpeakerStatus = "waiting"
	SpeakerSpeaking  SpeakerStatus = "speaking"
	SpeakerDone      SpeakerStatus = "done"
	SpeakerWithdrawn SpeakerStatus = "withdrawn"
)

// Speaker is a request for the floor in a meeting's live room, in the
// order it was asked (ID order).
type Speaker struct {
	ID           int64
	MeetingID    int64
	AccountID    int64
	AgendaItemID *int64
	Status       SpeakerStatus
	RequestedAt  time.Time
	StartedAt    *time.Time
	EndedAt      *time.Time

	// Account is the speaker with its organisation, filled when reading.
	Account *Account
}

// MeetingRecord is a meeting with everything its pages and its live room
// show, read at one moment: its agenda in order (each item with its
// presenter, procedures, decision and actions), its invitees with their
// attendance, and its open requests for the floor in the order they were
// asked.
type MeetingRecord struct {
	Meeting  *Meeting
	Items    []*AgendaItem
	Invitees []*MeetingInvitee
	Speakers []*Speaker
}

// Quorum returns the meeting's quorum from its invitees' attendance.
func (r *MeetingRecord) Quorum() Quorum {
	return QuorumOf(r.Meeting.QuorumRule, r.Invitees)
}

// Invitee returns accountID's invitation, or nil when not invited.
func (r *MeetingRecord) Invitee(accountID int64) *MeetingInvitee {
	for _, inv := range r.Invitees {
		if inv.AccountID == accountID {
			return inv
		}
	}
	return nil
}

// Item returns the agenda item with id, or nil.
func (r *MeetingRecord) Item(id int64) *AgendaItem {
	for _, it := range r.Items {
		if it.ID == id {
			return it
		}
	}
	return nil
}

// CurrentItem returns the item under discussion, or nil.
func (r *MeetingRecord) CurrentItem() *AgendaItem {
	if r.Meeting.CurrentItemID == nil {
		return nil
	}
	return r.Item(*r.Meeting.CurrentItemID)
}
