package server

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// Demo accounts around an issue's personal details: otherMemberEmail is a
// member of another organisation than demo.MemberEmail's, ownerColleague
// a second member of demo.MemberEmail's organisation, reporterEmail a
// member of a third one.
const (
	otherMemberEmail    = "hela.jaziri@demo.tn"
	ownerColleagueEmail = "nizar.bouzid@demo.tn"
	reporterEmail       = "rim.sassi@demo.tn"
)

// privateFixture is an issue with personal details, reported by
// reporterEmail and owned by demo.MemberEmail's organisation.
type privateFixture struct {
	issue   *workspace.Issue
	path    string
	secrets []string
}

// newPrivateFixture reports the fixture's issue.
func newPrivateFixture(t *testing.T, ts *testServer) *privateFixture {
	t.Helper()
	owner := ts.account(t, demo.MemberEmail).OrganisationID
	reporter := ts.account(t, reporterEmail)
	for _, email := range []string{otherMemberEmail, reporterEmail} {
		if acc := ts.account(t, email); acc.OrganisationID == owner || acc.Role != workspace.RoleMember {
			t.Fatalf("%s must be a member outside the owner organisation", email)
		}
	}
	if acc := ts.account(t, ownerColleagueEmail); acc.OrganisationID != owner || acc.Role != workspace.RoleMember {
		t.Fatalf("%s must be a member of the owner organisation", ownerColleagueEmail)
	}
	f := &privateFixture{secrets: []string{"Quirina Fantasmo", "+216 00 424 242", "dossier-ZZ9PLURAL", "ملف-خيالي-٤٢"}}
	f.issue = &workspace.Issue{Title: "Attestation de travail introuvable", CategoryID: firstCategory(t, ts).ID,
		Priority: workspace.PriorityNormal, OwnerOrganisationID: &owner}
	private := &workspace.IssuePrivate{PersonName: f.secrets[0], PersonContact: f.secrets[1], Details: f.secrets[2] + " — " + f.secrets[3]}
	if _, err := ts.db.CreateIssue(context.Background(), workspace.ActorFor(reporter), f.issue, private); err != nil {
		t.Fatal(err)
	}
	f.path = issuePath(f.issue.ID)
	return f
}

// leaks returns the personal details found in s.
func (f *privateFixture) leaks(s string) []string {
	var found []string
	for _, secret := range f.secrets {
		if containsAnyForm(s, secret) {
			found = append(found, secret)
		}
	}
	return found
}

// containsAnyForm reports whether s holds secret as it is, escaped as
// html/template writes text (which writes "+" as "&#43;") or escaped for
// an address.
func containsAnyForm(s, secret string) bool {
	html := strings.ReplaceAll(template.HTMLEscapeString(secret), "+", "&#43;")
	return strings.Contains(s, secret) || strings.Contains(s, html) || strings.Contains(s, url.QueryEscape(secret))
}

// views counts the recorded views of the fixture's personal details.
func (f *privateFixture) views(t *testing.T, ts *testServer) int {
	t.Helper()
	_, n, err := ts.db.FindAuditEntries(context.Background(), workspace.AuditFilter{
		Action: workspace.AuditIssuePrivateView, EntityType: "issue", EntityID: &f.issue.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIssuePrivateNeedToKnow reads an issue with personal details as each
// kind of viewer: the reporter, a member of the owner organisation — the
// organisation the issue is assigned to; the issue has no assignee other
// than it — and another of its members, the secretariat and an admin see
// the button on the page, the details in its answer and in the edit form;
// a member of another organisation sees only the notice that details
// exist, is refused the button's answer and gets an edit form without
// them; a stakeholder sees nothing of them. No live message carries them,
// to anyone, when they change.
func TestIssuePrivateNeedToKnow(t *testing.T) {
	ts := newTestServer(t)
	f := newPrivateFixture(t, ts)
	cases := []struct {
		name, email string
		// allowed: may see them; member: is told they exist and edits.
		allowed, member bool
	}{
		{"reporter", reporterEmail, true, true},
		{"owner organisation member", demo.MemberEmail, true, true},
		{"owner organisation colleague", ownerColleagueEmail, true, true},
		{"secretariat", demo.SecretariatEmail, true, true},
		{"admin", demo.AdminEmail, true, true},
		{"other member", otherMemberEmail, false, true},
		{"stakeholder", demo.StakeholderEmail, false, false},
	}
	l := ts.srv.localizer("fr")
	notice := l.T("issue.private.notice")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ts.sessionClient(t, tc.email)
			page := c.get(t, f.path)
			wantStatus(t, "issue page", page, http.StatusOK)
			if found := f.leaks(page.Body); len(found) > 0 {
				t.Errorf("the issue page shows %q before any request", found)
			}
			button := `action="` + f.path + `/private"`
			switch {
			case tc.allowed:
				wantBody(t, "issue page", page.Body, button, l.T("issue.private.reveal"))
				wantNoBody(t, "issue page", page.Body, notice)
			case tc.member:
				wantBody(t, "issue page", page.Body, notice)
				wantNoBody(t, "issue page", page.Body, button)
			default:
				wantNoBody(t, "issue page", page.Body, notice, button, "issue-private", l.T("issue.private.heading"))
			}

			views := f.views(t, ts)
			reveal := c.postForm(t, f.path+"/private", nil)
			edit := c.get(t, f.path+"/edit")
			if tc.allowed {
				wantStatus(t, "reveal", reveal, http.StatusOK)
				wantStatus(t, "edit form", edit, http.StatusOK)
				for what, body := range map[string]string{"reveal": reveal.Body, "edit form": edit.Body} {
					if found := f.leaks(body); len(found) != len(f.secrets) {
						t.Errorf("the %s shows %d of the %d details: %q", what, len(found), len(f.secrets), found)
					}
				}
				wantBody(t, "edit form", edit.Body, `name="person_name"`, `name="details"`)
				if got := f.views(t, ts) - views; got != 2 {
					t.Errorf("%d views recorded for the page and the edit form, want 2", got)
				}
				return
			}
			wantStatus(t, "reveal", reveal, http.StatusForbidden)
			if found := f.leaks(reveal.Body + edit.Body); len(found) > 0 {
				t.Errorf("the refusal or the edit form shows %q", found)
			}
			if tc.member {
				wantStatus(t, "edit form", edit, http.StatusOK)
				wantNoBody(t, "edit form", edit.Body, `name="person_name"`, `name="person_contact"`, `name="details"`)
				wantBody(t, "edit form", edit.Body, notice)
			} else {
				wantStatus(t, "edit form", edit, http.StatusForbidden)
			}
			if got := f.views(t, ts) - views; got != 0 {
				t.Errorf("%d views recorded for someone refused", got)
			}
		})
	}

	t.Run("Live", func(t *testing.T) {
		conns := map[string]*websocket.Conn{}
		for _, tc := range cases {
			ws := mustDialWS(t, ts.sessionClient(t, tc.email))
			testsupport.SendText(t, ws, `{"type":"subscribe","topic":"issue:`+strconv.FormatInt(f.issue.ID, 10)+`"}`)
			drainLive(t, ws, f)
			conns[tc.name] = ws
		}
		// The reporter edits the issue and its details through the form.
		f.secrets = append(f.secrets, "Ximena Brouillard", "+216 00 777 888")
		form := url.Values{"title": {f.issue.Title + " (2)"}, "category_id": {strconv.FormatInt(f.issue.CategoryID, 10)},
			"priority": {"high"}, "person_name": {f.secrets[4]}, "person_contact": {f.secrets[5]}, "details": {"—"}}
		wantRedirect(t, "edit", ts.sessionClient(t, reporterEmail).postForm(t, f.path, form), f.path+"?done=issue_saved")
		for name, conn := range conns {
			if events := drainLive(t, conn, f); events != 1 {
				t.Errorf("%s received %d timeline events, want the edit's", name, events)
			}
		}
	})
}

// drainLive reads every message of ws up to the pong of a ping sent now,
// fails the test on one that carries a personal detail of f, and counts
// the timeline events.
func drainLive(t *testing.T, ws *websocket.Conn, f *privateFixture) (events int) {
	t.Helper()
	testsupport.SendText(t, ws, `{"type":"ping","id":7}`)
	for {
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("reading the live messages: %v", err)
		}
		frame := string(data)
		if found := f.leaks(frame); len(found) > 0 {
			t.Errorf("a live message carries personal details %q: %s", found, frame)
		}
		switch {
		case strings.Contains(frame, `"type":"error"`):
			t.Fatalf("live error: %s", frame)
		case strings.Contains(frame, `"type":"pong"`):
			return events
		case strings.Contains(frame, `"issue.event"`):
			events++
		}
	}
}

// TestIssuePrivateNotInPageUntilRevealed: the issue page of someone who
// may see the personal details does not hold them, only a POST form
// without script; its answer holds them, is never cached, leaves them out
// of every address (it is no redirect), and links back to the page
// without them, which a reload shows again.
func TestIssuePrivateNotInPageUntilRevealed(t *testing.T) {
	ts := newTestServer(t)
	f := newPrivateFixture(t, ts)
	c := ts.sessionClient(t, demo.MemberEmail)

	page := c.get(t, f.path)
	wantStatus(t, "issue page", page, http.StatusOK)
	if found := f.leaks(page.Body); len(found) > 0 {
		t.Fatalf("the issue page holds %q before the button", found)
	}
	wantBody(t, "issue page", page.Body, `<form method="post" action="`+f.path+`/private"`)

	reveal := c.postForm(t, f.path+"/private", nil)
	wantStatus(t, "reveal", reveal, http.StatusOK)
	if found := f.leaks(reveal.Body); len(found) != len(f.secrets) {
		t.Errorf("the answer shows %d of the %d details", len(found), len(f.secrets))
	}
	if cc := reveal.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the answer's Cache-Control is %q, want no-store", cc)
	}
	if loc := reveal.Header.Get("Location"); loc != "" {
		t.Errorf("the answer redirects to %q", loc)
	}
	wantBody(t, "answer", reveal.Body, `<a href="`+f.path+`">`, `name="body"`)
	// Every address the answer holds is free of them.
	for _, attr := range []string{`href="`, `action="`, `src="`} {
		for _, part := range strings.Split(reveal.Body, attr)[1:] {
			addr, _, _ := strings.Cut(part, `"`)
			if found := f.leaks(addr); len(found) > 0 {
				t.Errorf("an address of the answer holds %q: %s", found, addr)
			}
		}
	}

	if found := f.leaks(c.get(t, f.path).Body); len(found) > 0 {
		t.Errorf("the issue page, opened again, holds %q", found)
	}
	if resp := c.get(t, f.path+"/private"); resp.StatusCode == http.StatusOK || len(f.leaks(resp.Body)) > 0 {
		t.Errorf("GET of the button's address: status %d, want a refusal without the details", resp.StatusCode)
	}
}

// TestIssuePrivateKeptWhenEditedByOthers: a member who may not see an
// issue's personal details edits it through the form, which holds none:
// the save keeps them, even when someone changed them meanwhile (no
// conflict: the form's state is that of the details alone), while a
// change to the details meanwhile is still a conflict; sending personal
// details anyway is refused and changes nothing.
func TestIssuePrivateKeptWhenEditedByOthers(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	f := newPrivateFixture(t, ts)
	other := ts.sessionClient(t, otherMemberEmail)
	stored := func() *workspace.IssuePrivate {
		t.Helper()
		p, err := ts.db.FindIssuePrivate(ctx, workspace.SystemActor("test"), f.issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	before := stored()

	form := other.get(t, f.path+"/edit")
	wantStatus(t, "edit form", form, http.StatusOK)
	base := formBase(t, form.Body)
	if strings.Contains(form.Body, `name="person_name"`) {
		t.Fatal("the form of a member who may not see them holds the private fields")
	}
	// The form's state tells nothing of the personal details: it is that
	// of the details alone.
	issue, err := ts.db.FindIssueByID(ctx, f.issue.ID)
	if err != nil {
		t.Fatal(err)
	}
	if base != workspace.IssueEditBase(issue, nil) {
		t.Errorf("the other member's form stands on %q, want the state of the details alone", base)
	}

	// The reporter changes the personal details meanwhile.
	changed := &workspace.IssuePrivate{IssueID: f.issue.ID, PersonName: before.PersonName, PersonContact: "+216 00 555 555", Details: before.Details}
	if err := ts.db.SetIssuePrivate(ctx, workspace.ActorFor(ts.account(t, reporterEmail)), changed); err != nil {
		t.Fatal(err)
	}

	edit := url.Values{"base": {base}, "title": {"Attestation de travail introuvable à Mahdia"},
		"category_id": {strconv.FormatInt(f.issue.CategoryID, 10)}, "priority": {"high"}}
	// Personal details sent anyway are refused, with nothing saved.
	forged := url.Values{"person_name": {"Écrasé"}, "person_contact": {""}, "details": {""}}
	for k, v := range edit {
		forged[k] = v
	}
	snapshot := ts.snapshot(t)
	resp := other.postForm(t, f.path, forged)
	wantStatus(t, "forged save", resp, http.StatusForbidden)
	if found := f.leaks(resp.Body); len(found) > 0 || strings.Contains(resp.Body, `name="person_name"`) {
		t.Errorf("the refused form shows private fields: %q", found)
	}
	if got, _ := ts.db.FindIssueByID(ctx, f.issue.ID); got.Title != f.issue.Title || ts.snapshot(t) != snapshot {
		t.Errorf("the refused save changed the issue: %q", got.Title)
	}

	wantRedirect(t, "save", other.postForm(t, f.path, edit), f.path+"?done=issue_saved")
	if got := stored(); got.PersonName != changed.PersonName || got.PersonContact != changed.PersonContact || got.Details != changed.Details {
		t.Errorf("after the other member's save the personal details are %+v, want %+v", got, changed)
	}
	if got, _ := ts.db.FindIssueByID(ctx, f.issue.ID); got.Title != edit.Get("title") {
		t.Errorf("the title is %q, want the other member's", got.Title)
	}

	// The same form again: the details have moved on, a conflict, and the
	// form that comes back still holds no private field.
	edit.Set("title", "Autre titre")
	resp = other.postForm(t, f.path, edit)
	wantStatus(t, "late save", resp, http.StatusConflict)
	if strings.Contains(resp.Body, `name="person_name"`) || len(f.leaks(resp.Body)) > 0 {
		t.Error("the conflict's form shows private fields to a member who may not see them")
	}
	if newBase := formBase(t, resp.Body); newBase == base || newBase != workspace.IssueEditBase(mustIssue(t, ts, f.issue.ID), nil) {
		t.Errorf("the conflict's form stands on %q, want the issue's state now, without private fields", newBase)
	}
}

// formBase returns the state an edit form stands on (its "base" field).
func formBase(t *testing.T, body string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `name="base" value="`)
	if !ok {
		t.Fatalf("the form has no base:\n%s", excerpt(body))
	}
	base, _, _ := strings.Cut(rest, `"`)
	return base
}

// mustIssue reads issue id.
func mustIssue(t *testing.T, ts *testServer, id int64) *workspace.Issue {
	t.Helper()
	i, err := ts.db.FindIssueByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// TestIssuePrivateRevealAudited: showing the personal details — the
// button's answer, the edit form — writes an audit entry naming who saw
// them, which the audit log reads in words in French, Arabic and English,
// without their values; a refusal writes nothing; the secretariat sees the
// latest views on the issue page, a member does not.
func TestIssuePrivateRevealAudited(t *testing.T) {
	ts := newTestServer(t)
	f := newPrivateFixture(t, ts)
	member := ts.sessionClient(t, demo.MemberEmail)
	memberName := ts.account(t, demo.MemberEmail).Name

	other := ts.sessionClient(t, otherMemberEmail)
	before := ts.auditCount(t)
	wantStatus(t, "refused reveal", other.postForm(t, f.path+"/private", nil), http.StatusForbidden)
	if got := ts.auditCount(t); got != before {
		t.Errorf("a refused reveal wrote %d audit entries", got-before)
	}
	wantStatus(t, "reveal", member.postForm(t, f.path+"/private", nil), http.StatusOK)
	wantStatus(t, "edit form", member.get(t, f.path+"/edit"), http.StatusOK)
	if got := f.views(t, ts); got != 2 {
		t.Fatalf("%d views recorded, want 2", got)
	}

	admin := ts.sessionClient(t, demo.AdminEmail)
	for _, lang := range []string{"fr", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			l := ts.srv.localizer(lang)
			resp := admin.get(t, "/admin/audit?action=issue.private_view&entity_id="+strconv.FormatInt(f.issue.ID, 10)+"&lang="+lang)
			wantStatus(t, "audit log", resp, http.StatusOK)
			text := auditTableText(t, resp.Body)
			for _, want := range []string{memberName, l.T("audit.action.issue.private_view"), "#" + strconv.FormatInt(f.issue.ID, 10),
				l.T("audit.field.shown_in"), l.T("audit.shown_in.issue_page"), l.T("audit.shown_in.edit_form")} {
				if !strings.Contains(text, want) {
					t.Errorf("the audit log in %s lacks %q:\n%s", lang, want, text)
				}
			}
			for _, raw := range []string{"shown_in", "issue_page", "edit_form", "issue.private_view"} {
				if strings.Contains(text, raw) {
					t.Errorf("the audit log in %s shows %q:\n%s", lang, raw, text)
				}
			}
			if found := f.leaks(resp.Body); len(found) > 0 {
				t.Errorf("the audit log shows %q", found)
			}
		})
	}

	// The secretariat sees the latest views on the issue page; a member
	// in charge does not.
	secretariatPage := ts.sessionClient(t, demo.SecretariatEmail).get(t, f.path)
	l := ts.srv.localizer("fr")
	wantBody(t, "secretariat's issue page", secretariatPage.Body, l.T("issue.private.views"), memberName, l.T("audit.shown_in.edit_form"))
	if found := f.leaks(secretariatPage.Body); len(found) > 0 {
		t.Errorf("the secretariat's issue page shows %q", found)
	}
	wantNoBody(t, "member's issue page", member.get(t, f.path).Body, l.T("issue.private.views"))
}
