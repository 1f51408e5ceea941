package server

import (
	"context"
	"math"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"tawla/workspace"
)

// Bounds of the password work. Each argon2id check or hash holds about
// 19 MiB (workspace's argon2id parameters) while it runs, so without a
// bound a burst of logins grows the heap by 19 MiB a request: 80 at once
// took the server from 77 MiB to 1.5 GiB (issue 8). With the bound, the
// password work never holds more than the slots times 19 MiB.
const (
	// passwordWait is how long a request waits for a slot before it is
	// told to come back: enough to absorb a queue of a few dozen checks
	// (about 70 ms each on one core), short enough that nobody stares at a
	// spinning page.
	passwordWait = 3 * time.Second
	// memoryReleaseDelay is how long the gate must have stayed idle after
	// a burst before the memory of the burst is handed back to the system.
	memoryReleaseDelay = time.Second
)

// errPasswordBusy is the refusal of a request that found no free slot in
// time: 429, with a message that says to come back in a few seconds.
var errPasswordBusy error = &workspace.Error{
	Code:    workspace.ETHROTTLED,
	Key:     "error.password.busy",
	Message: "Too many passwords to check at this moment. Please try again in a few seconds.",
}

// defaultPasswordSlots is the default of Config.MaxPasswordChecks: one
// check per processor Go runs on, since argon2id keeps a core busy and
// more at once only queue inside the scheduler with their memory held;
// two at least, so that one slow check does not hold up every login.
func defaultPasswordSlots() int {
	return max(2, runtime.GOMAXPROCS(0))
}

// passwordGate bounds the argon2id work that runs at once, across every
// handler that checks or hashes a password. It is safe for concurrent use.
type passwordGate struct {
	slots chan struct{}
	wait  time.Duration

	running atomic.Int64 // checks inside a slot now
	peak    atomic.Int64 // the most running at once since the server started

	mu        sync.Mutex
	inside    int  // requests holding or waiting for a slot
	contended bool // a request had to wait since memory was last released
	timer     *time.Timer
	released  atomic.Int64 // memory releases so far, for tests
	// release hands free memory back to the system; debug.FreeOSMemory.
	release func()
}

func newPasswordGate(slots int) *passwordGate {
	return &passwordGate{
		slots:   make(chan struct{}, slots),
		wait:    passwordWait,
		release: debug.FreeOSMemory,
	}
}

// Do runs work in a slot. It waits for a free slot at most the gate's wait
// and never past ctx; then it returns errPasswordBusy, or ctx's error, and
// work does not run.
func (g *passwordGate) Do(ctx context.Context, work func()) error {
	g.enter()
	defer g.leave()
	select {
	case g.slots <- struct{}{}:
	default:
		g.mu.Lock()
		g.contended = true
		g.mu.Unlock()
		timer := time.NewTimer(g.wait)
		defer timer.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-timer.C:
			return errPasswordBusy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-g.slots }()
	// The count is kept apart from the channel, so that it measures what
	// really ran at once rather than what the channel was meant to allow.
	n := g.running.Add(1)
	defer g.running.Add(-1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			break
		}
	}
	work()
	return nil
}

// Peak returns the most password checks that have run at once.
func (g *passwordGate) Peak() int { return int(g.peak.Load()) }

func (g *passwordGate) enter() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inside++
}

// leave notes a request done; when it was the last of a burst (someone had
// to wait), the memory of the burst is released once the gate has stayed
// idle for memoryReleaseDelay. Go's own scavenger would return it too, but
// only over minutes, and a server that swells to the size of its worst
// burst and stays there is what issue 8 saw.
func (g *passwordGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inside--
	if g.inside > 0 || !g.contended {
		return
	}
	g.contended = false
	if g.timer == nil {
		g.timer = time.AfterFunc(memoryReleaseDelay, g.releaseIfIdle)
	} else {
		g.timer.Reset(memoryReleaseDelay)
	}
}

// releaseIfIdle releases memory unless a request came in since the burst
// ended; a later burst schedules its own release.
func (g *passwordGate) releaseIfIdle() {
	g.mu.Lock()
	idle := g.inside == 0 && !g.contended
	g.mu.Unlock()
	if idle {
		g.release()
		g.released.Add(1)
	}
}

// passwordVerdict is what verifyPassword found.
type passwordVerdict int

const (
	passwordRight passwordVerdict = iota
	passwordWrong
	// passwordThrottled: too many failures for this account from this
	// address, or from this address; nothing was checked.
	passwordThrottled
	// passwordBusy: no slot freed in time, or the client went away;
	// nothing was checked, nor counted.
	passwordBusy
)

// verifyPassword checks password against hash for the account with email,
// tried from addr, as the login form and the current password of the
// password form do. The attempt is counted by the throttle before any
// work, waits the account's slowdown, then is checked in a slot of the
// password gate. When usable is false (no such account, or a deactivated
// one) the check still runs, against hash or the dummy hash when it is
// empty, and fails, so that the answer costs the same. retryAfter goes
// with passwordThrottled.
func (s *Server) verifyPassword(ctx context.Context, email, addr, hash, password string, usable bool) (v passwordVerdict, retryAfter time.Duration) {
	attempt, retryAfter, ok := s.throttle.Reserve(email, addr)
	if !ok {
		s.logger.Warn("password check throttled", "email", email, "addr", addr)
		return passwordThrottled, retryAfter
	}
	if attempt.Delay > 0 {
		timer := time.NewTimer(attempt.Delay)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			s.throttle.Cancel(attempt)
			return passwordBusy, 0
		}
	}
	right := false
	if err := s.passwords.Do(ctx, func() { right = workspace.CheckPassword(hash, password) }); err != nil {
		s.logger.Warn("password check refused", "email", email, "addr", addr, "err", err)
		s.throttle.Cancel(attempt)
		return passwordBusy, 0
	}
	if !right || !usable {
		return passwordWrong, 0
	}
	s.throttle.Succeed(attempt)
	return passwordRight, 0
}

// setRetryAfter tells the client, in whole seconds, when to try again.
func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(d.Seconds())))))
}
