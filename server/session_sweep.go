package server

import (
	"context"
	"time"
)

// DefaultSessionSweepInterval is how often a serving Tawla closes the live
// connections of sessions that have ended meanwhile: a session ends for
// idleness without anyone logging out, and a connection that only pings
// would otherwise go on receiving the table's events under it.
const DefaultSessionSweepInterval = time.Minute

// StartSessionSweeper closes, at once and then every interval, the
// websocket connections whose session has ended (sweepSessions), in a
// goroutine of its own, until ctx is done or the server shuts down.
func (s *Server) StartSessionSweeper(ctx context.Context, every time.Duration) {
	s.runEvery(ctx, every, s.sweepSessions)
}

// sweepSessions asks the store which sessions of the open connections have
// ended (sqlite.DB.EndedSessions, which reads without counting a use) and
// closes their connections with 1008 "session ended", as a logout does.
func (s *Server) sweepSessions(ctx context.Context) {
	ids := s.hub.SessionIDs()
	if len(ids) == 0 {
		return
	}
	ended, err := s.db.EndedSessions(ctx, ids)
	if err != nil {
		if ctx.Err() == nil {
			s.logger.Error("find ended sessions", "err", err)
		}
		return
	}
	for _, id := range ended {
		s.hub.CloseSession(id)
	}
	if len(ended) > 0 {
		s.logger.Info("closed the connections of ended sessions", "sessions", len(ended))
	}
}
