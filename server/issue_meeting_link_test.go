package server

import (
	"context"
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

// meetingSecrets are the titles and texts of a meeting's content that only
// those who may read meetings see, each with a marker a page or a message
// would show if it leaked.
var meetingSecrets = []string{"REUNION-SECRETE", "POINT-SECRET", "DECISION-SECRETE", "ACTION-SECRETE"}

// liveMeetingContent stores a started meeting with an agenda item, its
// decision and an action, each named with one of meetingSecrets, and
// returns their ids.
func liveMeetingContent(t *testing.T, ts *testServer) (meeting, item, decision, action int64) {
	t.Helper()
	ctx := context.Background()
	system := workspace.SystemActor("test")
	begins := ts.clock.Now().Add(-10 * time.Minute).Truncate(time.Minute)
	m := &workspace.Meeting{Title: "Plénière REUNION-SECRETE", Kind: workspace.MeetingPlenary, Language: "fr",
		StartsAt: begins, EndsAt: begins.Add(2 * time.Hour), Place: "Gouvernorat de Mahdia", QuorumRule: workspace.QuorumHalfPlusOne}
	if err := ts.db.CreateMeeting(ctx, system, m, nil); err != nil {
		t.Fatalf("create meeting: %v", err)
	}
	it := &workspace.AgendaItem{MeetingID: m.ID, Title: "Bourses POINT-SECRET", DurationMinutes: 10}
	if err := ts.db.AddAgendaItem(ctx, system, it, nil); err != nil {
		t.Fatalf("add agenda item: %v", err)
	}
	if _, err := ts.db.StartMeeting(ctx, system, m.ID, func(*workspace.MeetingRecord) string { return "# Procès-verbal\n" }); err != nil {
		t.Fatalf("start meeting: %v", err)
	}
	d := &workspace.Decision{AgendaItemID: it.ID, Text: "La table écrit au ministère DECISION-SECRETE.", Outcome: workspace.OutcomeAdopted}
	if err := ts.db.RecordDecision(ctx, system, d); err != nil {
		t.Fatalf("record decision: %v", err)
	}
	org := ts.organisationNamed(t, ts.orgNameOf(t, demo.SecretariatEmail))
	a := &workspace.Action{DecisionID: d.ID, Title: "Écrire ACTION-SECRETE", OwnerOrganisationID: org.ID,
		DueDate: ts.clock.Now().AddDate(0, 1, 0).Format(workspace.DateLayout)}
	if err := ts.db.AddAction(ctx, system, a); err != nil {
		t.Fatalf("add action: %v", err)
	}
	return m.ID, it.ID, d.ID, a.ID
}

// readIssueEvent reads messages until an issue.event of topic and
// returns its data as the server sent it, raw, and parsed.
func readIssueEvent(t *testing.T, ws *websocket.Conn, topic string) (string, liveEvent) {
	t.Helper()
	for {
		if data, ev := readLiveEventRaw(t, ws, topic); ev.Kind == "issue.event" {
			return string(data), ev
		}
	}
}

// TestIssueLinksHideMeetingsFromStakeholders: meetings are read by
// members only, issues by every account. A stakeholder reading an issue
// linked to a meeting, an agenda item, a decision and an action sees the
// kind of each target, never its title, its text or its address — on the
// page, in the timeline, and in the live messages of issue:N, which are
// the same for every subscriber. A member's page shows them all.
func TestIssueLinksHideMeetingsFromStakeholders(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	issue := reportIssue(t, ts, demo.MemberEmail, "Bourses scolaires des enfants revenus", "", nil)
	path := issuePath(issue.ID)
	meeting, item, decision, action := liveMeetingContent(t, ts)
	proc := &workspace.Procedure{Title: "Parcours PROCEDURE-PUBLIQUE", Language: "fr", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(ctx, workspace.SystemActor("test"), proc, "# Parcours\n"); err != nil {
		t.Fatal(err)
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	topic := "issue:" + id(issue.ID)

	// The stakeholder has the issue open, live.
	ws := testsupport.Login(t, ts.URL, demo.StakeholderEmail).MustDialLive(t)
	wsSubscribe(t, ws, topic)

	member := ts.sessionClient(t, demo.MemberEmail)
	for _, form := range []url.Values{
		{"target_kind": {"meeting"}, "meeting_id": {id(meeting)}},
		{"target_kind": {"agenda_item"}, "target_id": {id(item)}},
		{"target_kind": {"decision"}, "target_id": {id(decision)}},
		{"target_kind": {"action"}, "target_id": {id(action)}},
	} {
		wantRedirect(t, "link "+form.Get("target_kind"), member.postForm(t, path+"/links", form), path+"?done=issue_linked")
		raw, ev := readIssueEvent(t, ws, topic)
		for _, secret := range append(meetingSecrets, "/meetings/") {
			if strings.Contains(raw, secret) {
				t.Errorf("the live event of a link to a %s shows %q to a stakeholder: %s", form.Get("target_kind"), secret, raw)
			}
		}
		// The entry comes without HTML: the page offers to reload.
		if len(ev.HTML) != 0 {
			t.Errorf("the live event of a link to a %s has HTML: %v", form.Get("target_kind"), ev.HTML)
		}
	}
	// A procedure is everyone's to read: its entry comes rendered.
	wantRedirect(t, "link procedure", member.postForm(t, path+"/links", url.Values{"target_kind": {"procedure"}, "procedure_id": {id(proc.ID)}}), path+"?done=issue_linked")
	if _, ev := readIssueEvent(t, ws, topic); !strings.Contains(ev.HTML["fr"], "PROCEDURE-PUBLIQUE") || !strings.Contains(ev.HTML["en"], `href="/procedures/`+id(proc.ID)+`"`) {
		t.Errorf("the live event of a link to a procedure: %v", ev.HTML)
	}

	// The stakeholder's page: the kinds, not the titles nor the links.
	st := ts.sessionClient(t, demo.StakeholderEmail)
	page := st.get(t, path+"?lang=fr") // the live channel chose English
	wantStatus(t, "stakeholder's issue page", page, 200)
	wantNoBody(t, "stakeholder's issue page", page.Body, append(meetingSecrets, `href="/meetings/`)...)
	wantBody(t, "stakeholder's issue page", page.Body,
		"a lié le problème à une réunion", "a lié le problème à un point de l&#39;ordre du jour d&#39;une réunion",
		"a lié le problème à une décision d&#39;une réunion", "a lié le problème à une action décidée en réunion",
		"Contenu d&#39;une réunion, réservé aux membres de la table", "PROCEDURE-PUBLIQUE")

	// A member's page shows the meeting's content, with its links.
	mine := member.get(t, path)
	wantBody(t, "member's issue page", mine.Body, append(meetingSecrets,
		`href="/meetings/`+id(meeting)+`"`, `href="/meetings/`+id(meeting)+`#decision-`+id(decision)+`"`,
		`href="/meetings/`+id(meeting)+`#action-`+id(action)+`"`)...)
	wantNoBody(t, "member's issue page", mine.Body, "réservé aux membres de la table")

	// Removing a link: neither the live event nor the timeline names it.
	links, err := ts.db.FindIssueLinks(ctx, issue.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if l.TargetKind != workspace.LinkDecision {
			continue
		}
		wantRedirect(t, "unlink", member.postForm(t, path+"/links/"+id(l.ID)+"/delete", nil), path+"?done=issue_unlinked")
		raw, ev := readIssueEvent(t, ws, topic)
		if strings.Contains(raw, "DECISION-SECRETE") || len(ev.HTML) != 0 {
			t.Errorf("the live event of an unlink shows the decision: %s", raw)
		}
	}
	page = st.get(t, path+"?lang=fr")
	wantNoBody(t, "stakeholder's page after the unlink", page.Body, meetingSecrets...)
	wantBody(t, "stakeholder's page after the unlink", page.Body, "a retiré le lien vers une décision d&#39;une réunion")
	wantBody(t, "member's page after the unlink", member.get(t, path).Body, "a retiré le lien vers Décision — <span dir=\"auto\">La table écrit au ministère DECISION-SECRETE.</span>")
	// In English too (the page's language is then remembered: last).
	en := st.get(t, path+"?lang=en")
	wantNoBody(t, "stakeholder's issue page in English", en.Body, meetingSecrets...)
	wantBody(t, "stakeholder's issue page in English", en.Body, "linked the issue to a meeting&#39;s decision", "an action decided in a meeting",
		"removed the link to a meeting&#39;s decision")
}
