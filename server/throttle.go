package server

import (
	"sync"
	"time"
)

// Login throttling: after too many failed logins for one email, or from one
// address, within the window, further attempts are refused with 429 until
// the window has passed. Unknown emails are counted like known ones, so the
// throttle reveals nothing about which accounts exist.
const (
	throttleWindow     = 15 * time.Minute
	throttlePerAccount = 5
	throttlePerAddress = 20
	// throttleMaxKeys bounds the memory an attacker can make the throttle
	// use by trying many emails; past it, the oldest records are dropped.
	throttleMaxKeys = 100_000
)

// loginThrottle counts failed logins per account and per address. It is
// safe for concurrent use. It lives in memory: Tawla is one process, and a
// restart forgetting the counts is acceptable.
type loginThrottle struct {
	mu       sync.Mutex
	now      func() time.Time
	failures map[string][]time.Time
}

func newLoginThrottle(now func() time.Time) *loginThrottle {
	return &loginThrottle{now: now, failures: map[string][]time.Time{}}
}

func accountKeyOf(email string) string { return "account:" + email }
func addressKeyOf(addr string) string  { return "address:" + addr }

// Allowed reports whether a login for email from addr may be tried now.
func (t *loginThrottle) Allowed(email, addr string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	return t.recent(accountKeyOf(email), now) < throttlePerAccount &&
		t.recent(addressKeyOf(addr), now) < throttlePerAddress
}

// Fail records a failed login for email from addr.
func (t *loginThrottle) Fail(email, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.failures) >= throttleMaxKeys {
		t.prune(now)
	}
	for _, k := range []string{accountKeyOf(email), addressKeyOf(addr)} {
		t.failures[k] = append(t.failures[k], now)
	}
}

// Succeed forgets the failures of email after a good login.
func (t *loginThrottle) Succeed(email string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, accountKeyOf(email))
}

// recent returns the failures of key within the window, dropping older ones.
func (t *loginThrottle) recent(key string, now time.Time) int {
	times := t.failures[key]
	i := 0
	for i < len(times) && now.Sub(times[i]) >= throttleWindow {
		i++
	}
	if i == len(times) {
		delete(t.failures, key)
		return 0
	}
	t.failures[key] = times[i:]
	return len(times) - i
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
