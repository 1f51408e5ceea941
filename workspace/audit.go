package workspace

import "time"

// AuditEntry records one change: who made it, when, to what, and the state
// before and after where it matters. Entries are written in the same
// transaction as the change they record, and never changed afterwards.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    *int64
	ActorName  string
	Action     string
	EntityType string
	EntityID   int64
	Before     string
	After      string
}

// Audit actions.
const (
	AuditOrganisationCreate = "organisation.create"
	AuditOrganisationUpdate = "organisation.update"
	AuditAccountCreate      = "account.create"
	AuditAccountUpdate      = "account.update"
	AuditAccountInvite      = "account.invite"
	AuditAccountPassword    = "account.password"
	AuditAccountLogin       = "account.login"
	AuditAccountLogout      = "account.logout"
	// AuditAccountLoginFailed records a wrong password given at the login
	// form for an account that exists, with the client's address (never
	// what was typed). The login throttle bounds how many an address can
	// cause.
	AuditAccountLoginFailed = "account.login_failed"
	AuditProcedureCreate    = "procedure.create"
	AuditProcedureUpdate    = "procedure.update"

	// Comments and observations.
	AuditCommentCreate     = "comment.create"
	AuditCommentResolve    = "comment.resolve"
	AuditCommentReopen     = "comment.reopen"
	AuditCommentAnswer     = "comment.answer"
	AuditCommentReattach   = "comment.reattach"
	AuditSuggestionAccept  = "suggestion.accept"
	AuditSuggestionReject  = "suggestion.reject"
	AuditConsultationOpen  = "consultation.open"
	AuditConsultationClose = "consultation.close"

	// Meetings, their agendas, attendance, live room, decisions and
	// actions, and calendar feeds.
	AuditMeetingCreate     = "meeting.create"
	AuditMeetingUpdate     = "meeting.update"
	AuditMeetingInvitees   = "meeting.invitees"
	AuditMeetingStart      = "meeting.start"
	AuditMeetingClose      = "meeting.close"
	AuditMeetingCancel     = "meeting.cancel"
	AuditMeetingMoveItem   = "meeting.move_item"
	AuditAgendaAdd         = "agenda.add"
	AuditAgendaUpdate      = "agenda.update"
	AuditAgendaDelete      = "agenda.delete"
	AuditAgendaReorder     = "agenda.reorder"
	AuditAgendaCarryOver   = "agenda.carry_over"
	AuditAttendanceSet     = "attendance.set"
	AuditAttendanceCheckIn = "attendance.check_in"
	AuditSpeakerAsk        = "speaker.ask"
	AuditSpeakerWithdraw   = "speaker.withdraw"
	AuditSpeakerGive       = "speaker.give"
	AuditSpeakerEnd        = "speaker.end"
	AuditDecisionRecord    = "decision.record"
	AuditMinutesApprove    = "minutes.approve"
	AuditActionCreate      = "action.create"
	AuditActionUpdate      = "action.update"
	AuditCalendarReset     = "calendar.reset"

	// Issues, their timelines, links and categories.
	AuditIssueCreate  = "issue.create"
	AuditIssueUpdate  = "issue.update"
	AuditIssueStatus  = "issue.status"
	AuditIssueAssign  = "issue.assign"
	AuditIssueComment = "issue.comment"
	AuditIssueLink    = "issue.link"
	AuditIssueUnlink  = "issue.unlink"
	AuditIssuePrivate = "issue.private"
	// AuditIssuePrivateView records that someone was shown an issue's
	// personal details (never what they hold).
	AuditIssuePrivateView = "issue.private_view"
	AuditIssueFollow      = "issue.follow"
	AuditIssueUnfollow    = "issue.unfollow"
	AuditCategoryCreate   = "category.create"
	AuditCategoryUpdate   = "category.update"

	// Votes: polls, ballots, and the versions they adopt.
	AuditPollCreate   = "poll.create"
	AuditPollUpdate   = "poll.update"
	AuditPollOpen     = "poll.open"
	AuditPollClose    = "poll.close"
	AuditVoteCast     = "vote.cast"
	AuditVersionAdopt = "version.adopt"
)

// AuditActions lists the actions the audit log can be filtered by.
var AuditActions = []string{
	AuditOrganisationCreate, AuditOrganisationUpdate,
	AuditAccountCreate, AuditAccountUpdate, AuditAccountInvite, AuditAccountPassword,
	AuditAccountLogin, AuditAccountLogout, AuditAccountLoginFailed,
	AuditProcedureCreate, AuditProcedureUpdate,
	AuditVersionFreeze, AuditVersionRestore, AuditVersionRestoreUndo, AuditDocumentSession,
	AuditCommentCreate, AuditCommentResolve, AuditCommentReopen, AuditCommentAnswer, AuditCommentReattach,
	AuditSuggestionAccept, AuditSuggestionReject, AuditConsultationOpen, AuditConsultationClose,
	AuditMeetingCreate, AuditMeetingUpdate, AuditMeetingInvitees, AuditMeetingStart, AuditMeetingClose,
	AuditMeetingCancel, AuditMeetingMoveItem, AuditAgendaAdd, AuditAgendaUpdate, AuditAgendaDelete, AuditAgendaReorder,
	AuditAgendaCarryOver, AuditAttendanceSet, AuditAttendanceCheckIn,
	AuditSpeakerAsk, AuditSpeakerWithdraw, AuditSpeakerGive, AuditSpeakerEnd,
	AuditDecisionRecord, AuditMinutesApprove, AuditActionCreate, AuditActionUpdate, AuditCalendarReset,
	AuditIssueCreate, AuditIssueUpdate, AuditIssueStatus, AuditIssueAssign, AuditIssueComment,
	AuditIssueLink, AuditIssueUnlink, AuditIssuePrivate, AuditIssuePrivateView, AuditIssueFollow, AuditIssueUnfollow, AuditCategoryCreate, AuditCategoryUpdate,
	AuditPollCreate, AuditPollUpdate, AuditPollOpen, AuditPollClose, AuditVoteCast, AuditVersionAdopt,
	AuditPublicationPublish, AuditRegisterWithdraw,
}

// AuditEntityTypes lists the kinds of things the audit log records changes
// to, which it can be filtered by.
var AuditEntityTypes = []string{"organisation", "account", "procedure", "document", "comment", "consultation",
	"meeting", "agenda_item", "decision", "action", "calendar_feed", "issue", "issue_category", "poll", "register_entry"}

// AuditFilter selects audit entries; zero fields select everything. Results
// are newest first, Limit at a time (at most 200).
type AuditFilter struct {
	Action     string
	EntityType string
	EntityID   *int64
	ActorID    *int64
	Since      *time.Time
	Until      *time.Time
	Limit      int
	Offset     int
}
