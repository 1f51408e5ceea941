package server

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// TestSessionEndsWhenIdle checks the idle limit of sessions over HTTP and
// the live channel: pages in use keep a session alive past the idle limit,
// their use is written at most once a minute, a session left unused for
// the limit ends for pages and websocket messages alike, and the login
// page then says that the session ended.
func TestSessionEndsWhenIdle(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	c := ts.loginAs(t, demo.MemberEmail)
	token := c.sessionToken()
	lastSeen := func() time.Time {
		t.Helper()
		s, _, err := ts.db.FindSession(ctx, token)
		if err != nil {
			t.Fatalf("FindSession: %v", err)
		}
		if s.LastSeenAt == nil {
			t.Fatal("LastSeenAt = nil after use")
		}
		return *s.LastSeenAt
	}

	// Used every six hours for a day: never idle for eight.
	for range 4 {
		ts.clock.Advance(6 * time.Hour)
		wantStatus(t, "home while in use", c.get(t, "/"), http.StatusOK)
	}
	seen := lastSeen()
	// The test clock runs on from where the test moved it.
	if d := ts.clock.Now().Sub(seen); d < 0 || d > 5*time.Second {
		t.Errorf("LastSeenAt = %v, want the last page's time, about %v", seen, ts.clock.Now())
	}
	// Within a minute, a page writes nothing.
	ts.clock.Advance(30 * time.Second)
	wantStatus(t, "home half a minute later", c.get(t, "/"), http.StatusOK)
	if got := lastSeen(); !got.Equal(seen) {
		t.Errorf("LastSeenAt = %v after a page within a minute, want it left at %v", got, seen)
	}

	// The live channel: a message is a use too, and an idle session is
	// refused there.
	ws := mustDialWS(t, c)
	wsSubscribe(t, ws, "table")
	ts.clock.Advance(7 * time.Hour)
	wsSubscribe(t, ws, "table")
	ts.clock.Advance(7 * time.Hour)
	wantStatus(t, "home after live use only", c.get(t, "/"), http.StatusOK)

	ts.clock.Advance(workspace.DefaultSessionIdle)
	testsupport.SendText(t, ws, `{"type":"subscribe","topic":"table"}`)
	m, err := wsRead(ws, 5*time.Second)
	if err != nil {
		t.Fatalf("subscribe with an idle session: %v", err)
	}
	if m.Type != "error" || m.Code != string(workspace.EUNAUTHORIZED) {
		t.Errorf("subscribe with an idle session: %v, want an unauthorized error", m)
	}

	resp := c.get(t, "/issues")
	wantLoginRedirect(t, "a page with an idle session", resp)
	if !strings.Contains(resp.location(), "done=session_ended") {
		t.Errorf("Location %q, want the login page told that the session ended", resp.location())
	}
	if c.sessionToken() != "" {
		t.Error("the idle session's cookie was not cleared")
	}
	login := c.get(t, resp.location())
	wantStatus(t, "login page", login, http.StatusOK)
	want := ts.srv.localizer("fr").T("notice.session_ended")
	if !strings.Contains(login.Body, html.EscapeString(want)) {
		t.Errorf("login page after the end of the session does not say %q", want)
	}
	// The cookie alone, sent to the login page, says it too.
	stale := ts.clientWithToken(t, token)
	if body := stale.get(t, "/login").Body; !strings.Contains(body, html.EscapeString(want)) {
		t.Errorf("login page with the ended session's cookie does not say %q", want)
	}
	// A fresh visitor is not told about a session it never had.
	if body := ts.newClient(t).get(t, "/login").Body; strings.Contains(body, html.EscapeString(want)) {
		t.Error("the login page of a new visitor says that a session ended")
	}
}

// keepSession records a use of c's session at the test clock's time, as if
// the person had used it all along: tests that move the clock by days keep
// their sessions from ending for idleness with it.
func (c *client) keepSession(t *testing.T) {
	t.Helper()
	if err := c.ts.db.TouchSession(context.Background(), workspace.TokenDigest(c.sessionToken())); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}
}
