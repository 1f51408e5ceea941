package sqlite

import (
	"context"
	"fmt"
	"strings"

	"tawla/workspace"
)

// MeetingLinkTarget is something inside a meeting that an issue may be
// linked to, as the issue page's link form offers it: an agenda item, the
// decision taken on one, or an action.
type MeetingLinkTarget struct {
	MeetingID int64
	Kind      workspace.IssueLinkKind
	ID        int64
	// Position is the agenda item's place on its agenda, from 1: the
	// item's own, or, for a decision, the item it was taken on. An action
	// has none.
	Position int
	// Title is the agenda item's or the action's title; for a decision,
	// the title of its item.
	Title string
	// Outcome is a decision's.
	Outcome workspace.DecisionOutcome
}

// FindMeetingLinkTargets returns the agenda items, decisions and actions
// of the meetings meetingIDs, meeting by meeting in the order of
// meetingIDs, and within a meeting its items in their agenda's order, then
// the decisions in the same order, then the actions in the order they were
// added.
func (db *DB) FindMeetingLinkTargets(ctx context.Context, meetingIDs []int64) ([]*MeetingLinkTarget, error) {
	if len(meetingIDs) == 0 {
		return nil, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(meetingIDs)), ", ")
	args := make([]any, 0, 3*len(meetingIDs))
	for range 3 {
		for _, id := range meetingIDs {
			args = append(args, id)
		}
	}
	query := `
SELECT meeting_id, 'agenda_item' AS kind, id, position, title, '' AS outcome, 0 AS rank
  FROM agenda_items WHERE meeting_id IN (` + marks + `)
UNION ALL
SELECT d.meeting_id, 'decision', d.id, a.position, a.title, d.outcome, 1
  FROM decisions d JOIN agenda_items a ON a.id = d.agenda_item_id
 WHERE d.meeting_id IN (` + marks + `)
UNION ALL
SELECT meeting_id, 'action', id, 0, title, '', 2
  FROM actions WHERE meeting_id IN (` + marks + `)
ORDER BY 1, 7, 4, 3`
	var rows []struct {
		MeetingID int64  `db:"meeting_id"`
		Kind      string `db:"kind"`
		ID        int64  `db:"id"`
		Position  int    `db:"position"`
		Title     string `db:"title"`
		Outcome   string `db:"outcome"`
		Rank      int    `db:"rank"`
	}
	if err := db.read.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("sqlite: find meeting link targets: %w", err)
	}
	byMeeting := make(map[int64][]*MeetingLinkTarget, len(meetingIDs))
	for _, r := range rows {
		byMeeting[r.MeetingID] = append(byMeeting[r.MeetingID], &MeetingLinkTarget{
			MeetingID: r.MeetingID, Kind: workspace.IssueLinkKind(r.Kind), ID: r.ID,
			Position: r.Position, Title: r.Title, Outcome: workspace.DecisionOutcome(r.Outcome),
		})
	}
	targets := make([]*MeetingLinkTarget, 0, len(rows))
	for _, id := range meetingIDs {
		targets = append(targets, byMeeting[id]...)
		delete(byMeeting, id) // a meeting named twice is listed once
	}
	return targets, nil
}
