package server

import (
	"context"
	"time"
)

// runEvery runs run at once and then every interval, in a goroutine of
// its own, until ctx is done or the server shuts down; Shutdown waits for
// a run under way (purgers counts it), so that the store can be closed
// after it. The purger and the session sweeper run so.
func (s *Server) runEvery(ctx context.Context, every time.Duration, run func(context.Context)) {
	ctx, cancel := context.WithCancel(ctx)
	s.purgers.Add(1)
	go func() {
		defer s.purgers.Done()
		defer cancel()
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		for {
			run(ctx)
			select {
			case <-ctx.Done():
				return
			case <-s.stopPurgers:
				return
			case <-ticker.C:
			}
		}
	}()
}
