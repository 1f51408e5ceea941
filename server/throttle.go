package server

import (
	"net/netip"
	"sync"
	"time"
)

// Login throttling. Failed password checks are counted in three ways
// within the window:
//
//   - per account and address: after throttlePerPair failures for one
//     email from one address, that address may not try that email again
//     until the window has passed;
//   - per address: after throttlePerAddress failures from one address,
//     whatever the emails, the address may not try any;
//   - per account, from anywhere: after slowdownAfter failures, each
//     further attempt waits before its check, longer as failures add up,
//     but is never refused.
//
// The account is slowed down rather than locked because a lock on the
// account is a lock anyone can put on it: five wrong passwords from
// anywhere used to keep the right password out for fifteen minutes, and,
// repeated, for ever. Refusals stay tied to an address, so the person
// with the right password, from an address with no failures, gets in.
//
// An attempt is counted when it is reserved, before its password check,
// and forgotten if the check succeeds (or never runs): a burst of
// simultaneous attempts cannot all pass the limit before any is counted.
// Unknown emails are counted like known ones, so the throttle reveals
// nothing about which accounts exist.
const (
	throttleWindow     = 15 * time.Minute
	throttlePerPair    = 5
	throttlePerAddress = 20
	slowdownAfter      = 5
	// The delay doubles with each failure past slowdownAfter, from
	// slowdownStep up to slowdownMax: enough to slow a patient guesser,
	// short enough that the person who knows the password barely waits.
	slowdownStep = 250 * time.Millisecond
	slowdownMax  = 2 * time.Second
	// throttleMaxKeys bounds the memory an attacker can make the throttle
	// use by trying many emails; past it, the oldest records are dropped.
	throttleMaxKeys = 100_000
)

// loginThrottle counts failed and pending password checks per account and
// address, per address and per account. It is safe for concurrent use. It
// lives in memory: Tawla is one process, and a restart forgetting the
// counts is acceptable.
type loginThrottle struct {
	mu       sync.Mutex
	now      func() time.Time
	failures map[string][]time.Time // each key's times, oldest first
}

func newLoginThrottle(now func() time.Time) *loginThrottle {
	return &loginThrottle{now: now, failures: map[string][]time.Time{}}
}

func pairKeyOf(email, addr string) string { return "pair:" + throttledNetwork(addr) + " " + email }
func accountKeyOf(email string) string    { return "account:" + email }
func addressKeyOf(addr string) string     { return "address:" + throttledNetwork(addr) }

// throttledNetwork returns what the throttle counts as one address: an
// IPv4 address, or the /64 network of an IPv6 one, since a single
// subscriber is routinely given a whole /64 and could otherwise try from
// 2^64 addresses.
func throttledNetwork(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil || !ip.Is6() || ip.Is4In6() {
		return addr
	}
	prefix, err := ip.Prefix(64)
	if err != nil {
		return addr
	}
	return prefix.String()
}

// loginAttempt is an attempt that Reserve has counted as a failure, until
// Succeed or Cancel says otherwise.
type loginAttempt struct {
	email, addr string
	at          time.Time
	// Delay is how long to wait before the password check, because the
	// account has failed often recently, from anywhere.
	Delay time.Duration
}

// Reserve counts an attempt for email from addr, before its password
// check. When the pair or the address has reached its limit, it counts
// nothing and returns ok false with how long until the oldest failure that
// holds the limit leaves the window.
func (t *loginThrottle) Reserve(email, addr string) (a loginAttempt, retryAfter time.Duration, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	pair, address, account := pairKeyOf(email, addr), addressKeyOf(addr), accountKeyOf(email)
	for _, limit := range []struct {
		key string
		max int
	}{{pair, throttlePerPair}, {address, throttlePerAddress}} {
		if times := t.recent(limit.key, now); len(times) >= limit.max {
			// The limit lifts when the failure that fills it leaves
			// the window.
			oldest := times[len(times)-limit.max]
			return loginAttempt{}, oldest.Add(throttleWindow).Sub(now), false
		}
	}
	a = loginAttempt{email: email, addr: addr, at: now, Delay: slowdown(len(t.recent(account, now)))}
	if len(t.failures) >= throttleMaxKeys {
		t.prune(now)
	}
	for _, k := range []string{pair, address, account} {
		t.failures[k] = append(t.failures[k], now)
	}
	return a, 0, true
}

// slowdown returns the delay before a check on an account that has failed
// n times in the window.
func slowdown(n int) time.Duration {
	if n < slowdownAfter {
		return 0
	}
	d := slowdownStep
	for i := slowdownAfter; i < n && d < slowdownMax; i++ {
		d *= 2
	}
	return min(d, slowdownMax)
}

// Succeed records that a's password was right: the failures of its account
// from its address are forgotten, and a no longer counts against the
// address or the account. Earlier failures from the address, perhaps
// someone else's behind the same proxy, and of the account from elsewhere,
// still count: a success from here says nothing about them.
func (t *loginThrottle) Succeed(a loginAttempt) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, pairKeyOf(a.email, a.addr))
	t.forget(addressKeyOf(a.addr), a.at)
	t.forget(accountKeyOf(a.email), a.at)
}

// Cancel forgets a, whose password was never checked (the server was too
// busy, or the client went away).
func (t *loginThrottle) Cancel(a loginAttempt) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range []string{pairKeyOf(a.email, a.addr), addressKeyOf(a.addr), accountKeyOf(a.email)} {
		t.forget(k, a.at)
	}
}

// forget removes one record of time at from key. Two attempts reserved at
// the same instant are interchangeable, so any one of them will do.
func (t *loginThrottle) forget(key string, at time.Time) {
	times := t.failures[key]
	for i, x := range times {
		if x.Equal(at) {
			times = append(times[:i:i], times[i+1:]...)
			break
		}
	}
	if len(times) == 0 {
		delete(t.failures, key)
		return
	}
	t.failures[key] = times
}

// recent returns the times of key within the window, dropping older ones.
func (t *loginThrottle) recent(key string, now time.Time) []time.Time {
	times := t.failures[key]
	i := 0
	for i < len(times) && now.Sub(times[i]) >= throttleWindow {
		i++
	}
	if i == len(times) {
		delete(t.failures, key)
		return nil
	}
	t.failures[key] = times[i:]
	return times[i:]
}

// prune drops every key with no failure in the window; if that is not
// enough, it starts over, since an attacker filling the map is the case.
func (t *loginThrottle) prune(now time.Time) {
	for k := range t.failures {
		t.recent(k, now)
	}
	if len(t.failures) >= throttleMaxKeys {
		clear(t.failures)
	}
}
