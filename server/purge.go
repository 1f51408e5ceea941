package server

import (
	"context"
	"time"
)

// DefaultPurgeInterval is how often a serving Tawla should purge dead
// sessions and invitations: a table of a few hundred people makes a few
// hundred a day, so hourly keeps the tables to what is alive.
const DefaultPurgeInterval = time.Hour

// StartPurger deletes dead sessions and invitations (see
// sqlite.DB.PurgeExpired) at once and then every interval, in a goroutine
// of its own, until ctx is done or the server shuts down; Shutdown waits
// for a purge under way, so that the store can be closed after it.
func (s *Server) StartPurger(ctx context.Context, every time.Duration) {
	s.runEvery(ctx, every, s.purge)
}

// purge runs one purge and logs what it did.
func (s *Server) purge(ctx context.Context) {
	n, err := s.db.PurgeExpired(ctx, s.db.Now())
	switch {
	case err != nil && ctx.Err() == nil:
		s.logger.Error("purge sessions and invitations", "err", err)
	case n.Sessions > 0 || n.Invitations > 0:
		s.logger.Info("purged", "sessions", n.Sessions, "invitations", n.Invitations)
	}
}
