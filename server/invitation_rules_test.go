package server

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// wantErrorText fails the test unless the page shows the message of key,
// in whichever of the three languages it speaks.
func wantErrorText(t *testing.T, ts *testServer, what string, resp *response, key string) {
	t.Helper()
	for _, lang := range workspace.Languages {
		if strings.Contains(resp.Body, html.EscapeString(ts.srv.catalog.localizer(lang).T(key))) {
			return
		}
	}
	t.Errorf("%s: the page does not show %s\n%s", what, key, excerpt(resp.Body))
}

// TestInvitationRefusedForOwnAccount checks that nobody makes an invitation
// link for their own account: with it, whoever holds an open session (a
// copied cookie) would set a new password without knowing the current one
// and lock the owner out. The refusal writes nothing, and the account's
// own page offers no such link.
func TestInvitationRefusedForOwnAccount(t *testing.T) {
	ts := newTestServer(t)
	for _, email := range []string{demo.AdminEmail, demo.SecretariatEmail} {
		owner := ts.loginAs(t, email)
		thief := ts.clientWithToken(t, owner.sessionToken())
		acc := ts.account(t, email)
		path := accountPath(acc.ID) + "/invitation"

		if page := owner.get(t, accountPath(acc.ID)+"/edit"); strings.Contains(page.Body, `action="`+path+`"`) {
			t.Errorf("%s: the own account's page offers an invitation link", email)
		}
		before := ts.snapshot(t)
		resp := thief.postForm(t, path, nil)
		wantStatus(t, email+": invitation for the own account", resp, http.StatusForbidden)
		wantErrorText(t, ts, email+": invitation for the own account", resp, "error.invitation.self")
		if strings.Contains(resp.Body, "/invitations/") {
			t.Fatalf("%s: the refusal shows a link", email)
		}
		if after := ts.snapshot(t); after != before {
			t.Errorf("%s: the refused invitation changed the data:\nbefore:\n%s\nafter:\n%s", email, before, after)
		}
		wantStatus(t, email+": owner still logged in", owner.get(t, "/"), http.StatusOK)
		ts.newClient(t).mustLogin(t, email, demo.Password)
	}
}

// invitationForm is the form that sets password through an invitation.
func invitationForm(password string) url.Values {
	return url.Values{"password": {password}, "confirm": {password}}
}

var _ = strconv.Itoa
