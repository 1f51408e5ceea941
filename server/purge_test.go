package server

import (
	"context"
	"database/sql"
	"net/http"
	"testing"
	"time"

	"tawla/demo"
)

// countRows returns the number of rows of table in the test server's
// database file, read through a connection of its own.
func (ts *testServer) countRows(t *testing.T, table string) int {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+ts.db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPurger checks that the purger started beside a serving server
// deletes the sessions that logouts ended, and only those, without being
// asked again.
func TestPurger(t *testing.T) {
	ts := newTestServer(t)
	for range 3 {
		c := ts.sessionClient(t, demo.MemberEmail)
		wantStatus(t, "logout", c.postForm(t, "/logout", nil), http.StatusSeeOther)
	}
	stays := ts.sessionClient(t, demo.AdminEmail)
	before := ts.countRows(t, "sessions")
	if before < 4 {
		t.Fatalf("%d sessions before the purge, want at least 4", before)
	}

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ts.srv.StartPurger(ctx, 10*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for ts.countRows(t, "sessions") > 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got, want := ts.countRows(t, "sessions"), 1; got != want {
		t.Fatalf("%d sessions after the purger ran, want %d (the one still open)", got, want)
	}
	wantStatus(t, "the open session", stays.get(t, "/"), http.StatusOK)
}
