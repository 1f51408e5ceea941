package server

import "context"

// publishMeeting is a stand-in for the room helper's, until its branch is
// merged. DELETE before the final commit.
func (s *Server) publishMeeting(ctx context.Context, id int64) {}
