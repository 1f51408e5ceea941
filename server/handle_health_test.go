package server

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace/sqlite"
)

// TestReadiness checks that /healthz says whether the store answers and
// /readyz whether it takes writes: a server over a read-only database is
// alive but not ready.
func TestReadiness(t *testing.T) {
	get := func(t *testing.T, url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", url, got)
		}
		return resp.StatusCode, strings.TrimSpace(string(body))
	}
	for _, tt := range []struct {
		name      string
		open      func(t testing.TB) (*sqlite.DB, *testsupport.Clock)
		readyCode int
		readyBody string
	}{
		{"Writable", testsupport.OpenStore, http.StatusOK, "ready"},
		{"ReadOnly", openReadOnlyDemo, http.StatusServiceUnavailable, "not ready"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db, clock := tt.open(t)
			ts := startTestServer(t, db, clock, nil)
			if code, body := get(t, ts.URL+"/healthz"); code != http.StatusOK || body != "ok" {
				t.Errorf("GET /healthz = %d %q, want 200 \"ok\"", code, body)
			}
			if code, body := get(t, ts.URL+"/readyz"); code != tt.readyCode || body != tt.readyBody {
				t.Errorf("GET /readyz = %d %q, want %d %q", code, body, tt.readyCode, tt.readyBody)
			}
		})
	}
}

// openReadOnlyDemo writes a demo database to a file, then opens it again
// read-only, as a server finds a database on a disk mounted read-only (a
// chmod would not do: the tests may run as root, whom it does not stop).
func openReadOnlyDemo(t testing.TB) (*sqlite.DB, *testsupport.Clock) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tawla.db")
	rw, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, rw); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := &testsupport.Clock{}
	db.Now = clock.Now
	return db, clock
}
