package server

import (
	"context"
	"strconv"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// linkTargetMeetings bounds the meetings the issue page's link form
// offers, the most recent first, with what is inside each.
const linkTargetMeetings = 30

// optionGroup is a labelled group of a list's options (an <optgroup>).
type optionGroup struct {
	Label   string
	Options []option
}

// issueLinkTargets returns the issue page's list of what an issue may be
// linked to, each option's value "kind:id" (readLinkTarget): the recent
// meetings; then, meeting by meeting, their agenda items by the number
// the agenda shows, the decisions taken on them and their actions; then
// the procedures. Nobody has to know an item's number in the database.
func (s *Server) issueLinkTargets(ctx context.Context, p *page) ([]optionGroup, error) {
	meetings, _, err := s.db.FindMeetings(ctx, sqlite.MeetingFilter{SkipCancelled: true, Limit: linkTargetMeetings})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(meetings))
	meetingGroup := optionGroup{Label: p.T("issue.link.group_meetings")}
	for n, m := range meetings {
		ids[n] = m.ID
		meetingGroup.Options = append(meetingGroup.Options, linkOption(workspace.LinkMeeting, m.ID, s.meetingLabel(m)))
	}
	groups := []optionGroup{}
	if len(meetingGroup.Options) > 0 {
		groups = append(groups, meetingGroup)
	}
	inside, err := s.db.FindMeetingLinkTargets(ctx, ids)
	if err != nil {
		return nil, err
	}
	byMeeting := map[int64][]*sqlite.MeetingLinkTarget{}
	for _, t := range inside {
		byMeeting[t.MeetingID] = append(byMeeting[t.MeetingID], t)
	}
	for _, m := range meetings {
		g := optionGroup{Label: s.meetingLabel(m)}
		for _, t := range byMeeting[m.ID] {
			var label string
			switch t.Kind {
			case workspace.LinkAgendaItem:
				label = p.T("issue.link.target_item", "Number", t.Position, "Title", t.Title)
			case workspace.LinkDecision:
				outcome, err := optionLabel("decision_outcome", t.Outcome)
				if err != nil {
					return nil, err
				}
				label = p.T("issue.link.target_decision", "Number", t.Position, "Outcome", p.T(outcome))
			case workspace.LinkAction:
				label = p.T("issue.link.target_action", "Title", t.Title)
			}
			g.Options = append(g.Options, linkOption(t.Kind, t.ID, label))
		}
		if len(g.Options) > 0 {
			groups = append(groups, g)
		}
	}
	procs, err := s.db.FindProcedures(ctx)
	if err != nil {
		return nil, err
	}
	procGroup := optionGroup{Label: p.T("issue.link.group_procedures")}
	for _, proc := range procs {
		procGroup.Options = append(procGroup.Options, linkOption(workspace.LinkProcedure, proc.ID, proc.Title))
	}
	if len(procGroup.Options) > 0 {
		groups = append(groups, procGroup)
	}
	return groups, nil
}

// meetingLabel names a meeting in the link form: its day, then its title.
func (s *Server) meetingLabel(m *workspace.Meeting) string {
	return formatDay(m.StartsAt, s.location) + " — " + m.Title
}

// linkOption is one choice of the link form's list.
func linkOption(kind workspace.IssueLinkKind, id int64, label string) option {
	return option{Value: string(kind) + ":" + strconv.FormatInt(id, 10), Label: label}
}
