package server

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// TestFailedLoginAudited checks that a wrong password for an existing
// account reaches the audit log with the client's address and without the
// password, that an unknown email does not, and that the audit page
// filters such entries by their action.
func TestFailedLoginAudited(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	failed := func() []*workspace.AuditEntry {
		t.Helper()
		entries, _, err := ts.db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditAccountLoginFailed, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		return entries
	}
	// The entry is written after the answer: wait for it.
	waitFailed := func(n int) []*workspace.AuditEntry {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			entries := failed()
			if len(entries) >= n || time.Now().After(deadline) {
				return entries
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	const secret = "not-the-password-2026"
	visitor := ts.newClientFrom(t, "127.0.6.1")
	wantStatus(t, "unknown email", visitor.login(t, "nobody@example.tn", secret), http.StatusUnauthorized)
	wantStatus(t, "wrong password", visitor.login(t, demo.MemberEmail, secret), http.StatusUnauthorized)
	waitFailed(1)
	// The unknown email's failure came first: had it been audited, its
	// entry would be there too by now.
	time.Sleep(50 * time.Millisecond)
	entries := failed()
	if len(entries) != 1 {
		t.Fatalf("%d failed-login entries, want 1 (the existing account's only): %+v", len(entries), entries)
	}
	e, member := entries[0], ts.account(t, demo.MemberEmail)
	if e.EntityType != "account" || e.EntityID != member.ID {
		t.Errorf("entry about %s #%d, want account #%d", e.EntityType, e.EntityID, member.ID)
	}
	if e.ActorID != nil || e.ActorName != "127.0.6.1" {
		t.Errorf("actor %v %q, want the visitor named by its address", e.ActorID, e.ActorName)
	}
	if !strings.Contains(e.After, `"127.0.6.1"`) {
		t.Errorf("entry %q does not record the address", e.After)
	}
	if strings.Contains(e.Before+e.After, secret) || strings.Contains(e.Before+e.After, "nobody@") {
		t.Errorf("entry %q %q records what was typed", e.Before, e.After)
	}

	// A right password is no failure.
	ts.newClientFrom(t, "127.0.6.2").mustLogin(t, demo.MemberEmail, demo.Password)
	time.Sleep(50 * time.Millisecond)
	if n := len(failed()); n != 1 {
		t.Errorf("%d failed-login entries after a right password, want 1", n)
	}

	admin := ts.loginAs(t, demo.AdminEmail)
	page := admin.get(t, "/admin/audit?action="+workspace.AuditAccountLoginFailed)
	wantStatus(t, "audit filtered by failed logins", page, http.StatusOK)
	l := ts.srv.localizer(ts.account(t, demo.AdminEmail).Language)
	for _, want := range []string{l.T("audit.action.account.login_failed"), l.T("audit.field.address"), "127.0.6.1"} {
		if !strings.Contains(page.Body, html.EscapeString(want)) {
			t.Errorf("the filtered audit page lacks %q", want)
		}
	}
}
