package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/collab"
	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// viewers are the columns of the authorisation matrix, in its order.
var viewers = []struct {
	name  string
	email string // "" for an anonymous visitor
}{
	{"anonymous", ""},
	{"stakeholder", demo.StakeholderEmail},
	{"member", demo.MemberEmail},
	{"secretariat", demo.SecretariatEmail},
	{"admin", demo.AdminEmail},
}

// authzRow is one line of the authorisation matrix: a registered route, a
// concrete request to it, and the status each viewer must get.
type authzRow struct {
	// route is the pattern exactly as registered.
	route string
	// example is the URL requested; "{viewer}" in it or in form is replaced
	// by the viewer's name, so that creations do not collide.
	example string
	// form is the body of a POST (nil: an empty form).
	form url.Values
	// want holds the status for anonymous, stakeholder, member,
	// secretariat and admin. A 303 for anonymous on a route that is not
	// public must lead to the login page and come back to example.
	want [5]int
	// next is the start of the Location of any other redirect.
	next string
	// prepare, when not nil, runs before each viewer's request, outside
	// what the cell checks: the state the request needs to succeed again
	// (a draft that changed since the last freeze).
	prepare func(t *testing.T, viewer string)
}

// TestAuthorizationMatrix requests every registered route as each kind of
// viewer and checks the status. A refused or invalid request (4xx) must
// change nothing; an accepted POST must change something. The test fails
// when a registered route is missing from the matrix, or the matrix names a
// route that is not registered.
func TestAuthorizationMatrix(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")

	// Fixtures beyond the demo: an organisation the matrix may edit, a
	// second admin (the only demo admin is a viewer, and may not change its
	// own role), and a person with a pending invitation.
	org := &workspace.Organisation{NameFR: "Organisation de la matrice", College: workspace.CollegePartner}
	if err := ts.db.CreateOrganisation(ctx, system, org); err != nil {
		t.Fatal(err)
	}
	admin2 := &workspace.Account{Name: "Deuxième administratrice", Email: "admin2@matrix.test", OrganisationID: org.ID, Role: workspace.RoleAdmin}
	if err := ts.db.CreateAccount(ctx, system, admin2); err != nil {
		t.Fatal(err)
	}
	invited := &workspace.Account{Name: "Personne invitée", Email: "invited@matrix.test", OrganisationID: org.ID, Role: workspace.RoleMember}
	if err := ts.db.CreateAccount(ctx, system, invited); err != nil {
		t.Fatal(err)
	}
	token, err := ts.db.CreateInvitation(ctx, system, invited.ID)
	if err != nil {
		t.Fatal(err)
	}
	proc := &workspace.Procedure{Title: "Procédure de la matrice", Language: "fr", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(ctx, system, proc, "# Procédure de la matrice\n"); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.CreateVersion(ctx, system, proc.ID, 0, "# Texte de la version 1\n", &workspace.Version{Message: "Première version"}); err != nil {
		t.Fatal(err)
	}
	// A procedure of its own for freezing: each freeze needs a draft that
	// changed since the last one, and the changes must not move the
	// passages the other rows comment on.
	freezeProc := &workspace.Procedure{Title: "Procédure figée par la matrice", Language: "fr", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(ctx, system, freezeProc, "# Procédure figée par la matrice\n"); err != nil {
		t.Fatal(err)
	}
	member := ts.account(t, demo.MemberEmail)
	// Comments: the matrix procedure is under consultation, so that
	// stakeholders may comment on it; a second one is not. A comment and
	// two suggestions by the member are what the other rows act on.
	if err := ts.db.OpenConsultation(ctx, system, &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: ts.clock.Now().Add(30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	closedProc := &workspace.Procedure{Title: "Procédure sans consultation", Language: "fr", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(ctx, system, closedProc, "# Procédure sans consultation\n"); err != nil {
		t.Fatal(err)
	}
	matrixComment := func(kind workspace.CommentKind, from, to int, proposed string) *workspace.Comment {
		t.Helper()
		c := &workspace.Comment{Kind: kind, Body: "Remarque de la matrice", Proposed: proposed}
		_, err := ts.srv.collab.AddAnchor(ctx, proc.DocumentID, collab.AnchorRequest{Base: 0, From: from, To: to,
			Within: func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
				return tx.CreateComment(ctx, workspace.ActorFor(member), a, c)
			}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	comment := matrixComment(workspace.KindComment, 2, 11, "")
	toAccept := matrixComment(workspace.KindSuggestion, 15, 17, "des")
	toReject := matrixComment(workspace.KindSuggestion, 18, 25, "matrices")
	// The matrix promotes this member to admin, so it is not a viewer.
	promoted := ts.account(t, "hela.jaziri@demo.tn")
	// Calendar: a meeting everyone with a member's access is invited to,
	// and a feed token of the second admin (not a viewer, so that the
	// viewers' resets leave it valid).
	calMeeting := &workspace.Meeting{Title: "Réunion de la matrice (calendrier)", Kind: workspace.MeetingPlenary, Language: "fr",
		StartsAt: ts.clock.Now().Add(48 * time.Hour), EndsAt: ts.clock.Now().Add(50 * time.Hour), Place: "Mahdia", QuorumRule: workspace.QuorumHalfPlusOne}
	if err := ts.db.CreateMeeting(ctx, system, calMeeting, nil); err != nil {
		t.Fatal(err)
	}
	feedToken, err := ts.db.ResetCalendarFeed(ctx, workspace.ActorFor(admin2))
	if err != nil {
		t.Fatal(err)
	}

	// Meetings: a planned one the rows read and change, one the
	// secretariat starts, a live one it closes, a closed one that refuses
	// changes.
	secretariat := workspace.ActorFor(ts.account(t, demo.SecretariatEmail))
	matrixMeeting := func(title string, days int) *workspace.Meeting {
		t.Helper()
		start := ts.clock.Now().Add(time.Duration(days) * 24 * time.Hour).Truncate(time.Minute)
		m := &workspace.Meeting{Title: title, Kind: workspace.MeetingWorkingGroup, Language: "fr", QuorumRule: workspace.QuorumHalfPlusOne,
			StartsAt: start, EndsAt: start.Add(2 * time.Hour), Place: "Mahdia"}
		if err := ts.db.CreateMeeting(ctx, secretariat, m, nil); err != nil {
			t.Fatal(err)
		}
		return m
	}
	closedMeeting := matrixMeeting("Réunion close de la matrice", 1)
	if _, err := ts.db.StartMeeting(ctx, secretariat, closedMeeting.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.CloseMeeting(ctx, secretariat, closedMeeting.ID); err != nil {
		t.Fatal(err)
	}
	liveMeeting := matrixMeeting("Réunion en séance de la matrice", 2)
	if _, err := ts.db.StartMeeting(ctx, secretariat, liveMeeting.ID, nil); err != nil {
		t.Fatal(err)
	}
	plannedMeeting := matrixMeeting("Réunion prévue de la matrice", 3)
	toStart := matrixMeeting("Réunion à ouvrir de la matrice", 4)
	toCancel := matrixMeeting("Réunion à annuler de la matrice", 5)
	stakeholder := ts.account(t, demo.StakeholderEmail)

	// The issue board: a category the matrix renames.
	matrixCategory := &workspace.IssueCategory{NameFR: "Catégorie de la matrice", NameAR: "صنف المصفوفة"}
	if err := ts.db.CreateIssueCategory(ctx, workspace.ActorFor(admin2), matrixCategory); err != nil {
		t.Fatal(err)
	}
	// Notifications: every viewer follows an issue that the system then
	// comments on, so that each has an unread notification to mark read.
	notified := newLiveIssue(t, ts, "Problème de la matrice (notifications)")
	for _, v := range viewers[1:] {
		if err := ts.db.FollowIssue(ctx, workspace.ActorFor(ts.account(t, v.email)), notified.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ts.db.CommentIssue(ctx, system, notified.ID, "Du nouveau pour la matrice."); err != nil {
		t.Fatal(err)
	}

	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	// Issues: one reported by the member, with private fields and a link
	// the matrix removes; the matrix links it to the calendar's meeting.
	issueCats, err := ts.db.FindIssueCategories(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	matrixIssue := &workspace.Issue{Title: "Problème de la matrice", CategoryID: issueCats[0].ID, Priority: workspace.PriorityNormal}
	if _, err := ts.db.CreateIssue(ctx, workspace.ActorFor(member), matrixIssue, &workspace.IssuePrivate{PersonName: "Personne de la matrice"}); err != nil {
		t.Fatal(err)
	}
	matrixLink := &workspace.IssueLink{IssueID: matrixIssue.ID, TargetKind: workspace.LinkProcedure, TargetID: proc.ID}
	if _, err := ts.db.LinkIssue(ctx, workspace.ActorFor(member), matrixLink); err != nil {
		t.Fatal(err)
	}
	issuePathM := "/issues/" + id(matrixIssue.ID)
	// An issue the member is not in charge of: reported by the
	// secretariat, owned by nobody, with personal details.
	othersIssue := &workspace.Issue{Title: "Problème d'un autre", CategoryID: issueCats[0].ID, Priority: workspace.PriorityNormal}
	if _, err := ts.db.CreateIssue(ctx, secretariat, othersIssue, &workspace.IssuePrivate{Details: "Détails de la matrice"}); err != nil {
		t.Fatal(err)
	}
	othersPath := "/issues/" + id(othersIssue.ID)
	issueForm := url.Values{"title": {"Problème signalé par {viewer}"}, "category_id": {id(issueCats[0].ID)}, "priority": {"normal"},
		"delegations": {"mahdia"}, "person_name": {"Personne de {viewer}"}}
	issueUpdate := url.Values{"title": {"Problème de la matrice ({viewer})"}, "category_id": {id(issueCats[0].ID)}, "priority": {"high"}}
	// The live room: a live meeting every member, the secretariat and
	// admins are invited to, and a planned one.
	roomLive := "/meetings/" + id(newRoomMeeting(t, ts, nil, true).meeting.ID)
	roomPlanned := "/meetings/" + id(newRoomMeeting(t, ts, nil, false).meeting.ID)
	// The secretariat's room forms act on a live meeting of their own;
	// each accepted request is prepared to change something: an item
	// other than the current one, someone waiting for the floor, someone
	// speaking.
	runRoom := newRoomMeeting(t, ts, nil, true)
	runID := runRoom.meeting.ID
	runPath := "/meetings/" + id(runID)
	runPlanned := newRoomMeeting(t, ts, nil, false)
	runCancelled := newRoomMeeting(t, ts, nil, false)
	if _, err := ts.db.CancelMeeting(ctx, secretariat, runCancelled.meeting.ID, "Salle indisponible"); err != nil {
		t.Fatal(err)
	}
	runItemForm := url.Values{}
	otherItem := func(t *testing.T, _ string) {
		m, err := ts.db.FindMeetingByID(ctx, runID)
		if err != nil {
			t.Fatal(err)
		}
		target := runRoom.items[0].ID
		if m.CurrentItemID != nil && *m.CurrentItemID == target {
			target = runRoom.items[1].ID
		}
		runItemForm.Set("item", id(target))
	}
	waitingSpeaker := func(t *testing.T) int64 {
		rec, err := ts.db.FindMeetingRecord(ctx, runID)
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range rec.Speakers {
			if sp.Status == workspace.SpeakerWaiting {
				return sp.ID
			}
		}
		if err := ts.db.EndSpeaker(ctx, system, runID); err != nil {
			t.Fatal(err)
		}
		sp, err := ts.db.AskFloor(ctx, workspace.ActorFor(member), runID)
		if err != nil {
			t.Fatal(err)
		}
		return sp.ID
	}
	runGiveForm := url.Values{}
	someoneWaiting := func(t *testing.T, _ string) { runGiveForm.Set("speaker", id(waitingSpeaker(t))) }
	someoneSpeaking := func(t *testing.T, _ string) {
		rec, err := ts.db.FindMeetingRecord(ctx, runID)
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range rec.Speakers {
			if sp.Status == workspace.SpeakerSpeaking {
				return
			}
		}
		if err := ts.db.GiveFloor(ctx, system, runID, waitingSpeaker(t)); err != nil {
			t.Fatal(err)
		}
	}
	orgForm := url.Values{"name_fr": {"Organisation créée par {viewer}"}, "college": {"civil_society"}, "delegation": {"Mahdia"}}
	orgUpdate := url.Values{"name_fr": {org.NameFR}, "college": {string(org.College)}, "active": {"on"}}
	newMember := url.Values{"name": {"Nouveau membre ({viewer})"}, "email": {"member-{viewer}@matrix.test"},
		"organisation_id": {id(org.ID)}, "role": {"member"}, "language": {"fr"}}
	newAdmin := url.Values{"name": {"Nouvel admin ({viewer})"}, "email": {"admin-{viewer}@matrix.test"},
		"organisation_id": {id(org.ID)}, "role": {"admin"}, "language": {"fr"}}
	admin2Update := url.Values{"name": {admin2.Name}, "email": {admin2.Email}, "organisation_id": {id(org.ID)},
		"role": {"admin"}, "language": {"ar"}, "active": {"on"}}
	promote := url.Values{"name": {promoted.Name}, "email": {promoted.Email}, "organisation_id": {id(promoted.OrganisationID)},
		"role": {"admin"}, "language": {"fr"}, "active": {"on"}}

	procForm := url.Values{"title": {"Procédure créée par {viewer}"}, "language": {"ar"}, "category": {"referral_pathway"}}
	procUpdate := url.Values{"title": {"Procédure de la matrice ({viewer})"}, "language": {"fr"}, "category": {"other"}, "summary": {"Modifiée par {viewer}."}}

	meetingURL := func(m *workspace.Meeting, rest string) string { return "/meetings/" + id(m.ID) + rest }
	meetingForm := url.Values{"title": {"Réunion de {viewer}"}, "kind": {"plenary"}, "language": {"ar"}, "start_date": {"2099-03-01"},
		"start_time": {"09:00"}, "end_time": {"12:30"}, "place": {"Mahdia"}, "quorum_rule": {"two_thirds"}}

	commentPath := func(c *workspace.Comment) string {
		return "/procedures/" + id(proc.ID) + "/comments/" + id(c.ID)
	}
	commentForm := url.Values{"version": {"0"}, "from": {"2"}, "to": {"11"}, "kind": {"comment"}, "body": {"Commentaire de {viewer}"}}
	passageForm := url.Values{"procedure": {id(proc.ID)}, "version": {"0"}, "from": {"2"}, "to": {"11"}}
	suggestionForm := url.Values{"version": {"0"}, "from": {"2"}, "to": {"11"}, "kind": {"suggestion"}, "proposed": {"Procédure de {viewer}"}}

	// Meetings' agendas, decisions and actions: a planned meeting whose
	// agenda the matrix changes, and a live one with minutes, a decision
	// and two actions, one owned by the member's organisation and one by
	// another.
	meetingAt := ts.clock.Now().Add(48 * time.Hour).Truncate(time.Hour)
	planned := &workspace.Meeting{Title: "Réunion de la matrice", Kind: workspace.MeetingWorkingGroup, Language: "fr",
		StartsAt: meetingAt, EndsAt: meetingAt.Add(2 * time.Hour), QuorumRule: workspace.QuorumNone}
	live := &workspace.Meeting{Title: "Réunion en cours de la matrice", Kind: workspace.MeetingPlenary, Language: "fr",
		StartsAt: meetingAt, EndsAt: meetingAt.Add(2 * time.Hour), QuorumRule: workspace.QuorumNone}
	var plannedItems, liveItems []*workspace.AgendaItem
	for _, m := range []*workspace.Meeting{planned, live} {
		if err := ts.db.CreateMeeting(ctx, system, m, nil); err != nil {
			t.Fatal(err)
		}
		for _, title := range []string{"Premier point", "Deuxième point", "Troisième point"} {
			it := &workspace.AgendaItem{MeetingID: m.ID, Title: title, DurationMinutes: 15}
			if err := ts.db.AddAgendaItem(ctx, system, it, nil); err != nil {
				t.Fatal(err)
			}
			if m == planned {
				plannedItems = append(plannedItems, it)
			} else {
				liveItems = append(liveItems, it)
			}
		}
	}
	if _, err := ts.db.StartMeeting(ctx, system, live.ID, func(rec *workspace.MeetingRecord) string {
		return "# Procès-verbal\n\n## 1. Premier point\n\n## 2. Deuxième point\n\n## 3. Troisième point\n"
	}); err != nil {
		t.Fatal(err)
	}
	decision := &workspace.Decision{AgendaItemID: liveItems[0].ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted}
	if err := ts.db.RecordDecision(ctx, system, decision); err != nil {
		t.Fatal(err)
	}
	memberAction := &workspace.Action{DecisionID: decision.ID, Title: "Action du membre", OwnerOrganisationID: member.OrganisationID, DueDate: "2099-01-31"}
	otherAction := &workspace.Action{DecisionID: decision.ID, Title: "Action d'un autre organisme", OwnerOrganisationID: org.ID, DueDate: "2099-01-31"}
	for _, a := range []*workspace.Action{memberAction, otherAction} {
		if err := ts.db.AddAction(ctx, system, a); err != nil {
			t.Fatal(err)
		}
	}
	itemPath := func(m *workspace.Meeting, it *workspace.AgendaItem) string {
		return "/meetings/" + strconv.FormatInt(m.ID, 10) + "/items/" + strconv.FormatInt(it.ID, 10)
	}
	plannedPath := "/meetings/" + strconv.FormatInt(planned.ID, 10)
	livePath := "/meetings/" + strconv.FormatInt(live.ID, 10)
	itemForm := url.Values{"title": {"Point de {viewer}"}, "duration_minutes": {"10"}}
	decisionForm := url.Values{"text": {"Décision de {viewer}"}, "outcome": {"adopted"}}
	actionForm := url.Values{"title": {"Action de {viewer}"}, "owner_organisation_id": {strconv.FormatInt(member.OrganisationID, 10)}, "due_date": {"2099-06-30"}}
	memberActionPath := "/actions/" + strconv.FormatInt(memberAction.ID, 10)
	otherActionPath := "/actions/" + strconv.FormatInt(otherAction.ID, 10)

	// Votes: the demo's polls (a closed named one, a closed secret one, a
	// draft); a draft the rows change, one they open, an open one members
	// vote in and one the secretariat closes, on the live meeting.
	demoPolls, err := ts.db.FindPolls(ctx, sqlite.PollFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var namedPoll, secretPoll *workspace.Poll
	for _, p := range demoPolls {
		if p.Status == workspace.PollClosed && p.Mode == workspace.BallotNamed {
			namedPoll = p
		}
		if p.Status == workspace.PollClosed && p.Mode == workspace.BallotSecret {
			secretPoll = p
		}
	}
	if namedPoll == nil || secretPoll == nil {
		t.Fatal("the demo has no closed named and secret polls")
	}
	matrixPoll := func(question string, open bool) *workspace.Poll {
		t.Helper()
		p := &workspace.Poll{Question: question, Kind: workspace.PollYesNo, Mode: workspace.BallotNamed, Unit: workspace.VotePerPerson,
			Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone, MeetingID: &live.ID, AgendaItemID: &liveItems[1].ID}
		if err := ts.db.CreatePoll(ctx, system, p); err != nil {
			t.Fatal(err)
		}
		if open {
			if _, err := ts.db.OpenPoll(ctx, system, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	draftPoll := matrixPoll("Vote en préparation de la matrice", false)
	toOpenPoll := matrixPoll("Vote à ouvrir de la matrice", false)
	votePoll := matrixPoll("Vote ouvert de la matrice", true)
	toClosePoll := matrixPoll("Vote à clore de la matrice", true)
	pollURL := func(p *workspace.Poll, suffix string) string { return "/polls/" + id(p.ID) + suffix }
	yesOf := func(p *workspace.Poll) string { return id(p.Options[0].ID) }
	pollForm := url.Values{"question": {"Question de {viewer}"}, "kind": {"yes_no"}, "mode": {"named"}, "unit": {"person"},
		"majority": {"simple"}, "college_rule": {"none"}, "meeting": {id(live.ID)}, "item": {id(liveItems[2].ID)}}
	pollUpdate := url.Values{"question": {"Question revue par {viewer}"}, "kind": {"single"}, "mode": {"secret"}, "unit": {"organisation"},
		"options": {"Mahdia\nEl Jem"}, "quorum_percent": {"30"}}

	// The register (handle_register*.go, handle_publish.go): a procedure
	// whose adopted version the secretariat publishes, and two entries, one
	// the secretariat withdraws, replaced by the other.
	regStaff := workspace.ActorFor(ts.account(t, demo.SecretariatEmail))
	regVoter := workspace.ActorFor(member)
	regYear, err := strconv.Atoi(ts.srv.today()[:4])
	if err != nil {
		t.Fatal(err)
	}
	regProcedure := func(title string) *workspace.Procedure {
		t.Helper()
		p := &workspace.Procedure{Title: title, Language: "fr", Category: workspace.CategoryServiceStandard}
		if err := ts.db.CreateProcedure(ctx, system, p, "# "+title+"\n"); err != nil {
			t.Fatal(err)
		}
		if err := ts.db.CreateVersion(ctx, system, p.ID, 0, "# "+title+"\n\nTexte adopté.\n", &workspace.Version{Message: "Version adoptée"}); err != nil {
			t.Fatal(err)
		}
		testsupport.AdoptVersion(t, ts.db, regStaff, regVoter, p.ID, 1)
		return p
	}
	regEntry := func(title string) *workspace.RegisterEntry {
		t.Helper()
		p := regProcedure(title)
		if _, err := ts.db.Publish(ctx, regStaff, &workspace.PublishRequest{ProcedureID: p.ID, VersionNumber: 1, EffectiveOn: "2027-01-01", Year: regYear}); err != nil {
			t.Fatal(err)
		}
		e, err := ts.db.FindProcedureEntry(ctx, ts.srv.today(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	toPublish := regProcedure("Procédure à publier de la matrice")
	publishURL := func(p *workspace.Procedure) string { return "/procedures/" + id(p.ID) + "/versions/1/publish" }
	toWithdraw := regEntry("Procédure à retirer de la matrice")
	replacement := regEntry("Procédure qui la remplace (matrice)")
	withdrawURL := "/register/" + id(toWithdraw.ID) + "/withdraw"
	withdrawForm := url.Values{"reason": {"Retirée par {viewer}."}, "replaced_by": {id(replacement.ID)}}

	// The public site: a register entry with a French and an Arabic
	// edition (public_test.go's fixture).
	publicSite := newPublicFixture(t, ts)
	publicBase := "/public/procedures/" + publicSite.fr2.Identifier

	const (
		conflict  = http.StatusConflict
		ok        = http.StatusOK
		upgrade   = http.StatusSwitchingProtocols
		moved     = http.StatusMovedPermanently
		redirect  = http.StatusSeeOther
		invalid   = http.StatusBadRequest
		unauth    = http.StatusUnauthorized
		forbidden = http.StatusForbidden
		missing   = http.StatusNotFound
	)
	rows := []authzRow{
		{route: "GET /healthz", example: "/healthz", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /readyz", example: "/readyz", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /static/", example: "/static/css/tawla.css", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /favicon.ico", example: "/favicon.ico", want: [5]int{moved, moved, moved, moved, moved}, next: "/static/favicon.svg"},
		{route: "GET /{$}", example: "/", want: [5]int{redirect, ok, ok, ok, ok}},

		{route: "GET /login", example: "/login", want: [5]int{ok, redirect, redirect, redirect, redirect}, next: "/"},
		{route: "POST /login", example: "/login", want: [5]int{unauth, unauth, unauth, unauth, unauth}},
		{route: "POST /logout", example: "/logout", want: [5]int{unauth, redirect, redirect, redirect, redirect}, next: "/login?done=logged_out"},
		{route: "GET /invitations/{token}", example: "/invitations/" + token, want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /invitations/{token}", example: "/invitations/no-such-token", want: [5]int{missing, missing, missing, missing, missing}},
		{route: "POST /invitations/{token}", example: "/invitations/" + token, want: [5]int{invalid, invalid, invalid, invalid, invalid}},
		{route: "POST /invitations/{token}", example: "/invitations/no-such-token", form: url.Values{"password": {"a-long-enough-password"}, "confirm": {"a-long-enough-password"}},
			want: [5]int{missing, missing, missing, missing, missing}},
		{route: "GET /account/password", example: "/account/password", want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "POST /account/password", example: "/account/password", want: [5]int{unauth, invalid, invalid, invalid, invalid}},
		{route: "POST /account/language", example: "/account/language", form: url.Values{"lang": {"en"}, "next": {"/"}},
			want: [5]int{unauth, redirect, redirect, redirect, redirect}, next: "/",
			// The viewer speaks another language first, so that the
			// choice changes something.
			prepare: func(t *testing.T, viewer string) {
				for _, v := range viewers {
					if v.name == viewer && v.email != "" {
						if err := ts.db.SetAccountLanguage(ctx, ts.account(t, v.email).ID, "ar"); err != nil {
							t.Fatal(err)
						}
					}
				}
			}},

		{route: "GET /admin/organisations", example: "/admin/organisations?college=state", want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "GET /admin/organisations/new", example: "/admin/organisations/new", want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "POST /admin/organisations", example: "/admin/organisations", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /admin/organisations", example: "/admin/organisations", form: orgForm,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/admin/organisations?done=organisation_created"},
		{route: "GET /admin/organisations/{id}/edit", example: "/admin/organisations/" + id(org.ID) + "/edit", want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "POST /admin/organisations/{id}", example: "/admin/organisations/" + id(org.ID), want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /admin/organisations/{id}", example: "/admin/organisations/" + id(org.ID), form: orgUpdate,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/admin/organisations?done=organisation_saved"},

		{route: "GET /admin/accounts", example: "/admin/accounts?role=member", want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "GET /admin/accounts/new", example: "/admin/accounts/new", want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "POST /admin/accounts", example: "/admin/accounts", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /admin/accounts", example: "/admin/accounts", form: newMember,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/admin/accounts/"},
		// Only an admin makes an admin.
		{route: "POST /admin/accounts", example: "/admin/accounts", form: newAdmin,
			want: [5]int{unauth, forbidden, forbidden, forbidden, redirect}, next: "/admin/accounts/"},
		{route: "GET /admin/accounts/{id}/edit", example: "/admin/accounts/" + id(member.ID) + "/edit", want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		// The secretariat may neither see nor change an admin's form.
		{route: "GET /admin/accounts/{id}/edit", example: "/admin/accounts/" + id(admin2.ID) + "/edit", want: [5]int{redirect, forbidden, forbidden, forbidden, ok}},
		{route: "POST /admin/accounts/{id}", example: "/admin/accounts/" + id(member.ID), want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		// Only an admin changes an admin, even with an empty form.
		{route: "POST /admin/accounts/{id}", example: "/admin/accounts/" + id(admin2.ID), want: [5]int{unauth, forbidden, forbidden, forbidden, invalid}},
		{route: "POST /admin/accounts/{id}", example: "/admin/accounts/" + id(admin2.ID), form: admin2Update,
			want: [5]int{unauth, forbidden, forbidden, forbidden, redirect}, next: "/admin/accounts?done=account_saved"},
		// Only an admin makes someone an admin.
		{route: "POST /admin/accounts/{id}", example: "/admin/accounts/" + id(promoted.ID), form: promote,
			want: [5]int{unauth, forbidden, forbidden, forbidden, redirect}, next: "/admin/accounts?done=account_saved"},
		// A first link, for an account without a password: the
		// secretariat makes it.
		{route: "POST /admin/accounts/{id}/invitation", example: "/admin/accounts/" + id(invited.ID) + "/invitation", want: [5]int{unauth, forbidden, forbidden, ok, ok}},
		// A reset link, for an account with a password, would let its
		// maker log in as the person: an admin's only.
		{route: "POST /admin/accounts/{id}/invitation", example: "/admin/accounts/" + id(member.ID) + "/invitation", want: [5]int{unauth, forbidden, forbidden, forbidden, ok}},
		// An invitation to an admin account would let the secretariat set
		// an admin's password.
		{route: "POST /admin/accounts/{id}/invitation", example: "/admin/accounts/" + id(admin2.ID) + "/invitation", want: [5]int{unauth, forbidden, forbidden, forbidden, ok}},
		// Nobody makes a link for their own account: a copied session
		// would set a new password without the current one.
		{route: "POST /admin/accounts/{id}/invitation", example: "/admin/accounts/" + id(ts.account(t, demo.AdminEmail).ID) + "/invitation", want: [5]int{unauth, forbidden, forbidden, forbidden, forbidden}},

		{route: "GET /admin/audit", example: "/admin/audit?action=account.login", want: [5]int{redirect, forbidden, forbidden, ok, ok}},

		{route: "GET /procedures", example: "/procedures", want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "GET /procedures/new", example: "/procedures/new", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "POST /procedures", example: "/procedures", want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /procedures", example: "/procedures", form: procForm,
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: "/procedures/"},
		{route: "GET /procedures/{id}", example: "/procedures/" + id(proc.ID), want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "GET /procedures/{id}", example: "/procedures/999999", want: [5]int{redirect, missing, missing, missing, missing}},
		{route: "GET /procedures/{id}/edit", example: "/procedures/" + id(proc.ID) + "/edit", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "POST /procedures/{id}", example: "/procedures/" + id(proc.ID), want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /procedures/{id}", example: "/procedures/" + id(proc.ID), form: procUpdate,
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: "/procedures/" + id(proc.ID) + "?done=procedure_saved"},
		{route: "POST /procedures/{id}", example: "/procedures/999999", form: procUpdate,
			want: [5]int{unauth, forbidden, missing, missing, missing}},
		{route: "GET /procedures/{id}/preview", example: "/procedures/" + id(proc.ID) + "/preview", want: [5]int{redirect, ok, ok, ok, ok}},

		{route: "GET /procedures/{id}/versions", example: "/procedures/" + id(proc.ID) + "/versions", want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "GET /procedures/{id}/versions", example: "/procedures/999999/versions", want: [5]int{redirect, missing, missing, missing, missing}},
		{route: "POST /procedures/{id}/versions", example: "/procedures/" + id(proc.ID) + "/versions", want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /procedures/{id}/versions", example: "/procedures/" + id(freezeProc.ID) + "/versions", form: url.Values{"message": {"Version de {viewer}"}},
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: "/procedures/" + id(freezeProc.ID) + "/versions/",
			// An unchanged draft is not frozen twice.
			prepare: func(t *testing.T, viewer string) { ts.appendToDraft(t, freezeProc, "\nAjout de "+viewer+".") }},
		{route: "GET /procedures/{id}/versions/{number}", example: "/procedures/" + id(proc.ID) + "/versions/1", want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "GET /procedures/{id}/versions/{number}", example: "/procedures/" + id(proc.ID) + "/versions/99", want: [5]int{redirect, missing, missing, missing, missing}},
		// Stakeholders comment on drafts; they neither freeze nor restore.
		{route: "POST /procedures/{id}/versions/{number}/restore", example: "/procedures/" + id(proc.ID) + "/versions/1/restore",
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: "/procedures/" + id(proc.ID) + "?done=version_restored&undo="},
		{route: "POST /procedures/{id}/restore/undo", example: "/procedures/" + id(proc.ID) + "/restore/undo", form: url.Values{"version": {"0"}},
			want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /procedures/{id}/versions/{number}/restore", example: "/procedures/" + id(proc.ID) + "/versions/99/restore",
			want: [5]int{unauth, forbidden, missing, missing, missing}},
		{route: "GET /procedures/{id}/diff", example: "/procedures/" + id(proc.ID) + "/diff?from=1&to=draft&view=side", want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "GET /procedures/{id}/diff", example: "/procedures/" + id(proc.ID) + "/diff?from=77", want: [5]int{redirect, missing, missing, missing, missing}},
		{route: "GET /procedures/{id}/history", example: "/procedures/" + id(proc.ID) + "/history", want: [5]int{redirect, ok, ok, ok, ok}},
		// Comments: stakeholders comment, reply and suggest during a
		// consultation (and not outside one), but neither edit, accept,
		// reject nor answer; the secretariat answers.
		{route: "GET /procedures/{id}/comments", example: "/procedures/" + id(proc.ID) + "/comments", want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "POST /procedures/{id}/comments", example: "/procedures/" + id(proc.ID) + "/comments", want: [5]int{unauth, invalid, invalid, invalid, invalid}},
		{route: "POST /procedures/{id}/comments", example: "/procedures/" + id(proc.ID) + "/comments", form: commentForm,
			want: [5]int{unauth, redirect, redirect, redirect, redirect}, next: "/procedures/" + id(proc.ID) + "?done=comment_added"},
		{route: "POST /procedures/{id}/comments", example: "/procedures/" + id(proc.ID) + "/comments", form: suggestionForm,
			want: [5]int{unauth, redirect, redirect, redirect, redirect}, next: "/procedures/" + id(proc.ID) + "?done=comment_added"},
		{route: "POST /procedures/{id}/comments", example: "/procedures/" + id(closedProc.ID) + "/comments", form: commentForm,
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: "/procedures/" + id(closedProc.ID) + "?done=comment_added"},
		{route: "POST /procedures/{id}/comments/{cid}/replies", example: commentPath(comment) + "/replies", form: url.Values{"body": {"Réponse de {viewer}"}},
			want: [5]int{unauth, redirect, redirect, redirect, redirect}, next: "/procedures/" + id(proc.ID) + "?done=reply_added"},
		{route: "POST /procedures/{id}/comments/{cid}/replies", example: "/procedures/" + id(closedProc.ID) + "/comments/" + id(comment.ID) + "/replies", form: url.Values{"body": {"Réponse"}},
			want: [5]int{unauth, missing, missing, missing, missing}},
		{route: "POST /procedures/{id}/comments/{cid}/resolve", example: commentPath(comment) + "/resolve",
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: "/procedures/" + id(proc.ID) + "?done=comment_resolved"},
		{route: "POST /procedures/{id}/comments/{cid}/reopen", example: commentPath(comment) + "/reopen",
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: "/procedures/" + id(proc.ID) + "?done=comment_reopened"},
		{route: "POST /procedures/{id}/comments/{cid}/answer", example: commentPath(comment) + "/answer", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /procedures/{id}/comments/{cid}/answer", example: commentPath(comment) + "/answer", form: url.Values{"answer": {"partly_accepted"}, "reason": {"Répondu par {viewer}"}},
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/procedures/" + id(proc.ID) + "?done=comment_answered"},
		// The member accepts the suggestion; after that it is decided, and
		// the secretariat and the admin find it so.
		{route: "POST /procedures/{id}/comments/{cid}/accept", example: commentPath(toAccept) + "/accept",
			want: [5]int{unauth, forbidden, redirect, conflict, conflict}, next: "/procedures/" + id(proc.ID) + "?done=suggestion_accepted"},
		{route: "POST /procedures/{id}/comments/{cid}/reject", example: commentPath(toReject) + "/reject", want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /procedures/{id}/comments/{cid}/reject", example: commentPath(toReject) + "/reject", form: url.Values{"reason": {"Hors sujet"}},
			want: [5]int{unauth, forbidden, redirect, conflict, conflict}, next: "/procedures/" + id(proc.ID) + "?done=suggestion_rejected"},
		{route: "GET /procedures/{id}/observations", example: "/procedures/" + id(proc.ID) + "/observations?kind=suggestion&answered=yes", want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "GET /procedures/{id}/observations.csv", example: "/procedures/" + id(proc.ID) + "/observations.csv", want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "POST /procedures/{id}/consultation", example: "/procedures/" + id(closedProc.ID) + "/consultation", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /procedures/{id}/consultation", example: "/procedures/" + id(closedProc.ID) + "/consultation", form: url.Values{"closes_at": {"2099-06-30T18:00"}},
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/procedures/" + id(closedProc.ID) + "?done=consultation_opened"},
		// Closing a consultation now: the secretariat and admins, each
		// on one opened for the request; without one, a conflict.
		{route: "POST /procedures/{id}/consultation/close", example: "/procedures/" + id(closedProc.ID) + "/consultation/close",
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/procedures/" + id(closedProc.ID) + "?done=consultation_closed",
			prepare: func(t *testing.T, viewer string) {
				if err := ts.db.OpenConsultation(ctx, system, &workspace.Consultation{ProcedureID: closedProc.ID, ClosesAt: ts.clock.Now().Add(24 * time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}},
		{route: "POST /procedures/{id}/consultation/close", example: "/procedures/" + id(freezeProc.ID) + "/consultation/close",
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},

		// Meetings: members read them; the secretariat and admins plan,
		// change, start and close them. A closed meeting refuses changes,
		// a started one a second start.
		{route: "GET /meetings", example: "/meetings", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings", example: "/meetings?when=past&kind=working_group&page=1", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings/new", example: "/meetings/new", want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "POST /meetings", example: "/meetings", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings", example: "/meetings", form: meetingForm,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/meetings/"},
		{route: "GET /meetings/{id}", example: meetingURL(plannedMeeting, ""), want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings/{id}", example: meetingURL(closedMeeting, ""), want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings/{id}", example: "/meetings/999999", want: [5]int{redirect, forbidden, missing, missing, missing}},
		{route: "GET /meetings/{id}/edit", example: meetingURL(plannedMeeting, "/edit"), want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "GET /meetings/{id}/edit", example: meetingURL(closedMeeting, "/edit"), want: [5]int{redirect, forbidden, forbidden, conflict, conflict}},
		{route: "GET /meetings/{id}/edit", example: "/meetings/999999/edit", want: [5]int{redirect, forbidden, forbidden, missing, missing}},
		{route: "POST /meetings/{id}", example: meetingURL(plannedMeeting, ""), want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}", example: meetingURL(plannedMeeting, ""), form: meetingForm,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: meetingURL(plannedMeeting, "?done=meeting_saved")},
		{route: "POST /meetings/{id}", example: meetingURL(closedMeeting, ""), form: meetingForm,
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}", example: "/meetings/999999", form: meetingForm,
			want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "POST /meetings/{id}/invitees", example: meetingURL(plannedMeeting, "/invitees"), form: url.Values{"invitee": {id(member.ID)}},
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: meetingURL(plannedMeeting, "?done=meeting_invitees_saved")},
		{route: "POST /meetings/{id}/invitees", example: meetingURL(plannedMeeting, "/invitees"), form: url.Values{"invitee": {id(stakeholder.ID)}},
			want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/invitees", example: meetingURL(closedMeeting, "/invitees"), form: url.Values{"invitee": {id(member.ID)}},
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/invitees", example: "/meetings/999999/invitees", want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		// Recording the same attendance twice changes nothing, so the
		// matrix checks refusals here and TestMeetingAttendance the rest.
		{route: "POST /meetings/{id}/attendance", example: meetingURL(plannedMeeting, "/attendance"), want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/attendance", example: meetingURL(plannedMeeting, "/attendance"), form: url.Values{"account": {id(stakeholder.ID)}, "attendance": {"present"}},
			want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		// After the close, the secretariat corrects attendance while the
		// minutes are not approved (TestAttendanceCorrectedAfterClose
		// checks the corrections; here, someone not invited is refused).
		{route: "POST /meetings/{id}/attendance", example: meetingURL(closedMeeting, "/attendance"), form: url.Values{"account": {id(stakeholder.ID)}, "attendance": {"present"}},
			want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/attendance", example: "/meetings/999999/attendance", form: url.Values{"account": {id(member.ID)}, "attendance": {"present"}},
			want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "POST /meetings/{id}/start", example: meetingURL(toStart, "/start"),
			want: [5]int{unauth, forbidden, forbidden, redirect, conflict}, next: meetingURL(toStart, "?done=meeting_started")},
		{route: "POST /meetings/{id}/start", example: meetingURL(closedMeeting, "/start"), want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/start", example: "/meetings/999999/start", want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "POST /meetings/{id}/close", example: meetingURL(liveMeeting, "/close"),
			want: [5]int{unauth, forbidden, forbidden, redirect, conflict}, next: meetingURL(liveMeeting, "?done=meeting_closed")},
		{route: "POST /meetings/{id}/close", example: meetingURL(plannedMeeting, "/close"), want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/close", example: "/meetings/999999/close", want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "POST /meetings/{id}/cancel", example: meetingURL(toCancel, "/cancel"), form: url.Values{"reason": {"Salle indisponible"}},
			want: [5]int{unauth, forbidden, forbidden, redirect, conflict}, next: meetingURL(toCancel, "?done=meeting_cancelled")},
		{route: "POST /meetings/{id}/cancel", example: meetingURL(plannedMeeting, "/cancel"), want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/cancel", example: meetingURL(liveMeeting, "/cancel"), form: url.Values{"reason": {"Trop tard"}},
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/cancel", example: meetingURL(closedMeeting, "/cancel"), form: url.Values{"reason": {"Trop tard"}},
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/cancel", example: "/meetings/999999/cancel", form: url.Values{"reason": {"Salle indisponible"}},
			want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "GET /meetings/{id}/agenda/print", example: meetingURL(plannedMeeting, "/agenda/print"), want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings/{id}/agenda/print", example: "/meetings/999999/agenda/print", want: [5]int{redirect, forbidden, missing, missing, missing}},
		{route: "GET /meetings/{id}/minutes", example: meetingURL(plannedMeeting, "/minutes"), want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings/{id}/minutes", example: meetingURL(closedMeeting, "/minutes"), want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings/{id}/minutes", example: "/meetings/999999/minutes", want: [5]int{redirect, forbidden, missing, missing, missing}},

		// Agendas, decisions, actions and printed minutes: the secretariat
		// changes them; members read, and change the status of their own
		// organisation's actions.
		{route: "POST /meetings/{id}/items", example: plannedPath + "/items", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/items", example: plannedPath + "/items", form: itemForm,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: plannedPath + "?done=agenda_item_added#item-"},
		{route: "POST /meetings/{id}/items", example: "/meetings/999999/items", form: itemForm, want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "GET /meetings/{id}/items/{item}/edit", example: itemPath(planned, plannedItems[0]) + "/edit", want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "GET /meetings/{id}/items/{item}/edit", example: itemPath(planned, liveItems[0]) + "/edit", want: [5]int{redirect, forbidden, forbidden, missing, missing}},
		{route: "POST /meetings/{id}/items/{item}", example: itemPath(planned, plannedItems[0]), want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/items/{item}", example: itemPath(planned, plannedItems[0]), form: itemForm,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: plannedPath + "?done=agenda_item_saved#item-"},
		{route: "POST /meetings/{id}/items/{item}/move", example: itemPath(planned, plannedItems[0]) + "/move", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/items/{item}/move", example: itemPath(planned, plannedItems[0]) + "/move", form: url.Values{"direction": {"down"}},
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: plannedPath + "?done=agenda_item_moved#item-"},
		// The secretariat deletes the item; the admin finds it gone.
		{route: "POST /meetings/{id}/items/{item}/delete", example: itemPath(planned, plannedItems[2]) + "/delete",
			want: [5]int{unauth, forbidden, forbidden, redirect, missing}, next: plannedPath + "?done=agenda_item_deleted#agenda"},
		{route: "POST /meetings/{id}/items/{item}/delete", example: itemPath(live, liveItems[0]) + "/delete", want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/items/{item}/decision", example: itemPath(live, liveItems[1]) + "/decision", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/items/{item}/decision", example: itemPath(live, liveItems[1]) + "/decision", form: decisionForm,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: livePath + "?done=decision_recorded#item-"},
		{route: "POST /meetings/{id}/items/{item}/decision", example: itemPath(planned, plannedItems[1]) + "/decision", form: decisionForm,
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/items/{item}/actions", example: itemPath(live, liveItems[0]) + "/actions", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/items/{item}/actions", example: itemPath(live, liveItems[0]) + "/actions", form: actionForm,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: livePath + "?done=action_added#item-"},
		{route: "POST /meetings/{id}/items/{item}/actions", example: itemPath(live, liveItems[2]) + "/actions", form: actionForm,
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "GET /meetings/{id}/minutes/print", example: livePath + "/minutes/print", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings/{id}/minutes/print", example: "/meetings/999999/minutes/print", want: [5]int{redirect, forbidden, missing, missing, missing}},
		{route: "GET /actions", example: "/actions?status=pending&overdue=1", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "POST /actions/{id}", example: memberActionPath, form: url.Values{"status": {"in_progress"}},
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: "/actions?done=action_saved#action-"},
		{route: "POST /actions/{id}", example: memberActionPath, form: url.Values{"title": {"Action de {viewer}"}},
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/actions?done=action_saved#action-"},
		{route: "POST /actions/{id}", example: memberActionPath, form: url.Values{"status": {"finished"}}, want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /actions/{id}", example: otherActionPath, form: url.Values{"status": {"done"}},
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/actions?done=action_saved#action-"},
		{route: "POST /actions/{id}", example: "/actions/999999", form: url.Values{"status": {"done"}}, want: [5]int{unauth, forbidden, missing, missing, missing}},

		// The live room of a meeting: members and staff see it; each checks
		// in and asks for the floor for themselves, while it is live.
		{route: "GET /meetings/{id}/room", example: roomLive + "/room", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings/{id}/room", example: roomPlanned + "/room", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings/{id}/room", example: "/meetings/999999/room", want: [5]int{redirect, forbidden, missing, missing, missing}},
		{route: "GET /meetings/{id}/projector", example: roomLive + "/projector", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings/{id}/projector", example: "/meetings/999999/projector", want: [5]int{redirect, forbidden, missing, missing, missing}},
		{route: "POST /meetings/{id}/checkin", example: roomLive + "/checkin",
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: roomLive + "/room?done=checked_in"},
		{route: "POST /meetings/{id}/checkin", example: roomPlanned + "/checkin", want: [5]int{unauth, forbidden, conflict, conflict, conflict}},
		{route: "POST /meetings/{id}/checkin", example: "/meetings/999999/checkin", want: [5]int{unauth, forbidden, missing, missing, missing}},
		{route: "POST /meetings/{id}/floor", example: roomLive + "/floor", want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /meetings/{id}/floor", example: roomLive + "/floor", form: url.Values{"action": {"ask"}},
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: roomLive + "/room?done=floor_asked"},
		// Asking twice is a conflict; withdrawing then takes the request back.
		{route: "POST /meetings/{id}/floor", example: roomLive + "/floor", form: url.Values{"action": {"ask"}},
			want: [5]int{unauth, forbidden, conflict, conflict, conflict}},
		{route: "POST /meetings/{id}/floor", example: roomLive + "/floor", form: url.Values{"action": {"withdraw"}},
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: roomLive + "/room?done=floor_withdrawn"},
		{route: "POST /meetings/{id}/floor", example: roomPlanned + "/floor", form: url.Values{"action": {"ask"}},
			want: [5]int{unauth, forbidden, conflict, conflict, conflict}},
		{route: "POST /meetings/{id}/floor", example: roomLive + "/floor", form: url.Values{"action": {"\xff"}},
			want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		// The secretariat's controls of the room, as forms: only the
		// secretariat and admins run the room, and only while it is live.
		{route: "POST /meetings/{id}/current-item", example: runPath + "/current-item", form: runItemForm, prepare: otherItem,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: runPath + "/room?done=room_item_moved"},
		{route: "POST /meetings/{id}/current-item", example: runPath + "/current-item", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/current-item", example: runPath + "/current-item", form: url.Values{"item": {"deux"}},
			want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/current-item", example: runPath + "/current-item", form: url.Values{"item": {id(runPlanned.items[0].ID)}},
			want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "POST /meetings/{id}/current-item", example: "/meetings/" + id(runPlanned.meeting.ID) + "/current-item",
			form: url.Values{"item": {id(runPlanned.items[1].ID)}}, want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/current-item", example: "/meetings/" + id(runCancelled.meeting.ID) + "/current-item",
			form: url.Values{"item": {id(runCancelled.items[1].ID)}}, want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/current-item", example: "/meetings/999999/current-item", form: url.Values{"item": {"1"}},
			want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "POST /meetings/{id}/floor/give", example: runPath + "/floor/give", form: runGiveForm, prepare: someoneWaiting,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: runPath + "/room?done=floor_given"},
		{route: "POST /meetings/{id}/floor/give", example: runPath + "/floor/give", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /meetings/{id}/floor/give", example: runPath + "/floor/give", form: url.Values{"speaker": {"999999"}},
			want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "POST /meetings/{id}/floor/give", example: "/meetings/" + id(runPlanned.meeting.ID) + "/floor/give", form: url.Values{"speaker": {"1"}},
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/floor/give", example: "/meetings/" + id(runCancelled.meeting.ID) + "/floor/give", form: url.Values{"speaker": {"1"}},
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/floor/next", example: runPath + "/floor/next", prepare: someoneWaiting,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: runPath + "/room?done=floor_next"},
		{route: "POST /meetings/{id}/floor/next", example: "/meetings/" + id(runPlanned.meeting.ID) + "/floor/next",
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/floor/next", example: "/meetings/" + id(runCancelled.meeting.ID) + "/floor/next",
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/floor/next", example: "/meetings/999999/floor/next", want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "POST /meetings/{id}/floor/end", example: runPath + "/floor/end", prepare: someoneSpeaking,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: runPath + "/room?done=floor_ended"},
		{route: "POST /meetings/{id}/floor/end", example: "/meetings/" + id(runPlanned.meeting.ID) + "/floor/end",
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /meetings/{id}/floor/end", example: "/meetings/" + id(runCancelled.meeting.ID) + "/floor/end",
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},

		// Calendar: members download a meeting's file and manage their
		// feed; the feed itself is public, its token the credential, and
		// an unknown token is a plain 404 for everyone.
		{route: "GET /meetings/{id}/calendar.ics", example: "/meetings/" + id(calMeeting.ID) + "/calendar.ics", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /meetings/{id}/calendar.ics", example: "/meetings/999999/calendar.ics", want: [5]int{redirect, forbidden, missing, missing, missing}},
		{route: "GET /calendar", example: "/calendar", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "POST /calendar/reset", example: "/calendar/reset", want: [5]int{unauth, forbidden, ok, ok, ok}},
		{route: "GET /calendar/{token}/meetings.ics", example: "/calendar/" + feedToken + "/meetings.ics", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /calendar/{token}/meetings.ics", example: "/calendar/no-such-token/meetings.ics", want: [5]int{missing, missing, missing, missing, missing}},

		// The issue board: everyone with an account reads the dashboard.
		{route: "GET /issues/dashboard", example: "/issues/dashboard", want: [5]int{redirect, ok, ok, ok, ok}},
		// The secretariat edits the categories.
		{route: "GET /issues/categories", example: "/issues/categories", want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "POST /issues/categories", example: "/issues/categories", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /issues/categories", example: "/issues/categories", form: url.Values{"name_fr": {"Catégorie de {viewer}"}, "name_ar": {"صنف {viewer}"}},
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/issues/categories?done=category_created"},
		{route: "POST /issues/categories/{id}/edit", example: "/issues/categories/" + id(matrixCategory.ID) + "/edit", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /issues/categories/{id}/edit", example: "/issues/categories/" + id(matrixCategory.ID) + "/edit",
			form: url.Values{"name_fr": {"Catégorie renommée par {viewer}"}, "name_ar": {"صنف المصفوفة"}, "position": {"3"}, "active": {"on"}},
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/issues/categories?done=category_saved"},
		{route: "POST /issues/categories/{id}/edit", example: "/issues/categories/999999/edit", form: url.Values{"name_fr": {"X"}, "name_ar": {"س"}},
			want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		// Members link passages of drafts to issues (matrixIssue, below);
		// stakeholders read them.
		{route: "POST /issues/{id}/passages", example: "/issues/" + id(matrixIssue.ID) + "/passages", want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /issues/{id}/passages", example: "/issues/" + id(matrixIssue.ID) + "/passages", form: passageForm,
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: "/issues/" + id(matrixIssue.ID) + "?done=issue_passage_linked"},
		{route: "POST /issues/{id}/passages", example: "/issues/999999/passages", form: passageForm, want: [5]int{unauth, forbidden, missing, missing, missing}},
		{route: "GET /procedures/{id}/link-issue", example: "/procedures/" + id(proc.ID) + "/link-issue?version=0&from=2&to=11", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /procedures/{id}/link-issue", example: "/procedures/" + id(proc.ID) + "/link-issue?version=9999&from=2&to=11", want: [5]int{redirect, forbidden, invalid, invalid, invalid}},
		{route: "GET /procedures/{id}/link-issue", example: "/procedures/999999/link-issue?version=0&from=2&to=11", want: [5]int{redirect, forbidden, missing, missing, missing}},
		// Issues: every account reads, comments and follows; members, the
		// secretariat and admins report, edit, change the status and the
		// owner, and link. A second status change or assignment to the same
		// value is a mistake of the form; a second identical link a conflict.
		{route: "GET /issues", example: "/issues?status=open&q=matrice", want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "GET /issues.csv", example: "/issues.csv?delegation=mahdia", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /issues/new", example: "/issues/new", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "POST /issues", example: "/issues", want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /issues", example: "/issues", form: issueForm,
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: "/issues/"},
		{route: "GET /issues/{id}", example: issuePathM, want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "GET /issues/{id}", example: "/issues/999999", want: [5]int{redirect, missing, missing, missing, missing}},
		{route: "GET /issues/{id}/edit", example: issuePathM + "/edit", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /issues/{id}/edit", example: "/issues/999999/edit", want: [5]int{redirect, forbidden, missing, missing, missing}},
		{route: "POST /issues/{id}", example: issuePathM, want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /issues/{id}", example: issuePathM, form: issueUpdate,
			want: [5]int{unauth, forbidden, redirect, redirect, redirect}, next: issuePathM + "?done=issue_saved"},
		{route: "POST /issues/{id}", example: "/issues/999999", form: issueUpdate, want: [5]int{unauth, forbidden, missing, missing, missing}},
		{route: "POST /issues/{id}/status", example: issuePathM + "/status", want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /issues/{id}/status", example: issuePathM + "/status", form: url.Values{"status": {"under_discussion"}},
			// Once the member has moved it, the others ask for the status it has: a conflict.
			want: [5]int{unauth, forbidden, redirect, conflict, conflict}, next: issuePathM + "?done=issue_status_changed"},
		{route: "POST /issues/{id}/status", example: "/issues/999999/status", form: url.Values{"status": {"in_progress"}},
			want: [5]int{unauth, forbidden, missing, missing, missing}},
		{route: "POST /issues/{id}/assign", example: issuePathM + "/assign", form: url.Values{"owner_organisation_id": {"abc"}},
			want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /issues/{id}/assign", example: issuePathM + "/assign", form: url.Values{"owner_organisation_id": {id(org.ID)}},
			want: [5]int{unauth, forbidden, redirect, invalid, invalid}, next: issuePathM + "?done=issue_assigned"},
		{route: "POST /issues/{id}/assign", example: "/issues/999999/assign", form: url.Values{"owner_organisation_id": {id(org.ID)}},
			want: [5]int{unauth, forbidden, missing, missing, missing}},
		{route: "POST /issues/{id}/comments", example: issuePathM + "/comments", want: [5]int{unauth, invalid, invalid, invalid, invalid}},
		{route: "POST /issues/{id}/comments", example: issuePathM + "/comments", form: url.Values{"body": {"Commentaire de {viewer}"}},
			want: [5]int{unauth, redirect, redirect, redirect, redirect}, next: issuePathM + "?done=issue_commented"},
		{route: "POST /issues/{id}/comments", example: "/issues/999999/comments", form: url.Values{"body": {"Commentaire"}},
			want: [5]int{unauth, missing, missing, missing, missing}},
		// Commenting made each viewer a follower: each stops, then
		// follows again.
		{route: "POST /issues/{id}/follow", example: issuePathM + "/follow", form: url.Values{"follow": {"off"}},
			want: [5]int{unauth, redirect, redirect, redirect, redirect}, next: issuePathM + "?done=issue_unfollowed"},
		{route: "POST /issues/{id}/follow", example: issuePathM + "/follow", form: url.Values{"follow": {"on"}},
			want: [5]int{unauth, redirect, redirect, redirect, redirect}, next: issuePathM + "?done=issue_followed"},
		{route: "POST /issues/{id}/follow", example: issuePathM + "/follow", form: url.Values{"follow": {"maybe"}},
			want: [5]int{unauth, invalid, invalid, invalid, invalid}},
		{route: "POST /issues/{id}/follow", example: "/issues/999999/follow", form: url.Values{"follow": {"on"}},
			want: [5]int{unauth, missing, missing, missing, missing}},
		{route: "POST /issues/{id}/links", example: issuePathM + "/links", want: [5]int{unauth, forbidden, invalid, invalid, invalid}},
		{route: "POST /issues/{id}/links", example: issuePathM + "/links", form: url.Values{"target_kind": {"meeting"}, "meeting_id": {id(calMeeting.ID)}},
			want: [5]int{unauth, forbidden, redirect, conflict, conflict}, next: issuePathM + "?done=issue_linked"},
		{route: "POST /issues/{id}/links", example: "/issues/999999/links", form: url.Values{"target_kind": {"meeting"}, "meeting_id": {id(calMeeting.ID)}},
			want: [5]int{unauth, forbidden, missing, missing, missing}},
		{route: "POST /issues/{id}/links/{link}/delete", example: issuePathM + "/links/" + id(matrixLink.ID) + "/delete",
			want: [5]int{unauth, forbidden, redirect, missing, missing}, next: issuePathM + "?done=issue_unlinked"},
		{route: "POST /issues/{id}/links/{link}/delete", example: "/issues/999999/links/" + id(matrixLink.ID) + "/delete",
			want: [5]int{unauth, forbidden, missing, missing, missing}},
		// Personal details are shown, and the view recorded, to the
		// secretariat, admins and those in charge of the issue: the member
		// reported matrixIssue, and is not in charge of othersIssue.
		{route: "POST /issues/{id}/private", example: issuePathM + "/private", want: [5]int{unauth, forbidden, ok, ok, ok}},
		{route: "POST /issues/{id}/private", example: othersPath + "/private", want: [5]int{unauth, forbidden, forbidden, ok, ok}},
		{route: "POST /issues/{id}/private", example: "/issues/999999/private", want: [5]int{unauth, forbidden, missing, missing, missing}},
		{route: "GET /issues/{id}/edit", example: othersPath + "/edit", want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /notifications", example: "/notifications", want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "POST /notifications/read", example: "/notifications/read", want: [5]int{unauth, redirect, redirect, redirect, redirect}, next: "/notifications?done=notifications_read"},

		// Votes (handle_poll*.go): members see polls; the secretariat
		// prepares, opens and closes them; only a member with a voting right
		// votes (the demo's secretariat and admin have none; a member
		// without one: TestPollVoteNeedsVotingRight).
		{route: "GET /polls/new", example: "/polls/new?item=" + id(liveItems[1].ID), want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "GET /polls/new", example: "/polls/new?procedure=" + id(proc.ID) + "&version=1", want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "GET /polls/new", example: "/polls/new?item=999999", want: [5]int{redirect, forbidden, forbidden, missing, missing}},
		{route: "GET /polls/new", example: "/polls/new?procedure=" + id(proc.ID) + "&version=99", want: [5]int{redirect, forbidden, forbidden, missing, missing}},
		{route: "GET /polls/new", example: "/polls/new", want: [5]int{redirect, forbidden, forbidden, invalid, invalid}},
		{route: "POST /polls", example: "/polls", want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /polls", example: "/polls", form: url.Values{"item": {id(liveItems[2].ID)}, "meeting": {id(live.ID)}},
			want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /polls", example: "/polls", form: pollForm, want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: "/polls/"},
		{route: "GET /polls/{id}", example: pollURL(namedPoll, ""), want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /polls/{id}", example: pollURL(secretPoll, ""), want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /polls/{id}", example: pollURL(votePoll, "?confirm=close"), want: [5]int{redirect, forbidden, ok, ok, ok}},
		{route: "GET /polls/{id}", example: "/polls/999999", want: [5]int{redirect, forbidden, missing, missing, missing}},
		{route: "GET /polls/{id}/edit", example: pollURL(draftPoll, "/edit"), want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "GET /polls/{id}/edit", example: pollURL(votePoll, "/edit"), want: [5]int{redirect, forbidden, forbidden, conflict, conflict}},
		{route: "GET /polls/{id}/edit", example: "/polls/999999/edit", want: [5]int{redirect, forbidden, forbidden, missing, missing}},
		{route: "POST /polls/{id}", example: pollURL(draftPoll, ""), want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /polls/{id}", example: pollURL(draftPoll, ""), form: pollUpdate,
			want: [5]int{unauth, forbidden, forbidden, redirect, redirect}, next: pollURL(draftPoll, "?done=poll_saved")},
		{route: "POST /polls/{id}", example: pollURL(votePoll, ""), form: pollUpdate, want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /polls/{id}", example: "/polls/999999", form: pollUpdate, want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "POST /polls/{id}/open", example: pollURL(toOpenPoll, "/open"),
			want: [5]int{unauth, forbidden, forbidden, redirect, conflict}, next: pollURL(toOpenPoll, "?done=poll_opened")},
		{route: "POST /polls/{id}/open", example: "/polls/999999/open", want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "POST /polls/{id}/vote", example: pollURL(votePoll, "/vote"), want: [5]int{unauth, forbidden, invalid, forbidden, forbidden}},
		{route: "POST /polls/{id}/vote", example: pollURL(votePoll, "/vote"), form: url.Values{"choice": {"999999"}},
			want: [5]int{unauth, forbidden, invalid, forbidden, forbidden}},
		{route: "POST /polls/{id}/vote", example: pollURL(votePoll, "/vote"), form: url.Values{"choice": {yesOf(votePoll)}},
			want: [5]int{unauth, forbidden, redirect, forbidden, forbidden}, next: pollURL(votePoll, "?done=vote_cast")},
		// Another ballot, where the poll allows no change, is refused (the
		// same one sent again is recorded already, and changes nothing:
		// TestPollVotePostedAfterLiveAnswerLost).
		{route: "POST /polls/{id}/vote", example: pollURL(votePoll, "/vote"), form: url.Values{"choice": {id(votePoll.Options[1].ID)}},
			want: [5]int{unauth, forbidden, conflict, forbidden, forbidden}},
		{route: "POST /polls/{id}/vote", example: pollURL(draftPoll, "/vote"), form: url.Values{"choice": {"1"}},
			want: [5]int{unauth, forbidden, conflict, forbidden, forbidden}},
		{route: "POST /polls/{id}/vote", example: pollURL(namedPoll, "/vote"), form: url.Values{"choice": {id(namedPoll.Options[0].ID)}},
			want: [5]int{unauth, forbidden, conflict, forbidden, forbidden}},
		{route: "POST /polls/{id}/vote", example: "/polls/999999/vote", form: url.Values{"choice": {"1"}}, want: [5]int{unauth, forbidden, missing, missing, missing}},
		{route: "POST /polls/{id}/close", example: pollURL(toClosePoll, "/close"),
			want: [5]int{unauth, forbidden, forbidden, redirect, conflict}, next: pollURL(toClosePoll, "?done=poll_closed")},
		{route: "POST /polls/{id}/close", example: pollURL(draftPoll, "/close"), want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /polls/{id}/close", example: "/polls/999999/close", want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "GET /polls/{id}/ballots.csv", example: pollURL(namedPoll, "/ballots.csv"), want: [5]int{redirect, forbidden, ok, ok, ok}},
		// A secret poll names nobody: no list of who voted what, for anyone.
		{route: "GET /polls/{id}/ballots.csv", example: pollURL(secretPoll, "/ballots.csv"), want: [5]int{redirect, forbidden, forbidden, forbidden, forbidden}},
		{route: "GET /polls/{id}/ballots.csv", example: "/polls/999999/ballots.csv", want: [5]int{redirect, forbidden, missing, missing, missing}},

		// The register: every account reads it; the secretariat publishes
		// an adopted version once (the admin then finds it published) and
		// withdraws an entry once.
		{route: "GET /register", example: "/register", want: [5]int{redirect, ok, ok, ok, ok}},
		{route: "GET /procedures/{id}/versions/{number}/publish", example: publishURL(toPublish), want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "GET /procedures/{id}/versions/{number}/publish", example: publishURL(proc), want: [5]int{redirect, forbidden, forbidden, conflict, conflict}},
		{route: "GET /procedures/{id}/versions/{number}/publish", example: "/procedures/" + id(toPublish.ID) + "/versions/99/publish",
			want: [5]int{redirect, forbidden, forbidden, missing, missing}},
		{route: "POST /procedures/{id}/versions/{number}/publish", example: publishURL(toPublish), want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /procedures/{id}/versions/{number}/publish", example: publishURL(toPublish), form: url.Values{"effective_on": {"2027-02-01"}, "supersedes": {"999999"}},
			want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /procedures/{id}/versions/{number}/publish", example: publishURL(toPublish), form: url.Values{"effective_on": {"2027-02-01"}, "note": {"Publiée par {viewer}."}},
			want: [5]int{unauth, forbidden, forbidden, redirect, conflict}, next: "/procedures/" + id(toPublish.ID) + "/versions/1?done=version_published"},
		{route: "POST /procedures/{id}/versions/{number}/publish", example: publishURL(proc), form: url.Values{"effective_on": {"2027-02-01"}},
			want: [5]int{unauth, forbidden, forbidden, conflict, conflict}},
		{route: "POST /procedures/{id}/versions/{number}/publish", example: "/procedures/999999/versions/1/publish", form: url.Values{"effective_on": {"2027-02-01"}},
			want: [5]int{unauth, forbidden, forbidden, missing, missing}},
		{route: "GET /register/{id}/withdraw", example: withdrawURL, want: [5]int{redirect, forbidden, forbidden, ok, ok}},
		{route: "GET /register/{id}/withdraw", example: "/register/999999/withdraw", want: [5]int{redirect, forbidden, forbidden, missing, missing}},
		{route: "POST /register/{id}/withdraw", example: withdrawURL, want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /register/{id}/withdraw", example: withdrawURL, form: url.Values{"reason": {"Motif"}, "replaced_by": {id(toWithdraw.ID)}},
			want: [5]int{unauth, forbidden, forbidden, invalid, invalid}},
		{route: "POST /register/{id}/withdraw", example: withdrawURL, form: withdrawForm,
			want: [5]int{unauth, forbidden, forbidden, redirect, conflict}, next: "/register?done=entry_withdrawn#" + toWithdraw.Identifier()},
		{route: "GET /register/{id}/withdraw", example: withdrawURL, want: [5]int{redirect, forbidden, forbidden, conflict, conflict}},
		{route: "POST /register/{id}/withdraw", example: "/register/999999/withdraw", form: withdrawForm,
			want: [5]int{unauth, forbidden, forbidden, missing, missing}},

		// The public site (handle_public*.go, atom.go, sitemap.go): the
		// same for everyone, logged in or not.
		{route: "GET /public", example: "/public", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /public/procedures", example: "/public/procedures?category=referral_pathway", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /public/procedures/{ident}", example: publicBase, want: [5]int{redirect, redirect, redirect, redirect, redirect}, next: publicBase + "/"},
		{route: "GET /public/procedures/{ident}", example: "/public/procedures/PROC-2026-999", want: [5]int{missing, missing, missing, missing, missing}},
		{route: "GET /public/procedures/{ident}/{lang}", example: publicBase + "/ar", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /public/procedures/{ident}/{lang}", example: publicBase + "/en", want: [5]int{missing, missing, missing, missing, missing}},
		{route: "GET /public/procedures/{ident}/{lang}/history", example: publicBase + "/fr/history", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /public/procedures/{ident}/{lang}/editions/{edition}", example: publicBase + "/fr/editions/1", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /public/procedures/{ident}/{lang}/editions/{edition}", example: publicBase + "/fr/editions/abc", want: [5]int{missing, missing, missing, missing, missing}},
		{route: "GET /public/procedures/{ident}/{lang}/editions/{edition}/changes", example: publicBase + "/fr/editions/2/changes", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /public/procedures/{ident}/{lang}/editions/{edition}/markdown", example: publicBase + "/fr/editions/2/markdown", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /public/procedures/{ident}/{lang}/editions/{edition}/markdown", example: publicBase + "/fr/editions/9/markdown", want: [5]int{missing, missing, missing, missing, missing}},
		{route: "GET /public/procedures/{ident}/{lang}/editions/{edition}/html", example: publicBase + "/ar/editions/1/html", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /public/search", example: "/public/search?q=guichet", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /public/check", example: "/public/check?sha256=" + publicSite.fr2.ContentSHA256, want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /public/feed.atom", example: "/public/feed.atom", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /sitemap.xml", example: "/sitemap.xml", want: [5]int{ok, ok, ok, ok, ok}},
		{route: "GET /robots.txt", example: "/robots.txt", want: [5]int{ok, ok, ok, ok, ok}},

		{route: "GET /ws", example: "/ws", want: [5]int{unauth, upgrade, upgrade, upgrade, upgrade}},
	}

	// The matrix and the registered routes must name the same routes, and
	// the matrix must agree with the access each route declares.
	access := map[string]workspace.Access{}
	for _, r := range ts.srv.Routes() {
		if _, dup := access[r.Pattern]; dup {
			t.Errorf("route %q is registered twice", r.Pattern)
		}
		access[r.Pattern] = r.Access
	}
	covered := map[string]bool{}
	for _, row := range rows {
		level, ok := access[row.route]
		if !ok {
			t.Errorf("matrix row %q %s names a route that is not registered", row.route, row.example)
			continue
		}
		covered[row.route] = true
		for i, v := range viewers {
			var acc *workspace.Account
			if v.email != "" {
				acc = ts.account(t, v.email)
			}
			if level.Allows(acc) {
				continue
			}
			want := forbidden
			if acc == nil {
				want = unauth
				if strings.HasPrefix(row.route, "GET ") && row.route != "GET /ws" {
					want = redirect
				}
			}
			if row.want[i] != want {
				t.Errorf("matrix row %q %s: %s gets %d, but the route needs %s access, so want %d",
					row.route, row.example, v.name, row.want[i], level, want)
			}
		}
	}
	for pattern := range access {
		if !covered[pattern] {
			t.Errorf("route %q is registered but missing from the authorisation matrix", pattern)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	for _, row := range rows {
		for i, v := range viewers {
			t.Run(row.route+" "+row.example+" as "+v.name, func(t *testing.T) {
				runAuthzCell(t, ts, row, access[row.route], v.name, v.email, row.want[i])
			})
		}
	}
}

// runAuthzCell makes one request of the matrix as one viewer, with a fresh
// session (so that a logout spends only its own), and checks the answer and
// what it changed.
func runAuthzCell(t *testing.T, ts *testServer, row authzRow, level workspace.Access, viewer, email string, want int) {
	var c *client
	if email == "" {
		c = ts.newClient(t)
	} else {
		c = ts.sessionClient(t, email)
	}
	method, _, _ := strings.Cut(row.route, " ")
	example := strings.ReplaceAll(row.example, "{viewer}", viewer)
	if row.prepare != nil {
		row.prepare(t, viewer)
	}
	before := ts.snapshot(t)

	var status int
	var location string
	switch {
	case row.route == "GET /ws":
		ws, resp, err := dialWS(t, c, ts.URL)
		if resp == nil {
			t.Fatalf("websocket handshake: no response: %v", err)
		}
		status, location = resp.StatusCode, resp.Header.Get("Location")
		if ws != nil {
			ws.Close()
		}
	case method == http.MethodGet:
		resp := c.get(t, example)
		status, location = resp.StatusCode, resp.location()
	case method == http.MethodPost:
		form := url.Values{}
		for k, vs := range row.form {
			for _, v := range vs {
				form.Add(k, strings.ReplaceAll(v, "{viewer}", viewer))
			}
		}
		resp := c.postForm(t, example, form)
		status, location = resp.StatusCode, resp.location()
	default:
		t.Fatalf("no way to request %q", row.route)
	}

	if status != want {
		t.Fatalf("%s %s as %s: status %d, want %d", method, example, viewer, status, want)
	}
	if status >= 300 && status < 400 {
		if email == "" && level != workspace.AccessPublic {
			u, err := url.Parse(location)
			if err != nil || u.Path != "/login" || u.Query().Get("next") != example {
				t.Errorf("Location %q, want the login page with next=%s", location, example)
			}
		} else if row.next == "" || !strings.HasPrefix(location, row.next) {
			t.Errorf("Location %q, want it to start with %q", location, row.next)
		}
	}

	after := ts.snapshot(t)
	switch {
	case status >= 400 && after != before:
		t.Errorf("a %d answer changed the data:\nbefore:\n%s\nafter:\n%s", status, before, after)
	case status < 400 && method == http.MethodPost && after == before:
		t.Errorf("an accepted POST (status %d) changed nothing", status)
	}
}

// TestPollVoteNeedsVotingRight checks that only a member with a voting
// right votes: a member without one (the demo has some) and a stakeholder
// are refused, 403, and nothing changes; neither is offered the vote form,
// which a member with a vote is.
func TestPollVoteNeedsVotingRight(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	procs, err := ts.db.FindProcedures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	poll := &workspace.Poll{Question: "Adopter la version 2 ?", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret, Unit: workspace.VotePerPerson,
		Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone, ProcedureID: &procs[0].ID, VersionNumber: 2}
	if err := ts.db.CreatePoll(ctx, system, poll); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.OpenPoll(ctx, system, poll.ID); err != nil {
		t.Fatal(err)
	}
	path := "/polls/" + strconv.FormatInt(poll.ID, 10)
	form := url.Values{"choice": {strconv.FormatInt(poll.Options[0].ID, 10)}}

	noVote := ts.account(t, "nizar.bouzid@demo.tn")
	if noVote.CanVote || noVote.Role != workspace.RoleMember {
		t.Fatalf("%s: role %s, vote %v; want a member without a vote", noVote.Email, noVote.Role, noVote.CanVote)
	}
	for _, email := range []string{noVote.Email, demo.StakeholderEmail} {
		c := ts.sessionClient(t, email)
		before := ts.snapshot(t)
		if resp := c.postForm(t, path+"/vote", form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s votes: status %d, want 403", email, resp.StatusCode)
		}
		if after := ts.snapshot(t); after != before {
			t.Errorf("%s's refused vote changed the data", email)
		}
		if n, err := ts.db.PollTurnout(ctx, poll.ID); err != nil || n != 0 {
			t.Errorf("turnout after %s's refused vote = %d, %v; want 0", email, n, err)
		}
	}
	if page := ts.sessionClient(t, noVote.Email).get(t, path); page.StatusCode != http.StatusOK || strings.Contains(page.Body, `action="`+path+`/vote"`) {
		t.Errorf("a member without a vote: status %d, vote form shown %v; want the page without the form",
			page.StatusCode, strings.Contains(page.Body, `action="`+path+`/vote"`))
	}
	voter := ts.sessionClient(t, demo.MemberEmail)
	if page := voter.get(t, path); !strings.Contains(page.Body, `action="`+path+`/vote"`) {
		t.Errorf("a member with a vote is not offered the vote form")
	}
	if resp := voter.postForm(t, path+"/vote", form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a member with a vote: status %d, want 303", resp.StatusCode)
	}
	if page := voter.get(t, path); !strings.Contains(page.Body, "poll-voted") || strings.Contains(page.Body, `action="`+path+`/vote"`) {
		t.Errorf("after a secret vote: want \"you have voted\" and no form to change it")
	}
}
