package sqlite

import (
	"context"
	"fmt"

	"tawla/workspace"
)

// FindIssueLinkMeetings returns, for issue id's links to agenda items,
// decisions and actions, the meeting each target belongs to, by link id,
// so that a page can point to the target's place on its meeting's page.
// One query, however many links there are; ENOTFOUND is not returned for
// an issue without links (the map is then empty).
func (db *DB) FindIssueLinkMeetings(ctx context.Context, id int64) (map[int64]int64, error) {
	rows, err := db.read.QueryxContext(ctx, `
		SELECT l.id, COALESCE(ai.meeting_id, d.meeting_id, ac.meeting_id)
		FROM issue_links l
		LEFT JOIN agenda_items ai ON l.target_kind = ? AND ai.id = l.target_id
		LEFT JOIN decisions d ON l.target_kind = ? AND d.id = l.target_id
		LEFT JOIN actions ac ON l.target_kind = ? AND ac.id = l.target_id
		WHERE l.issue_id = ? AND l.target_kind IN (?, ?, ?)`,
		workspace.LinkAgendaItem, workspace.LinkDecision, workspace.LinkAction, id,
		workspace.LinkAgendaItem, workspace.LinkDecision, workspace.LinkAction)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find issue link meetings: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var linkID int64
		var meetingID *int64
		if err := rows.Scan(&linkID, &meetingID); err != nil {
			return nil, fmt.Errorf("sqlite: find issue link meetings: %w", err)
		}
		if meetingID != nil {
			out[linkID] = *meetingID
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: find issue link meetings: %w", err)
	}
	return out, nil
}
