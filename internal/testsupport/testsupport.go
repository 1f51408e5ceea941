// Package testsupport holds what the tests of several packages share: a
// clock that tests move forward, a fresh store over a real SQLite file with
// the demo table, a log handler that fails a test on a logged error, and a
// browser-like HTTP client that logs in through the form and opens the
// live channel. It imports no package of ours that has tests using it, so
// that any test may import it.
package testsupport

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace/sqlite"
)

// Clock is a store's clock in tests: real time plus an offset that tests
// move forward (to expire an invitation, say). It is safe for concurrent
// use, since handlers read it while a test moves it.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now returns the clock's current time, in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Set moves the clock so that it reads now, and runs on from there.
func (c *Clock) Set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(now)
}

// OpenStore opens a new store in a file of the test's own directory, with
// the demo table loaded and a new Clock as its clock. The store is closed
// when the test ends, after the cleanups registered later (a server over
// it, say) have run.
func OpenStore(t testing.TB) (*sqlite.DB, *Clock) {
	t.Helper()
	db, clock := OpenEmptyStore(t)
	if err := demo.Load(context.Background(), db); err != nil {
		t.Fatalf("demo.Load: %v", err)
	}
	return db, clock
}

// OpenEmptyStore is OpenStore without the demo table.
func OpenEmptyStore(t testing.TB) (*sqlite.DB, *Clock) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tawla.db"))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("db.Close: %v", err)
		}
	})
	clock := &Clock{}
	db.Now = clock.Now
	return db, clock
}

// ErrorLog is a slog.Handler that keeps the error records, so that a test
// fails on an internal error even when the answer it checks looks right.
type ErrorLog struct {
	mu      sync.Mutex
	records []string
}

// Enabled implements slog.Handler: only errors are kept.
func (l *ErrorLog) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelError
}

// Handle implements slog.Handler.
func (l *ErrorLog) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, b.String())
	return nil
}

// WithAttrs implements slog.Handler; the attributes are not kept.
func (l *ErrorLog) WithAttrs([]slog.Attr) slog.Handler { return l }

// WithGroup implements slog.Handler; the group is not kept.
func (l *ErrorLog) WithGroup(string) slog.Handler { return l }

// Records returns the error records logged so far.
func (l *ErrorLog) Records() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.records...)
}

// Check fails t for every error record logged so far.
func (l *ErrorLog) Check(t testing.TB) {
	t.Helper()
	for _, rec := range l.Records() {
		t.Errorf("logged an error: %s", rec)
	}
}
