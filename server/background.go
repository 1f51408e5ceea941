package server

import (
	"context"
	"sync"
)

// backgroundWork runs short writes that a request starts but does not wait
// for, and lets Shutdown wait for them before the store closes. Once it is
// stopped, work runs at once in the caller instead, so that nothing starts
// after the wait. It is safe for concurrent use.
type backgroundWork struct {
	mu      sync.Mutex
	stopped bool
	running sync.WaitGroup
}

// Go runs work in a goroutine, or in the caller once stopped.
func (b *backgroundWork) Go(work func()) {
	b.mu.Lock()
	if b.stopped {
		b.mu.Unlock()
		work()
		return
	}
	b.running.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.running.Done()
		work()
	}()
}

// Wait waits for the work started so far, without stopping: the tests
// read the store once a request's background writes are done.
func (b *backgroundWork) Wait() {
	b.running.Wait()
}

// Stop makes later work run in its caller and waits, bounded by ctx, for
// the work already running.
func (b *backgroundWork) Stop(ctx context.Context) {
	b.mu.Lock()
	b.stopped = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
