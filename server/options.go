package server

import (
	"fmt"

	"tawla/workspace"
)

// option is one choice of a select or a radio group: the value the form
// sends and the catalogue key of its label. A choice among records (an
// organisation, a person) has no key: its Label is the name to show.
type option struct {
	Value    string
	LabelKey string
	Label    string
}

// enumOptions holds, by name, every enumeration that a page names or
// offers as a choice, in the order the interface lists it, with the
// catalogue key of each value's label. It is the one place where those keys
// are made: templates list the choices with {{range options "college"}} and
// name one value with {{$.T (optionLabel "college" .College)}}.
var enumOptions = map[string][]option{
	"college":            enumChoices(workspace.Colleges, "college."),
	"role":               enumChoices(workspace.Roles, "role."),
	"language":           enumChoices(workspace.Languages, "language."),
	"procedure_category": enumChoices(workspace.ProcedureCategories, "procedure.category."),
	"procedure_language": enumChoices(workspace.ProcedureLanguages, "language."),
	"audit_action":       enumChoices(workspace.AuditActions, "audit.action."),
	"audit_entity":       enumChoices(workspace.AuditEntityTypes, "audit.entity."),
	"comment_kind":       enumChoices([]workspace.CommentKind{workspace.KindComment, workspace.KindSuggestion}, "comment.kind."),
	"comment_status":     enumChoices(workspace.CommentStatuses, "comment.status."),
	"answer":             enumChoices(workspace.Answers, "answer."),
	"answered":           enumChoices([]string{"yes", "no"}, "observations.answered."),
	// Meetings.
	"meeting_kind":   enumChoices(workspace.MeetingKinds, "meeting.kind."),
	"meeting_status": enumChoices(workspace.MeetingStatuses, "meeting.status."),
	"quorum_rule":    enumChoices(workspace.QuorumRules, "quorum.rule."),
	"attendance":     enumChoices(workspace.Attendances, "attendance."),
	"meeting_when":   enumChoices([]string{"upcoming", "past"}, "meetings.when."),
	// Named on the meeting page's own agenda, until the shared agenda
	// partial (web/templates/common/agenda.html) replaces it.
	// Decisions and actions of meetings; the actions page filters by
	// status, or by every pending status at once.
	"decision_outcome":     enumChoices(workspace.DecisionOutcomes, "decision.outcome."),
	"action_status":        enumChoices(workspace.ActionStatuses, "actions.status."),
	"action_status_filter": append([]option{{Value: actionFilterPending, LabelKey: "actions.filter.pending"}}, enumChoices(workspace.ActionStatuses, "actions.status.")...),
	// The meeting room (handle_meeting_room.go).
	"room_status":     enumChoices(workspace.MeetingStatuses, "room.status."),
	"room_attendance": enumChoices(workspace.Attendances, "room.attendance."),
	"room_speaker":    enumChoices([]workspace.SpeakerStatus{workspace.SpeakerWaiting, workspace.SpeakerSpeaking}, "room.speaker."),
	// Notifications (handle_notification.go): what happened to the issue.
	"notification_kind": enumChoices([]workspace.NotificationKind{workspace.NotifyIssueNew,
		workspace.NotifyIssueAssigned, workspace.NotifyIssueComment, workspace.NotifyIssueStatus,
		workspace.NotifyCommentReply, workspace.NotifyCommentAnswer}, "notification.kind."),
	// Issues (handle_issue.go).
	"issue_status":    enumChoices(workspace.IssueStatuses, "issue.status."),
	"issue_priority":  enumChoices(workspace.IssuePriorities, "issue.priority."),
	"issue_link_kind": enumChoices(workspace.IssueLinkKinds, "issue.link_kind."),
	"issue_overdue":   enumChoices([]string{"yes"}, "issues.overdue_filter."),
	"delegation":      enumChoices(workspace.Delegations, "delegation."),
	// Votes (handle_poll*.go).
	"poll_kind":         enumChoices(workspace.PollKinds, "poll.kind."),
	"poll_mode":         enumChoices([]workspace.BallotMode{workspace.BallotNamed, workspace.BallotSecret}, "poll.mode."),
	"poll_unit":         enumChoices([]workspace.VoteUnit{workspace.VotePerPerson, workspace.VotePerOrganisation}, "poll.unit."),
	"poll_status":       enumChoices([]workspace.PollStatus{workspace.PollDraft, workspace.PollOpen, workspace.PollClosed}, "poll.status."),
	"poll_majority":     enumChoices(workspace.MajorityRules, "poll.majority."),
	"poll_college_rule": enumChoices(workspace.CollegeRules, "poll.college_rule."),
}

// enumChoices returns the options of an enumeration whose label keys are
// keyPrefix followed by the value.
func enumChoices[T ~string](values []T, keyPrefix string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: string(v), LabelKey: keyPrefix + string(v)}
	}
	return out
}

// options returns the choices of the enumeration called name. An unknown
// name is an error, which stops the template (TestTemplateOptions finds it
// first).
func options(name string) ([]option, error) {
	list, ok := enumOptions[name]
	if !ok {
		return nil, fmt.Errorf("options: no enumeration %q", name)
	}
	return list, nil
}

// optionLabel returns the catalogue key of the label of value, a value of
// the enumeration called name (a string or a type such as
// workspace.College). A value the enumeration lacks comes back as it is, so
// that the page shows it rather than nothing.
func optionLabel(name string, value any) (string, error) {
	list, err := options(name)
	if err != nil {
		return "", err
	}
	v := fmt.Sprint(value)
	for _, o := range list {
		if o.Value == v {
			return o.LabelKey, nil
		}
	}
	return v, nil
}

// OrganisationOptions returns the choices of an organisation among orgs,
// each named in the page's language.
func (p *page) OrganisationOptions(orgs []*workspace.Organisation) []option {
	out := make([]option, len(orgs))
	for i, o := range orgs {
		out[i] = option{Value: fmt.Sprint(o.ID), Label: o.Name(p.Lang)}
	}
	return out
}

// AccountOptions returns the choices of a person among accounts.
func (p *page) AccountOptions(accounts []*workspace.Account) []option {
	out := make([]option, len(accounts))
	for i, a := range accounts {
		out[i] = option{Value: fmt.Sprint(a.ID), Label: a.Name}
	}
	return out
}
