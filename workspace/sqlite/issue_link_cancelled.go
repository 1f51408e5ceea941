package sqlite

import (
	"context"
	"fmt"

	"tawla/workspace"
)

// linkTargetMeeting selects, for each kind of link that points into a
// meeting, the status of that meeting, given the target's id. Only these
// queries are ever run.
var linkTargetMeeting = map[workspace.IssueLinkKind]string{
	workspace.LinkMeeting:    `SELECT status FROM meetings WHERE id = ?`,
	workspace.LinkAgendaItem: `SELECT m.status FROM agenda_items t JOIN meetings m ON m.id = t.meeting_id WHERE t.id = ?`,
	workspace.LinkDecision:   `SELECT m.status FROM decisions t JOIN meetings m ON m.id = t.meeting_id WHERE t.id = ?`,
	workspace.LinkAction:     `SELECT m.status FROM actions t JOIN meetings m ON m.id = t.meeting_id WHERE t.id = ?`,
}

// checkLinkMeetingNotCancelled returns ECONFLICT
// (error.issue.link_meeting_cancelled) when l points to a cancelled
// meeting or to an agenda item, decision or action of one, read in the
// link's transaction. Other kinds of target pass.
func (tx *Tx) checkLinkMeetingNotCancelled(ctx context.Context, l *workspace.IssueLink) error {
	query, ok := linkTargetMeeting[l.TargetKind]
	if !ok {
		return nil
	}
	var status workspace.MeetingStatus
	if err := tx.tx.GetContext(ctx, &status, query, l.TargetID); err != nil {
		return fmt.Errorf("sqlite: link issue: %w", err)
	}
	if status == workspace.MeetingCancelled {
		return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.issue.link_meeting_cancelled",
			Message: "The meeting was cancelled: an issue can no longer be linked to it, nor to its agenda items, decisions and actions."}
	}
	return nil
}
