package server

import (
	"context"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/workspace"
)

// TestIdleSessionClosesItsConnections: a connection that only pings does
// not keep its session alive, and once the session has ended for idleness
// the sweep closes the connection (1008 "session ended") before it
// receives another event, while a colleague's session in use keeps its
// connection. A sweep counts as no use: it leaves the session idle.
func TestIdleSessionClosesItsConnections(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	idle := ts.loginAs(t, demo.MemberEmail)
	busy := ts.loginAs(t, demo.SecretariatEmail)
	idleWS, busyWS := mustDialWS(t, idle), mustDialWS(t, busy)
	wsSubscribe(t, idleWS, "table")
	wsSubscribe(t, busyWS, "table")

	// Within the limit, the sweep closes nothing.
	ts.clock.Advance(workspace.DefaultSessionIdle - time.Hour)
	busy.keepSession(t)
	ts.srv.sweepSessions(ctx)
	if _, _, err := ts.db.FindSession(ctx, idle.sessionToken()); err != nil {
		t.Fatalf("the session within its idle limit: %v", err)
	}

	ts.clock.Advance(2 * time.Hour)
	busy.keepSession(t)
	ts.srv.sweepSessions(ctx)
	ce, seen := wsExpectClose(t, idleWS, 5*time.Second)
	if ce.Code != websocket.ClosePolicyViolation || ce.Text != "session ended" {
		t.Errorf("the idle session's connection closed with %d %q, want 1008 \"session ended\"", ce.Code, ce.Text)
	}
	for _, m := range seen {
		if m.Type == "event" {
			t.Errorf("the idle session's connection received %v before it closed", m)
		}
	}
	if _, _, err := ts.db.FindSession(ctx, idle.sessionToken()); workspace.ErrorCode(err) != workspace.EUNAUTHORIZED {
		t.Errorf("the idle session after a sweep: %v, want it still ended", err)
	}
	// The session in use keeps its connection, which still hears the table.
	ts.srv.hub.Publish(topicTable, map[string]any{"kind": "probe"})
	if m, err := wsRead(busyWS, 5*time.Second); err != nil || m.Type != "event" {
		t.Errorf("the session in use after the sweep: %v, %v; want the table's event", m, err)
	}
}
