package server

import (
	"context"

	"tawla/workspace/sqlite"
)

// publishIssueChange is a TEMPORARY stub of the live helper's function
// (server/handle_issue_live.go on branch issue-live), so that the board
// compiles alone. Delete this file once issue-live is merged.
func (s *Server) publishIssueChange(ctx context.Context, issueID int64, change *sqlite.IssueChange) {}
