package server

import (
	"context"
	"net/url"
	"regexp"
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

// TestPrivateFieldsNeverLeak gives issues private fields that no page
// could show by chance, then reads everything Tawla serves and checks
// that none of them appears anywhere but on the issue's edit form, for
// those in charge of the issue, the secretariat and admins (the issue page
// shows them only in answer to a POST, TestIssuePrivateNotInPageUntilRevealed):
//
//   - every GET route the server registers (s.Routes(), so that a new
//     route that renders issues cannot be forgotten), with real ids, as an
//     anonymous visitor, a stakeholder, a member of another organisation
//     who is not in charge of the issues, the member who reported them,
//     the secretariat and an admin (the last three skip only the edit
//     form, where they may read them);
//   - the list's search and its CSV export, searched for public words (so
//     that snippets are cut) and for the private values themselves (which
//     must find nothing);
//   - every live message a stakeholder and the member not in charge, who
//     both follow the issue, receive on it and on their inboxes while a
//     member comments, changes the status, assigns the issue and edits it
//     — private fields included — through the forms.
func TestPrivateFieldsNeverLeak(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	member := ts.account(t, demo.MemberEmail)
	stakeholder := ts.account(t, demo.StakeholderEmail)
	// A member of another organisation, not in charge of the issues.
	notInCharge := ts.account(t, otherMemberEmail)
	if notInCharge.OrganisationID == member.OrganisationID || notInCharge.Role != workspace.RoleMember {
		t.Fatalf("%s must be a member of another organisation than %s", otherMemberEmail, demo.MemberEmail)
	}
	memberActor := workspace.ActorFor(member)

	// The private values: each distinctive, in Latin and Arabic script.
	secrets := []string{"Zorblatt Quenneville", "+216 98 765 4321", "passeport-XK9Q7731", "سرّية-خاصة-٧٧٣١",
		"Qwixtral Ombrevent", "+216 55 000 1199", "dossier-VB3M0042", "معلومة-محجوبة-٠٠٤٢"}
	cats, err := ts.db.FindIssueCategories(ctx, false)
	if err != nil || len(cats) == 0 {
		t.Fatalf("categories: %v", err)
	}
	// Two issues with private fields, and words in public fields that a
	// search finds (so that snippets are cut around them).
	var issues []*workspace.Issue
	for n, title := range []string{"Guichet de l'état civil fermé aux migrants de retour", "شباك الحالة المدنية مغلق"} {
		i := &workspace.Issue{Title: title, CategoryID: cats[0].ID, Priority: workspace.PriorityHigh,
			Description:         "Le guichet renvoie les personnes de retour vers Tunis. الشباك يرفض الملفات.",
			OwnerOrganisationID: &member.OrganisationID, Delegations: []string{"mahdia", "el_jem"}}
		priv := &workspace.IssuePrivate{PersonName: secrets[n*4], PersonContact: secrets[n*4+1],
			Details: "Détails : " + secrets[n*4+2] + " — " + secrets[n*4+3]}
		if _, err := ts.db.CreateIssue(ctx, memberActor, i, priv); err != nil {
			t.Fatal(err)
		}
		issues = append(issues, i)
	}
	issue := issues[0]

	// What pages around an issue show: a comment, a status, a link to a
	// meeting and to a procedure, and the stakeholder following it (so
	// that it has notifications).
	for _, acc := range []*workspace.Account{stakeholder, notInCharge} {
		if err := ts.db.FollowIssue(ctx, workspace.ActorFor(acc), issue.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ts.db.CommentIssue(ctx, memberActor, issue.ID, "Nous relançons le guichet."); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.ChangeIssueStatus(ctx, memberActor, issue.ID, workspace.IssueUnderDiscussion, ""); err != nil {
		t.Fatal(err)
	}
	proc := &workspace.Procedure{Title: "Parcours de l'état civil", Language: "fr", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(ctx, system, proc, "# Parcours\n\nLe guichet reçoit les personnes de retour.\n"); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.CreateVersion(ctx, system, proc.ID, 0, "# Parcours\n", &workspace.Version{Message: "Première version"}); err != nil {
		t.Fatal(err)
	}
	room := newRoomMeeting(t, ts, nil, true)
	for _, l := range []*workspace.IssueLink{
		{IssueID: issue.ID, TargetKind: workspace.LinkMeeting, TargetID: room.meeting.ID},
		{IssueID: issue.ID, TargetKind: workspace.LinkProcedure, TargetID: proc.ID},
	} {
		if _, err := ts.db.LinkIssue(ctx, memberActor, l); err != nil {
			t.Fatal(err)
		}
	}
	feedToken, err := ts.db.ResetCalendarFeed(ctx, memberActor)
	if err != nil {
		t.Fatal(err)
	}
	invitee := &workspace.Account{Name: "Personne invitée (fuites)", Email: "invitee@leak.test", OrganisationID: member.OrganisationID, Role: workspace.RoleStakeholder}
	if err := ts.db.CreateAccount(ctx, system, invitee); err != nil {
		t.Fatal(err)
	}
	invitation, err := ts.db.CreateInvitation(ctx, system, invitee.ID)
	if err != nil {
		t.Fatal(err)
	}

	// leaks returns the private values found in s.
	leaks := func(s string) []string {
		var found []string
		for _, secret := range secrets {
			if containsAnyForm(s, secret) {
				found = append(found, secret)
			}
		}
		return found
	}

	// The example requests of each GET route: its {name} segments filled
	// with real ids. A route whose pattern is not understood here fails
	// the test, so that a new one is given its examples.
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	// The demo's polls: a closed named one, a closed secret one, a draft.
	demoPolls, err := ts.db.FindPolls(ctx, sqlite.PollFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var pollIDs []string
	for _, p := range demoPolls {
		pollIDs = append(pollIDs, id(p.ID))
	}
	// A register entry, when the demo has one.
	entryIDs := []string{"999999"}
	if entries, err := ts.db.FindRegisterEntries(ctx, ts.srv.today()); err != nil {
		t.Fatal(err)
	} else if len(entries) > 0 {
		entryIDs = []string{id(entries[0].ID)}
	}
	values := map[string]map[string][]string{
		"/polls/":               {"id": pollIDs},
		"/issues/":              {"id": {id(issues[0].ID), id(issues[1].ID)}},
		"/procedures/":          {"id": {id(proc.ID)}, "number": {"1"}},
		"/meetings/":            {"id": {id(room.meeting.ID)}, "item": {id(room.items[0].ID)}},
		"/admin/organisations/": {"id": {id(member.OrganisationID)}},
		"/admin/accounts/":      {"id": {id(member.ID)}},
		"/invitations/":         {"token": {invitation}},
		"/calendar/":            {"token": {feedToken}},
		"/register/":            {"id": entryIDs},
		// The public site: an identifier that may or may not be in the
		// demo's register, in both languages (TestNoUnpublishedLeak
		// reads the public routes with a register of its own).
		"/public/procedures/": {"ident": {"PROC-2026-001", "proc-2026-002"}, "lang": {"fr", "ar"}, "edition": {"1"}},
	}
	// Routes read otherwise, with the reason.
	skipped := map[string]string{
		"/static/": "files embedded at build time: no issue is in them",
		"/ws":      "the live channel: its messages are read below",
	}
	// More examples of some routes: the search and its export, cut
	// around public words.
	extra := map[string][]string{
		"/issues":     {"/issues?q=guichet", "/issues?q=" + url.QueryEscape("الشباك"), "/issues?status=under_discussion"},
		"/issues.csv": {"/issues.csv?q=guichet", "/issues.csv?q=" + url.QueryEscape("الشباك")},
	}
	placeholder := regexp.MustCompile(`\{([a-z$]+)\}`)
	var requests []string
	for _, r := range ts.srv.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		if method != "GET" {
			continue
		}
		if reason, ok := skipped[path]; ok {
			t.Logf("not read: %s (%s)", path, reason)
			continue
		}
		if path == "/{$}" {
			requests = append(requests, "/")
			continue
		}
		paths := []string{path}
		for _, m := range placeholder.FindAllStringSubmatch(path, -1) {
			var vals []string
			for prefix, byName := range values {
				if strings.HasPrefix(path, prefix) {
					vals = byName[m[1]]
				}
			}
			if len(vals) == 0 {
				t.Errorf("GET %s: no example value for {%s}: add one to TestPrivateFieldsNeverLeak", path, m[1])
				paths = nil
				break
			}
			var filled []string
			for _, p := range paths {
				for _, v := range vals {
					filled = append(filled, strings.Replace(p, m[0], v, 1))
				}
			}
			paths = filled
		}
		requests = append(requests, paths...)
		requests = append(requests, extra[path]...)
	}
	if t.Failed() {
		t.FailNow()
	}

	// Where those who may see private fields read them by GET: the
	// issue's edit form.
	ownPages := regexp.MustCompile(`^/issues/[0-9]+/edit$`)
	for _, v := range []struct {
		name, email string
		// member: reads the CSV export; allowed: may see the private
		// fields (CanSeeIssuePrivate).
		member, allowed bool
	}{
		{"anonymous", "", false, false},
		{"stakeholder", demo.StakeholderEmail, false, false},
		{"member not in charge", otherMemberEmail, true, false},
		{"reporter", demo.MemberEmail, true, true},
		{"secretariat", demo.SecretariatEmail, true, true},
		{"admin", demo.AdminEmail, true, true},
	} {
		t.Run(v.name, func(t *testing.T) {
			c := ts.newClient(t)
			if v.email != "" {
				c = ts.sessionClient(t, v.email)
			}
			bodies := map[string]string{}
			for _, path := range requests {
				if v.allowed && ownPages.MatchString(path) {
					continue
				}
				resp := c.get(t, path)
				if found := leaks(resp.Body); len(found) > 0 {
					t.Errorf("GET %s as %s (status %d) shows private fields %q", path, v.name, resp.StatusCode, found)
				}
				if resp.StatusCode == 200 {
					bodies[path] = resp.Body
				}
			}
			// The pages that show the issue did show it: the reading
			// above saw them.
			shown := []string{"/issues", "/issues?q=guichet", "/procedures/" + id(proc.ID)}
			if v.email == demo.StakeholderEmail || v.email == otherMemberEmail {
				shown = append(shown, "/notifications")
			}
			if v.email != "" {
				shown = append(shown, "/issues/"+id(issue.ID))
			}
			if v.member && !v.allowed {
				shown = append(shown, "/issues/"+id(issue.ID)+"/edit")
			}
			if v.member {
				shown = append(shown, "/issues.csv", "/issues.csv?q=guichet")
			}
			for _, path := range shown {
				if v.email != "" && !strings.Contains(bodies[path], "fermé aux migrants de retour") {
					t.Errorf("GET %s as %s does not show the issue: the test read nothing there", path, v.name)
				}
			}
			// Searching for a private value finds nothing (the page
			// repeats the query in its field, so only its results are
			// looked at).
			for _, secret := range secrets[:3] {
				resp := c.get(t, "/issues?q="+url.QueryEscape(secret))
				for _, i := range issues {
					if strings.Contains(resp.Body, `href="/issues/`+id(i.ID)+`"`) {
						t.Errorf("searching for a private value as %s finds issue %d", v.name, i.ID)
					}
				}
				if csv := c.get(t, "/issues.csv?q="+url.QueryEscape(secret)); csv.StatusCode == 200 && strings.Count(csv.Body, "\n") > 1 {
					t.Errorf("exporting a search for a private value as %s lists issues:\n%s", v.name, csv.Body)
				}
			}
		})
	}
	// The reporter's edit form does show them: the check above can fail.
	if page := ts.sessionClient(t, demo.MemberEmail).get(t, "/issues/"+id(issue.ID)+"/edit"); len(leaks(page.Body)) == 0 {
		t.Fatalf("the edit form shows the reporter no private field: the test checks nothing")
	}

	t.Run("Live", func(t *testing.T) {
		// The stakeholder and the member not in charge have the issue open
		// and follow it.
		type listener struct {
			name string
			acc  *workspace.Account
			ws   *websocket.Conn
		}
		listeners := []*listener{{name: "stakeholder", acc: stakeholder}, {name: "member not in charge", acc: notInCharge}}
		// readAll reads every message l has up to the pong of a ping sent
		// now (the server answers in order), checks each, raw, and counts
		// the timeline events.
		readAll := func(l *listener) (events int) {
			t.Helper()
			testsupport.SendText(t, l.ws, `{"type":"ping","id":9}`)
			for {
				_ = l.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, data, err := l.ws.ReadMessage()
				if err != nil {
					t.Fatalf("reading the live messages of the %s: %v", l.name, err)
				}
				frame := string(data)
				if found := leaks(frame); len(found) > 0 {
					t.Errorf("a live message to the %s carries private fields %q: %s", l.name, found, frame)
				}
				if strings.Contains(frame, `"type":"error"`) {
					t.Fatalf("live error: %s", frame)
				}
				if strings.Contains(frame, `"type":"pong"`) {
					return events
				}
				if strings.Contains(frame, `"issue.event"`) {
					events++
				}
			}
		}
		for _, l := range listeners {
			l.ws = mustDialWS(t, ts.sessionClient(t, l.acc.Email))
			testsupport.SendText(t, l.ws, `{"type":"subscribe","topic":"issue:`+id(issue.ID)+`"}`)
			testsupport.SendText(t, l.ws, `{"type":"subscribe","topic":"inbox:`+id(l.acc.ID)+`"}`)
			readAll(l)
		}

		// A member comments, changes the status, assigns the issue, edits
		// it with new private values, through the forms.
		secrets = append(secrets, "Yvonnick Drapelune", "+216 22 333 8080", "carte-JQ5Z2208")
		m := ts.loginAs(t, demo.MemberEmail)
		base := "/issues/" + id(issue.ID)
		posts := []struct {
			path string
			form url.Values
		}{
			{base + "/comments", url.Values{"body": {"Le guichet a répondu."}}},
			{base + "/status", url.Values{"status": {"in_progress"}}},
			{base + "/assign", url.Values{"owner_organisation_id": {id(stakeholder.OrganisationID)}}},
			{base, url.Values{"title": {issue.Title + " (modifié)"}, "description": {issue.Description}, "category_id": {id(issue.CategoryID)},
				"priority": {"urgent"}, "delegations": {"mahdia"}, "person_name": {secrets[8]}, "person_contact": {secrets[9]}, "details": {secrets[10]}}},
		}
		for _, p := range posts {
			resp := m.postForm(t, p.path, p.form)
			if resp.StatusCode != 303 {
				t.Fatalf("POST %s: status %d\n%s", p.path, resp.StatusCode, resp.Body)
			}
		}
		// Everything published is queued before the pong of a ping sent
		// now.
		for _, l := range listeners {
			if events := readAll(l); events < len(posts) {
				t.Errorf("%d timeline events reached the %s, want %d: the test saw too little", events, l.name, len(posts))
			}
		}
		// The new private values were stored: the check can fail.
		priv, err := ts.db.FindIssuePrivate(ctx, memberActor, issue.ID)
		if err != nil || priv.PersonName != secrets[8] {
			t.Fatalf("the edit form did not store the private fields: %+v, %v", priv, err)
		}
		// And what they read afterwards holds none either.
		for _, l := range listeners {
			c := ts.sessionClient(t, l.acc.Email)
			for _, path := range []string{base, base + "/edit", "/notifications", "/issues", "/issues?q=guichet"} {
				if found := leaks(c.get(t, path).Body); len(found) > 0 {
					t.Errorf("GET %s as %s after the edits shows %q", path, l.name, found)
				}
			}
		}
	})
}
