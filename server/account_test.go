package server

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// accountForm returns the edit form of acc as the admin pages post it,
// active or not.
func accountForm(acc *workspace.Account, active bool) url.Values {
	f := url.Values{
		"name": {acc.Name}, "email": {acc.Email}, "organisation_id": {strconv.FormatInt(acc.OrganisationID, 10)},
		"role": {string(acc.Role)}, "language": {acc.Language},
	}
	if acc.CanVote {
		f.Set("can_vote", "on")
	}
	if active {
		f.Set("active", "on")
	}
	return f
}

// organisationForm returns the edit form of org, active or not.
func organisationForm(org *workspace.Organisation, active bool) url.Values {
	f := url.Values{
		"name_fr": {org.NameFR}, "name_ar": {org.NameAR}, "college": {string(org.College)},
		"delegation": {org.Delegation}, "contact": {org.Contact},
	}
	if active {
		f.Set("active", "on")
	}
	return f
}

func accountPath(id int64) string      { return "/admin/accounts/" + strconv.FormatInt(id, 10) }
func organisationPath(id int64) string { return "/admin/organisations/" + strconv.FormatInt(id, 10) }

// TestInvitation follows a new person from the account an admin creates to
// their first login, and checks that the link works once.
func TestInvitation(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.loginAs(t, demo.AdminEmail)
	org := ts.organisationNamed(t, "Commune de Mahdia")
	id := admin.createAccount(t, url.Values{
		"name": {"Salma Ben Ali"}, "email": {"Salma.BenAli@demo.tn"}, "organisation_id": {strconv.FormatInt(org.ID, 10)},
		"role": {"member"}, "can_vote": {"on"}, "language": {"fr"},
	})
	const email, password = "salma.benali@demo.tn", "Salma's passphrase 2026"

	// Before the invitation, the account has no password and cannot log
	// in, whatever is typed.
	wantStatus(t, "login before the invitation", ts.newClient(t).login(t, email, ""), http.StatusUnauthorized)

	link := admin.invite(t, id)
	person := ts.newClient(t)
	resp := person.get(t, link)
	wantStatus(t, "open the link", resp, http.StatusOK)
	if !strings.Contains(resp.Body, "Salma Ben Ali") || !strings.Contains(resp.Body, email) {
		t.Errorf("the invitation page does not name the person and their email:\n%s", excerpt(resp.Body))
	}

	// Mistakes in the form do not spend the link.
	before := ts.snapshot(t)
	wantStatus(t, "passwords differ", person.postForm(t, link, url.Values{"password": {password}, "confirm": {password + "!"}}), http.StatusBadRequest)
	wantStatus(t, "password too short", person.postForm(t, link, url.Values{"password": {"short"}, "confirm": {"short"}}), http.StatusBadRequest)
	if after := ts.snapshot(t); after != before {
		t.Errorf("a refused invitation form changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// Setting the password logs the person in: the link leads to the home
	// page, with no login form on the way.
	wantRedirect(t, "set the password", person.postForm(t, link, url.Values{"password": {password}, "confirm": {password}}), "/?done=password_set")
	home := person.get(t, "/?done=password_set")
	wantStatus(t, "home", home, http.StatusOK)
	if !strings.Contains(home.Body, "Salma Ben Ali") {
		t.Error("the home page does not greet the new person")
	}

	// The link is spent: it neither shows the form nor sets a password.
	wantStatus(t, "open the link again", ts.newClient(t).get(t, link), http.StatusNotFound)
	wantStatus(t, "use the link again", ts.newClient(t).postForm(t, link, url.Values{
		"password": {"a thief's password"}, "confirm": {"a thief's password"},
	}), http.StatusNotFound)
	wantStatus(t, "login with the thief's password", ts.newClient(t).login(t, email, "a thief's password"), http.StatusUnauthorized)
	ts.newClient(t).mustLogin(t, email, password)

	entries, _, err := ts.db.FindAuditEntries(context.Background(), workspace.AuditFilter{EntityType: "account", EntityID: &id})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{workspace.AuditAccountCreate, workspace.AuditAccountInvite, workspace.AuditAccountPassword, workspace.AuditAccountLogin} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit log of the account %v lacks %s", actions, want)
		}
	}
}

// TestInvitationLanguage checks that the invitation speaks the language the
// secretariat gave the account, whatever the browser asks for, unless the
// person picks another with ?lang=, which then becomes theirs.
func TestInvitationLanguage(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.loginAs(t, demo.AdminEmail)
	org := ts.organisationNamed(t, "Commune de Mahdia")
	form := func(name, email string) url.Values {
		return url.Values{
			"name": {name}, "email": {email}, "organisation_id": {strconv.FormatInt(org.ID, 10)},
			"role": {"member"}, "language": {"ar"},
		}
	}
	pageLang := func(t *testing.T, what string, resp *response) string {
		t.Helper()
		m := htmlTag.FindStringSubmatch(resp.Body)
		if m == nil {
			t.Fatalf("%s: no <html lang dir> on the page:\n%s", what, excerpt(resp.Body))
		}
		return m[1] + " " + m[2]
	}
	// The person's browser asks for French, as most in Mahdia do.
	frenchBrowser := func() *client {
		c := ts.newClient(t)
		c.header.Set("Accept-Language", "fr-TN,fr;q=0.9")
		return c
	}

	t.Run("AccountLanguage", func(t *testing.T) {
		link := admin.invite(t, admin.createAccount(t, form("هالة الطرابلسي", "hela@demo.tn")))
		person := frenchBrowser()
		resp := person.get(t, link)
		wantStatus(t, "open the link", resp, http.StatusOK)
		if got := pageLang(t, "invitation page", resp); got != "ar rtl" {
			t.Errorf("invitation page: lang and dir %q, want %q", got, "ar rtl")
		}
		if !strings.Contains(resp.Body, `action="`+link+`"`) {
			t.Errorf("the form does not post to %s:\n%s", link, excerpt(resp.Body))
		}
		// A refused form stays in the account's language.
		resp = person.postForm(t, link, url.Values{"password": {"short"}, "confirm": {"short"}})
		wantStatus(t, "password too short", resp, http.StatusBadRequest)
		if got := pageLang(t, "refused form", resp); got != "ar rtl" {
			t.Errorf("refused form: lang and dir %q, want %q", got, "ar rtl")
		}
		wantRedirect(t, "set the password", person.postForm(t, link, url.Values{
			"password": {"a passphrase of hers"}, "confirm": {"a passphrase of hers"},
		}), "/?done=password_set")
		if got := pageLang(t, "home page", person.get(t, "/")); got != "ar rtl" {
			t.Errorf("home page after the invitation: lang and dir %q, want %q", got, "ar rtl")
		}
	})

	t.Run("ChosenLanguage", func(t *testing.T) {
		link := admin.invite(t, admin.createAccount(t, form("Karim Jaziri", "karim@demo.tn")))
		person := frenchBrowser()
		resp := person.get(t, link+"?lang=en")
		wantStatus(t, "open the link in English", resp, http.StatusOK)
		if got := pageLang(t, "invitation page", resp); got != "en ltr" {
			t.Errorf("invitation page with ?lang=en: lang and dir %q, want %q", got, "en ltr")
		}
		if !strings.Contains(resp.Body, `action="`+link+`?lang=en"`) {
			t.Errorf("the form does not keep the chosen language in its action %s?lang=en:\n%s", link, excerpt(resp.Body))
		}
		wantRedirect(t, "set the password", person.postForm(t, link+"?lang=en", url.Values{
			"password": {"a passphrase of his"}, "confirm": {"a passphrase of his"},
		}), "/?done=password_set")
		if got := ts.account(t, "karim@demo.tn").Language; got != "en" {
			t.Errorf("account language after choosing English on the invitation: %q, want en", got)
		}
		if got := pageLang(t, "home page", person.get(t, "/")); got != "en ltr" {
			t.Errorf("home page after the invitation: lang and dir %q, want %q", got, "en ltr")
		}
	})
}

// TestInvitationExpires checks that a link is refused once its lifetime has
// passed.
func TestInvitationExpires(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.loginAs(t, demo.AdminEmail)
	org := ts.organisationNamed(t, "Commune de Mahdia")
	id := admin.createAccount(t, url.Values{
		"name": {"Lotfi Sahli"}, "email": {"lotfi.sahli@demo.tn"}, "organisation_id": {strconv.FormatInt(org.ID, 10)},
		"role": {"stakeholder"}, "language": {"ar"},
	})
	link := admin.invite(t, id)
	ts.clock.Advance(workspace.InvitationLifetime - time.Hour)
	wantStatus(t, "open the link the day before it expires", ts.newClient(t).get(t, link), http.StatusOK)

	ts.clock.Advance(2 * time.Hour)
	wantStatus(t, "open the expired link", ts.newClient(t).get(t, link), http.StatusNotFound)
	before := ts.snapshot(t)
	wantStatus(t, "use the expired link", ts.newClient(t).postForm(t, link, url.Values{
		"password": {"too late passphrase"}, "confirm": {"too late passphrase"},
	}), http.StatusNotFound)
	if after := ts.snapshot(t); after != before {
		t.Errorf("an expired link changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	wantStatus(t, "login", ts.newClient(t).login(t, "lotfi.sahli@demo.tn", "too late passphrase"), http.StatusUnauthorized)

	// A new invitation works again.
	admin.keepSession(t)
	link = admin.invite(t, id)
	wantRedirect(t, "use a new link", ts.newClient(t).postForm(t, link, url.Values{
		"password": {"in time passphrase"}, "confirm": {"in time passphrase"},
	}), "/?done=password_set")
}

// TestInvitationResetsPassword checks an invitation to a person who already
// has a password: it is a reset link, which an admin makes. A newer link
// replaces an older one, and using it ends the person's sessions and live
// connections.
func TestInvitationResetsPassword(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.loginAs(t, demo.AdminEmail)
	member := ts.loginAs(t, demo.MemberEmail)
	ws := mustDialWS(t, member)
	wsSubscribe(t, ws, "table")
	id := ts.account(t, demo.MemberEmail).ID

	older := admin.invite(t, id)
	newer := admin.invite(t, id)
	wantStatus(t, "open the older link", ts.newClient(t).get(t, older), http.StatusNotFound)
	wantStatus(t, "member still logged in after the invitations", member.get(t, "/"), http.StatusOK)

	wantRedirect(t, "use the newer link", ts.newClient(t).postForm(t, newer, url.Values{
		"password": {"a reset passphrase"}, "confirm": {"a reset passphrase"},
	}), "/?done=password_set")
	wantLoginRedirect(t, "member's old session", member.get(t, "/"))
	if ce, _ := wsExpectClose(t, ws, 5*time.Second); ce.Code != websocket.ClosePolicyViolation {
		t.Errorf("websocket closed with %d, want %d", ce.Code, websocket.ClosePolicyViolation)
	}
	wantStatus(t, "login with the old password", ts.newClient(t).login(t, demo.MemberEmail, demo.Password), http.StatusUnauthorized)
	ts.newClient(t).mustLogin(t, demo.MemberEmail, "a reset passphrase")
}

// TestPasswordChange checks the password form: the current password is
// needed, the old password stops working, and every other session ends
// while this browser stays logged in.
func TestPasswordChange(t *testing.T) {
	ts := newTestServer(t)
	laptop := ts.loginAs(t, demo.MemberEmail)
	phone := ts.loginAs(t, demo.MemberEmail)
	oldToken := laptop.sessionToken()
	const newPassword = "كلمة سر جديدة 2026" // Arabic, past ten characters

	wantStatus(t, "password form", laptop.get(t, "/account/password"), http.StatusOK)
	before := ts.snapshot(t)
	for _, tt := range []struct {
		name string
		form url.Values
	}{
		{"WrongCurrent", url.Values{"current": {"not my password"}, "password": {newPassword}, "confirm": {newPassword}}},
		{"NoCurrent", url.Values{"password": {newPassword}, "confirm": {newPassword}}},
		{"TooShort", url.Values{"current": {demo.Password}, "password": {"short"}, "confirm": {"short"}}},
		{"Mismatch", url.Values{"current": {demo.Password}, "password": {newPassword}, "confirm": {newPassword + "x"}}},
	} {
		wantStatus(t, tt.name, laptop.postForm(t, "/account/password", tt.form), http.StatusBadRequest)
	}
	if after := ts.snapshot(t); after != before {
		t.Fatalf("refused password changes changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	wantStatus(t, "phone still logged in", phone.get(t, "/"), http.StatusOK)

	wantRedirect(t, "change password", laptop.postForm(t, "/account/password", url.Values{
		"current": {demo.Password}, "password": {newPassword}, "confirm": {newPassword},
	}), "/?done=password_changed")

	if laptop.sessionToken() == oldToken {
		t.Error("the laptop kept its session token through the change")
	}
	wantStatus(t, "laptop after the change", laptop.get(t, "/"), http.StatusOK)
	wantLoginRedirect(t, "laptop's old token", ts.clientWithToken(t, oldToken).get(t, "/"))
	wantLoginRedirect(t, "phone after the change", phone.get(t, "/"))

	wantStatus(t, "login with the old password", ts.newClient(t).login(t, demo.MemberEmail, demo.Password), http.StatusUnauthorized)
	ts.newClient(t).mustLogin(t, demo.MemberEmail, newPassword)

	m := ts.account(t, demo.MemberEmail)
	entries, _, err := ts.db.FindAuditEntries(context.Background(), workspace.AuditFilter{Action: workspace.AuditAccountPassword, EntityID: &m.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].ActorID == nil || *entries[0].ActorID != m.ID {
		t.Errorf("audit entries for the change: %+v, want one by the member", entries)
	}
}

// TestDeactivateOrganisation checks that a deactivated organisation leaves
// the table's composition and takes no new people, while its people keep
// their accounts, and that it can come back.
func TestDeactivateOrganisation(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.loginAs(t, demo.AdminEmail)
	org := ts.organisationNamed(t, "Commune de Mahdia")
	person := ts.account(t, "kamel.ayari@demo.tn")

	if home := admin.get(t, "/"); !strings.Contains(home.Body, org.NameFR) {
		t.Fatal("the organisation is not on the home page to begin with")
	}
	wantRedirect(t, "deactivate", admin.postForm(t, organisationPath(org.ID), organisationForm(org, false)), "/admin/organisations?done=organisation_saved")
	if got := ts.organisationNamed(t, org.NameFR); got.Active {
		t.Fatal("the organisation is still active")
	}
	if home := admin.get(t, "/"); strings.Contains(home.Body, org.NameFR) || strings.Contains(home.Body, person.Name) {
		t.Error("the home page still shows the deactivated organisation or its people")
	}
	if list := admin.get(t, "/admin/organisations"); !strings.Contains(list.Body, org.NameFR) {
		t.Error("the organisation list no longer shows the deactivated organisation")
	}
	if !ts.account(t, person.Email).Active {
		t.Error("deactivating the organisation deactivated its people")
	}

	before := ts.snapshot(t)
	resp := admin.postForm(t, "/admin/accounts", url.Values{
		"name": {"Nouvelle recrue"}, "email": {"recrue@demo.tn"}, "organisation_id": {strconv.FormatInt(org.ID, 10)}, "role": {"member"},
	})
	wantStatus(t, "new account in the deactivated organisation", resp, http.StatusBadRequest)
	if after := ts.snapshot(t); after != before {
		t.Errorf("the refused account changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	wantRedirect(t, "reactivate", admin.postForm(t, organisationPath(org.ID), organisationForm(org, true)), "/admin/organisations?done=organisation_saved")
	if home := admin.get(t, "/"); !strings.Contains(home.Body, org.NameFR) {
		t.Error("the reactivated organisation is not back on the home page")
	}
}

// TestAccountCreateOffersInvitation checks the new-account form and the
// page it leads to: no voting right unless one is ticked, and the
// invitation, the next step, at the top of the new account's page, above
// its details. An account that has a password gets its reset link below,
// offered to an admin, who alone makes one.
func TestAccountCreateOffersInvitation(t *testing.T) {
	ts := newTestServer(t)
	secretariat := ts.loginAs(t, demo.SecretariatEmail)
	admin := ts.loginAs(t, demo.AdminEmail)

	blank := secretariat.get(t, "/admin/accounts/new")
	wantStatus(t, "new account form", blank, http.StatusOK)
	canVote := regexp.MustCompile(`<input id="can_vote"[^>]*>`).FindString(blank.Body)
	if canVote == "" {
		t.Fatalf("no can_vote checkbox on the new account form:\n%s", excerpt(blank.Body))
	}
	if strings.Contains(canVote, "checked") {
		t.Errorf("the new account form ticks the voting right by default: %s", canVote)
	}

	org := ts.organisationNamed(t, "Commune de Mahdia")
	id := secretariat.createAccount(t, url.Values{
		"name": {"Nour Hammami"}, "email": {"nour@demo.tn"}, "organisation_id": {strconv.FormatInt(org.ID, 10)},
		"role": {"member"}, "language": {"fr"},
	})
	if ts.account(t, "nour@demo.tn").CanVote {
		t.Error("an account created without ticking the voting right may vote")
	}
	for _, tt := range []struct {
		name        string
		viewer      *client
		id          int64
		offerBefore bool
	}{
		{"NoPassword", secretariat, id, true},
		{"HasPassword", admin, ts.account(t, demo.MemberEmail).ID, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page := tt.viewer.get(t, accountPath(tt.id)+"/edit?done=account_created")
			wantStatus(t, "account page", page, http.StatusOK)
			offer := strings.Index(page.Body, `action="`+accountPath(tt.id)+`/invitation"`)
			details := strings.Index(page.Body, `action="`+accountPath(tt.id)+`"`)
			if offer < 0 || details < 0 {
				t.Fatalf("the account page lacks the invitation form (at %d) or the details form (at %d)", offer, details)
			}
			if got := offer < details; got != tt.offerBefore {
				t.Errorf("invitation form before the details: %v, want %v", got, tt.offerBefore)
			}
		})
	}
}

// TestDeactivateAccount checks that a deactivated person is logged out
// everywhere, cannot log in or be invited, and can be let back in.
func TestDeactivateAccount(t *testing.T) {
	ts := newTestServer(t)
	secretariat := ts.loginAs(t, demo.SecretariatEmail)
	member := ts.loginAs(t, demo.MemberEmail)
	m := ts.account(t, demo.MemberEmail)

	wantRedirect(t, "deactivate", secretariat.postForm(t, accountPath(m.ID), accountForm(m, false)), "/admin/accounts?done=account_saved")
	if ts.account(t, m.Email).Active {
		t.Fatal("the account is still active")
	}
	wantLoginRedirect(t, "member's session", member.get(t, "/"))
	wantStatus(t, "login with the right password", ts.newClient(t).login(t, m.Email, demo.Password), http.StatusUnauthorized)

	// The member has a password: the link would be a reset, which only
	// an admin makes.
	admin := ts.loginAs(t, demo.AdminEmail)
	before := ts.snapshot(t)
	wantStatus(t, "invite the deactivated account", admin.postForm(t, accountPath(m.ID)+"/invitation", nil), http.StatusBadRequest)
	if after := ts.snapshot(t); after != before {
		t.Errorf("the refused invitation changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	wantRedirect(t, "reactivate", secretariat.postForm(t, accountPath(m.ID), accountForm(m, true)), "/admin/accounts?done=account_saved")
	ts.newClient(t).mustLogin(t, m.Email, demo.Password)
}

// TestSelfDeactivationRefused checks that nobody can deactivate or demote
// themselves, so a table cannot lose its last administrator by accident,
// while saving one's own account otherwise works.
func TestSelfDeactivationRefused(t *testing.T) {
	ts := newTestServer(t)
	for _, tt := range []struct {
		email string
		lower workspace.Role
	}{
		{demo.AdminEmail, workspace.RoleSecretariat},
		{demo.SecretariatEmail, workspace.RoleMember},
	} {
		t.Run(tt.email, func(t *testing.T) {
			c := ts.loginAs(t, tt.email)
			self := ts.account(t, tt.email)
			demoted := accountForm(self, true)
			demoted.Set("role", string(tt.lower))

			before := ts.snapshot(t)
			wantStatus(t, "deactivate oneself", c.postForm(t, accountPath(self.ID), accountForm(self, false)), http.StatusBadRequest)
			wantStatus(t, "demote oneself", c.postForm(t, accountPath(self.ID), demoted), http.StatusBadRequest)
			if after := ts.snapshot(t); after != before {
				t.Errorf("refused self changes changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			wantStatus(t, "still logged in", c.get(t, "/admin/accounts"), http.StatusOK)

			renamed := accountForm(self, true)
			renamed.Set("name", self.Name+" (renommé)")
			wantRedirect(t, "rename oneself", c.postForm(t, accountPath(self.ID), renamed), "/admin/accounts?done=account_saved")
			if got := ts.account(t, tt.email); got.Name != self.Name+" (renommé)" || !got.Active || got.Role != self.Role {
				t.Errorf("after saving one's own account: %+v", got)
			}
		})
	}
}

// htmlTag matches the opening html tag, which carries the page's language
// and direction.
var htmlTag = regexp.MustCompile(`<html lang="([^"]*)" dir="([^"]*)">`)

// wantLanguage fails the test unless the page is in lang, with its
// direction. Error pages count: they are in the visitor's language too.
func wantLanguage(t *testing.T, what string, resp *response, lang string) {
	t.Helper()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound {
		t.Fatalf("%s: status %d, want a page", what, resp.StatusCode)
	}
	dir := "ltr"
	if lang == "ar" {
		dir = "rtl"
	}
	m := htmlTag.FindStringSubmatch(resp.Body)
	if m == nil || m[1] != lang || m[2] != dir {
		t.Errorf("%s: html tag %v, want lang=%q dir=%q", what, m, lang, dir)
	}
	if got := resp.Header.Get("Content-Language"); got != lang {
		t.Errorf("%s: Content-Language %q, want %q", what, got, lang)
	}
}

// TestLanguage checks how the interface language is chosen and remembered.
func TestLanguage(t *testing.T) {
	ts := newTestServer(t)

	t.Run("VisitorChoiceRemembered", func(t *testing.T) {
		c := ts.newClient(t)
		wantLanguage(t, "first visit", c.get(t, "/login"), "fr")
		resp := c.get(t, "/login?lang=ar")
		wantLanguage(t, "?lang=ar", resp, "ar")
		if ck := resp.setCookie(langCookie); ck == nil || ck.Value != "ar" {
			t.Errorf("?lang=ar set the language cookie %+v, want ar", ck)
		}
		wantLanguage(t, "next visit", c.get(t, "/login"), "ar")
		wantLanguage(t, "another page", c.get(t, "/no-such-page"), "ar")
		wantLanguage(t, "?lang=en", c.get(t, "/login?lang=en"), "en")
		wantLanguage(t, "after English", c.get(t, "/login"), "en")

		resp = c.get(t, "/login?lang=de")
		wantLanguage(t, "?lang=de", resp, "en")
		if ck := resp.setCookie(langCookie); ck != nil {
			t.Errorf("an unknown language set the cookie %+v", ck)
		}
	})

	t.Run("AcceptLanguage", func(t *testing.T) {
		for _, tt := range []struct{ header, want string }{
			{"ar", "ar"},
			{"ar-TN,ar;q=0.9,fr;q=0.8", "ar"},
			{"en-GB,en;q=0.9", "en"},
			{"fr-TN", "fr"},
			{"de-DE,de;q=0.9", "fr"},
			{"", "fr"},
			{"*;q=", "fr"},
		} {
			c := ts.newClient(t)
			if tt.header != "" {
				c.header.Set("Accept-Language", tt.header)
			}
			wantLanguage(t, "Accept-Language: "+tt.header, c.get(t, "/login"), tt.want)
		}
		// A choice made on the page wins over the browser's preference.
		c := ts.newClient(t)
		c.header.Set("Accept-Language", "ar")
		wantLanguage(t, "?lang=en with Accept-Language: ar", c.get(t, "/login?lang=en"), "en")
		wantLanguage(t, "then without ?lang", c.get(t, "/login"), "en")
	})

	t.Run("ProfileRemembered", func(t *testing.T) {
		c := ts.loginAs(t, demo.MemberEmail)
		wantLanguage(t, "home", c.get(t, "/"), "fr")
		// A link with ?lang= shows one page in Arabic and saves nothing;
		// the switcher's form saves it.
		wantLanguage(t, "home ?lang=ar", c.get(t, "/?lang=ar"), "ar")
		wantLanguage(t, "home after ?lang=ar", c.get(t, "/"), "fr")
		wantRedirect(t, "the switcher", c.postForm(t, "/account/language", url.Values{"lang": {"ar"}, "next": {"/"}}), "/")
		if got := ts.account(t, demo.MemberEmail).Language; got != "ar" {
			t.Errorf("profile language %q, want ar", got)
		}
		wantStatus(t, "logout", c.postForm(t, "/logout", nil), http.StatusSeeOther)

		// Another browser, which prefers English, without the cookie.
		other := ts.newClient(t)
		other.header.Set("Accept-Language", "en")
		other.mustLogin(t, demo.MemberEmail, demo.Password)
		wantLanguage(t, "home on another browser", other.get(t, "/"), "ar")
		wantLanguage(t, "password page", other.get(t, "/account/password"), "ar")
	})

	t.Run("ChosenBeforeLogin", func(t *testing.T) {
		c := ts.newClient(t)
		wantLanguage(t, "login ?lang=en", c.get(t, "/login?lang=en"), "en")
		c.mustLogin(t, demo.StakeholderEmail, demo.Password)
		wantLanguage(t, "home after login", c.get(t, "/"), "en")
		if got := ts.account(t, demo.StakeholderEmail).Language; got != "en" {
			t.Errorf("profile language %q, want en", got)
		}
	})
}

// auditRowPattern matches one entry of the audit page: its actor and the
// id of the thing changed.
var auditRowPattern = regexp.MustCompile(`<td[^>]*>([^<]*)</td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>[^<]*#(\d+)</td>`)

// auditPage fetches the audit log with query as c and returns its entries,
// as "actor #id", in the page's order (newest first).
func auditPage(t *testing.T, c *client, query string) []string {
	t.Helper()
	resp := c.get(t, "/admin/audit?"+query)
	wantStatus(t, "audit log ?"+query, resp, http.StatusOK)
	var rows []string
	for _, m := range auditRowPattern.FindAllStringSubmatch(resp.Body, -1) {
		rows = append(rows, strings.TrimSpace(m[1])+" #"+m[2])
	}
	return rows
}

// TestAuditLogFilters makes changes as two people and checks what the audit
// page shows for each filter.
func TestAuditLogFilters(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.loginAs(t, demo.AdminEmail)
	secretariat := ts.loginAs(t, demo.SecretariatEmail)
	a, s := ts.account(t, demo.AdminEmail), ts.account(t, demo.SecretariatEmail)

	wantStatus(t, "create organisation", admin.postForm(t, "/admin/organisations", url.Values{
		"name_fr": {"Organisation auditée"}, "college": {"civil_society"},
	}), http.StatusSeeOther)
	org := ts.organisationNamed(t, "Organisation auditée")
	updated := organisationForm(org, true)
	updated.Set("delegation", "Chebba")
	wantStatus(t, "update organisation", admin.postForm(t, organisationPath(org.ID), updated), http.StatusSeeOther)
	accID := secretariat.createAccount(t, url.Values{
		"name": {"Personne auditée"}, "email": {"audit@demo.tn"}, "organisation_id": {strconv.FormatInt(org.ID, 10)}, "role": {"member"},
	})
	secretariat.invite(t, accID)

	ids := func(n int64) string { return strconv.FormatInt(n, 10) }
	org1 := a.Name + " #" + ids(org.ID)
	acc1 := s.Name + " #" + ids(accID)
	// Today as the server reads dates: in the table's time zone, which
	// is a day ahead of UTC's for an hour each night.
	today := ts.clock.Now().In(ts.srv.location)
	tests := []struct {
		query string
		want  []string
	}{
		{"action=organisation.create&actor=" + ids(a.ID), []string{org1}},
		{"action=organisation.update", []string{org1}},
		{"entity_type=organisation&entity_id=" + ids(org.ID), []string{org1, org1}},
		{"entity_type=account&entity_id=" + ids(accID), []string{acc1, acc1}},
		{"actor=" + ids(s.ID), []string{acc1, acc1, s.Name + " #" + ids(s.ID)}},
		{"action=account.login&actor=" + ids(a.ID), []string{a.Name + " #" + ids(a.ID)}},
		{"action=account.invite", []string{acc1}},
		{"action=account.create&entity_id=" + ids(accID), []string{acc1}},
		// The demo's meetings are dated up to 38 days back
		// (demo/meetings.go), its issues up to 90 (demo/issues.go);
		// everything else happened today.
		{"until=" + today.AddDate(0, 0, -120).Format("2006-01-02"), nil},
		{"since=" + today.AddDate(0, 0, 1).Format("2006-01-02"), nil},
		{"action=organisation.create&since=" + today.AddDate(0, 0, -1).Format("2006-01-02") + "&actor=" + ids(a.ID), []string{org1}},
	}
	for _, tt := range tests {
		if got := auditPage(t, admin, tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("audit log ?%s:\n got %q\nwant %q", tt.query, got, tt.want)
		}
	}

	// The demo loader's creations carry no actor account: filtering on
	// the action shows them after the admin's, newest first.
	got := auditPage(t, admin, "action=organisation.create")
	if len(got) != 15 || got[0] != org1 {
		t.Errorf("organisation creations: %q, want the admin's then the demo's 14", got)
	}
	for _, row := range got[1:] {
		if !strings.HasPrefix(row, demo.ActorName+" #") {
			t.Errorf("organisation creation %q, want one by %q", row, demo.ActorName)
		}
	}

	// Unknown filter values are ignored, not an error: the page shows the
	// newest entries.
	total := ts.auditCount(t)
	all := auditPage(t, admin, "")
	if len(all) != min(total, auditPageSize) {
		t.Fatalf("unfiltered audit log shows %d entries, want %d", len(all), min(total, auditPageSize))
	}
	if got := auditPage(t, admin, "action=drop+table&entity_type=session&actor=abc&entity_id=-1&since=yesterday&page=-3"); !slices.Equal(got, all) {
		t.Errorf("audit log with unknown filters:\n got %q\nwant %q", got, all)
	}
	// The second page follows the first.
	if total > auditPageSize {
		if got := auditPage(t, admin, "page=2"); len(got) != min(total-auditPageSize, auditPageSize) {
			t.Errorf("second page shows %d entries, want %d", len(got), min(total-auditPageSize, auditPageSize))
		}
	}
}

// TestReopenDatabase checks that opening an existing database applies no
// migration again and keeps the data, and that the server runs on it.
func TestReopenDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tawla.db")
	first, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, first); err != nil {
		t.Fatal(err)
	}
	applied, err := first.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) == 0 {
		t.Fatal("no migration recorded")
	}
	orgs, err := first.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	again, err := db.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again, applied) {
		t.Errorf("migrations after reopening %v, want %v", again, applied)
	}
	orgsAgain, err := db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(orgsAgain) != len(orgs) {
		t.Errorf("%d organisations after reopening, want %d", len(orgsAgain), len(orgs))
	}
	if err := demo.Load(ctx, db); workspace.ErrorCode(err) != workspace.ECONFLICT {
		t.Errorf("demo.Load into a filled database: %v, want a conflict", err)
	}

	clock := &testsupport.Clock{}
	db.Now = clock.Now
	ts := startTestServer(t, db, clock, nil)
	c := ts.loginAs(t, demo.AdminEmail)
	wantStatus(t, "home", c.get(t, "/"), http.StatusOK)
	wantStatus(t, "health", c.get(t, "/healthz"), http.StatusOK)
}

// TestSecretariatRefusedOnAdmins checks how the store's refusals reach the
// secretariat: a change to an admin's account is refused on an error page
// that does not show the admin's details, while making a member an admin
// is refused on the member's form; neither changes anything.
func TestSecretariatRefusedOnAdmins(t *testing.T) {
	ts := newTestServer(t)
	c := ts.loginAs(t, demo.SecretariatEmail)
	admin := ts.account(t, demo.AdminEmail)
	member := ts.account(t, demo.MemberEmail)
	before := ts.snapshot(t)

	renamed := accountForm(admin, true)
	renamed.Set("name", "Renommée par le secrétariat")
	resp := c.postForm(t, accountPath(admin.ID), renamed)
	wantStatus(t, "rename an admin", resp, http.StatusForbidden)
	if strings.Contains(resp.Body, admin.Email) {
		t.Error("the refusal to rename an admin shows the admin's form")
	}

	resp = c.postForm(t, accountPath(admin.ID)+"/invitation", nil)
	wantStatus(t, "invite an admin", resp, http.StatusForbidden)
	if strings.Contains(resp.Body, admin.Email) {
		t.Error("the refusal to invite an admin shows the admin's form")
	}

	promoted := accountForm(member, true)
	promoted.Set("role", string(workspace.RoleAdmin))
	resp = c.postForm(t, accountPath(member.ID), promoted)
	wantStatus(t, "make a member an admin", resp, http.StatusForbidden)
	if !strings.Contains(resp.Body, member.Email) {
		t.Error("the refusal to make a member an admin does not show the member's form")
	}

	if after := ts.snapshot(t); after != before {
		t.Errorf("refused changes changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestInvitationRevokedOnDeactivate checks that deactivating an account
// revokes its outstanding invitation: reactivated, the account is not
// reachable through the old link again (issue 8), perhaps long after the
// link went to an address that is no longer the person's.
func TestInvitationRevokedOnDeactivate(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.loginAs(t, demo.AdminEmail)
	org := ts.organisationNamed(t, "Commune de Mahdia")
	id := admin.createAccount(t, url.Values{
		"name": {"Hedi Mansour"}, "email": {"hedi.mansour@demo.tn"}, "organisation_id": {strconv.FormatInt(org.ID, 10)},
		"role": {"member"}, "language": {"fr"},
	})
	link := admin.invite(t, id)
	wantStatus(t, "open the link", ts.newClient(t).get(t, link), http.StatusOK)

	acc := ts.account(t, "hedi.mansour@demo.tn")
	wantRedirect(t, "deactivate", admin.postForm(t, accountPath(id), accountForm(acc, false)), "/admin/accounts?done=account_saved")
	wantStatus(t, "open the link while deactivated", ts.newClient(t).get(t, link), http.StatusNotFound)
	wantRedirect(t, "reactivate", admin.postForm(t, accountPath(id), accountForm(acc, true)), "/admin/accounts?done=account_saved")

	wantStatus(t, "open the old link after reactivation", ts.newClient(t).get(t, link), http.StatusNotFound)
	before := ts.snapshot(t)
	wantStatus(t, "use the old link after reactivation", ts.newClient(t).postForm(t, link, url.Values{
		"password": {"an old link's passphrase"}, "confirm": {"an old link's passphrase"},
	}), http.StatusNotFound)
	if after := ts.snapshot(t); after != before {
		t.Errorf("the old link changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// A new invitation is the way back in, and logs the person in.
	wantRedirect(t, "use a new link", ts.newClient(t).postForm(t, admin.invite(t, id), url.Values{
		"password": {"a new link's passphrase"}, "confirm": {"a new link's passphrase"},
	}), "/?done=password_set")
}
