package server

import (
	"context"
	"time"
)

// The poll scheduler closes every open poll at its deadline (ClosesAt),
// whether anyone is connected or not, and, when the server starts, every
// poll whose deadline passed while it was down. It reads time from the
// store's clock, so that tests move it; pollsChanged wakes it when a poll
// was created, changed, opened or closed, and its next deadline may have
// moved.

// maxPollWait bounds how long the scheduler sleeps without looking at the
// store again, so that a deadline is never missed by more than that even
// if a wake-up was lost or the clock jumped.
const maxPollWait = time.Minute

// startPollScheduler closes the polls due now and then at each deadline,
// in a goroutine of its own, until the server shuts down (Shutdown waits
// for a closing under way, so that the store can be closed after it).
func (s *Server) startPollScheduler() {
	ctx, cancel := context.WithCancel(context.Background())
	s.purgers.Add(1)
	go func() {
		defer s.purgers.Done()
		defer cancel()
		go func() {
			<-s.stopPurgers
			cancel()
		}()
		timer := time.NewTimer(time.Hour)
		defer timer.Stop()
		for {
			wait := s.closePollsDue(ctx)
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-s.pollWake:
			case <-timer.C:
			}
		}
	}()
}

// pollsChanged wakes the scheduler: a poll's deadline may have changed.
// It never blocks.
func (s *Server) pollsChanged() {
	select {
	case s.pollWake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// closePollsDue closes the polls whose deadline has passed, publishes each
// one closed — even when others failed to close, which are logged and
// tried again after maxPollWait — and returns how long to wait for the
// next deadline.
func (s *Server) closePollsDue(ctx context.Context) time.Duration {
	closed, err := s.db.ClosePollsDue(ctx, s.db.Now())
	for _, p := range closed {
		s.logger.Info("poll closed at its deadline", "poll", p.ID)
		s.publishPollState(ctx, p.ID)
	}
	if err != nil {
		if ctx.Err() == nil {
			s.logger.Error("poll: close the polls due", "error", err)
		}
		// A poll that failed stays due: waiting for the next deadline
		// would try it again at once, and again.
		return maxPollWait
	}
	next, err := s.db.NextPollDeadline(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.logger.Error("poll: read the next deadline", "error", err)
		}
		return maxPollWait
	}
	if next == nil {
		return maxPollWait
	}
	wait := next.Sub(s.db.Now())
	switch {
	case wait < 0:
		return 0
	case wait > maxPollWait:
		return maxPollWait
	}
	// A deadline is met just after it passes, not just before.
	return wait + time.Millisecond
}
