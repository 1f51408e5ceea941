package server

import (
	"context"
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

// TestInvitationEndsWhenAccountOrCreatorChanges checks that a link lasts
// no longer than the right of its creator over the account it was made
// for. Changing the account's role, email or voting right retires its
// unused links; a creator deactivated or demoted since, or an account its
// creator may no longer manage, makes the store refuse the link in the
// transaction that would use it. The refused link sets no password, and
// in particular the secretariat cannot become an admin through a link it
// made for a member promoted since.
func TestInvitationEndsWhenAccountOrCreatorChanges(t *testing.T) {
	const stolen = "stolen passphrase 1"
	tests := []struct {
		name string
		// change is made by the admin after the secretariat made the
		// link for acc.
		change func(acc, sec *workspace.Account)
	}{
		{"AccountPromotedToAdmin", func(acc, _ *workspace.Account) { acc.Role = workspace.RoleAdmin }},
		{"EmailCorrected", func(acc, _ *workspace.Account) { acc.Email = "corrige@demo.tn" }},
		{"VotingRightGiven", func(acc, _ *workspace.Account) { acc.CanVote = true }},
		{"CreatorDeactivated", func(_, sec *workspace.Account) { sec.Active = false }},
		{"CreatorDemoted", func(_, sec *workspace.Account) { sec.Role = workspace.RoleMember }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			admin := ts.loginAs(t, demo.AdminEmail)
			sec := ts.loginAs(t, demo.SecretariatEmail)
			org := ts.organisationNamed(t, "Commune de Mahdia")
			id := admin.createAccount(t, url.Values{
				"name": {"Personne invitée"}, "email": {"invitee@demo.tn"}, "organisation_id": {strconv.FormatInt(org.ID, 10)},
				"role": {"member"}, "language": {"fr"},
			})
			link := sec.invite(t, id)
			token := strings.TrimPrefix(link, "/invitations/")

			acc, secAcc := ts.accountByID(t, id), ts.account(t, demo.SecretariatEmail)
			a, s := *acc, *secAcc
			tt.change(&a, &s)
			if a != *acc {
				wantStatus(t, "change the account", admin.postForm(t, accountPath(id), accountForm(&a, a.Active)), http.StatusSeeOther)
			}
			if s != *secAcc {
				wantStatus(t, "change the creator", admin.postForm(t, accountPath(secAcc.ID), accountForm(&s, s.Active)), http.StatusSeeOther)
			}

			before := ts.snapshot(t)
			thief := ts.newClient(t)
			if resp := thief.get(t, link); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
				t.Errorf("open the link: status %d, want 404 or 403", resp.StatusCode)
			}
			resp := thief.postForm(t, link, invitationForm(stolen))
			if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
				t.Fatalf("use the link: status %d, want 404 or 403\n%s", resp.StatusCode, excerpt(resp.Body))
			}
			// The store decides too, in the transaction that would use it.
			if _, err := ts.db.UseInvitation(context.Background(), token, "hash"); err == nil {
				t.Fatal("the store used the link")
			}
			if after := ts.snapshot(t); after != before {
				t.Errorf("the refused link changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if got := ts.accountByID(t, id); got.PasswordHash != "" {
				t.Error("the refused link set a password")
			}
			wantLoginRedirect(t, "the link's user afterwards", thief.get(t, "/admin/audit"))
		})
	}
}

// accountByID returns the stored account id.
func (ts *testServer) accountByID(t *testing.T, id int64) *workspace.Account {
	t.Helper()
	acc, err := ts.db.FindAccountByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// TestInvitationResetIsAdminOnly checks that only an admin makes a link
// for an account that already has a password — a reset, with which the
// link's maker could log in as the person and vote as them — while the
// secretariat still makes the first link of a new account; and that the
// audit entry of a password set through a link names who made the link.
func TestInvitationResetIsAdminOnly(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.loginAs(t, demo.AdminEmail)
	sec := ts.loginAs(t, demo.SecretariatEmail)
	member := ts.account(t, demo.MemberEmail)
	path := accountPath(member.ID) + "/invitation"

	if page := sec.get(t, accountPath(member.ID)+"/edit"); strings.Contains(page.Body, `action="`+path+`"`) {
		t.Error("the secretariat is offered a reset link")
	}
	before := ts.snapshot(t)
	resp := sec.postForm(t, path, nil)
	wantStatus(t, "reset link by the secretariat", resp, http.StatusForbidden)
	wantErrorText(t, ts, "reset link by the secretariat", resp, "error.invitation.reset_admin_only")
	if after := ts.snapshot(t); after != before {
		t.Errorf("the refused link changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// The first link of a new account is the secretariat's to make.
	org := ts.organisationNamed(t, "Commune de Mahdia")
	newID := sec.createAccount(t, url.Values{
		"name": {"Nouvelle personne"}, "email": {"nouvelle@demo.tn"}, "organisation_id": {strconv.FormatInt(org.ID, 10)},
		"role": {"member"}, "language": {"fr"},
	})
	wantRedirect(t, "first link", ts.newClient(t).postForm(t, sec.invite(t, newID), invitationForm("a first passphrase")), "/?done=password_set")

	// An admin's reset link: the entry is the member's, and names the
	// admin who made the link.
	if page := admin.get(t, accountPath(member.ID)+"/edit"); !strings.Contains(page.Body, `action="`+path+`"`) {
		t.Error("the admin is not offered a reset link")
	}
	wantRedirect(t, "reset link", ts.newClient(t).postForm(t, admin.invite(t, member.ID), invitationForm("a reset passphrase")), "/?done=password_set")
	adm := ts.account(t, demo.AdminEmail)
	entries, _, err := ts.db.FindAuditEntries(context.Background(), workspace.AuditFilter{Action: workspace.AuditAccountPassword, EntityID: &member.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].ActorID == nil || *entries[0].ActorID != member.ID {
		t.Fatalf("password entries %+v, want one by the member", entries)
	}
	by := adm.Name + " #" + strconv.FormatInt(adm.ID, 10)
	if !strings.Contains(entries[0].After, by) {
		t.Errorf("the password entry %q does not name the link's maker %q", entries[0].After, by)
	}
	for _, lang := range workspace.Languages {
		page := admin.get(t, "/admin/audit?action=account.password&entity_type=account&entity_id="+strconv.FormatInt(member.ID, 10)+"&lang="+lang)
		wantStatus(t, "audit page in "+lang, page, http.StatusOK)
		label := html.EscapeString(ts.srv.catalog.localizer(lang).T("audit.field.invitation_by"))
		if !strings.Contains(page.Body, label) || !strings.Contains(page.Body, html.EscapeString(by)) {
			t.Errorf("the audit page in %s does not show %q with %q", lang, label, by)
		}
	}
}
