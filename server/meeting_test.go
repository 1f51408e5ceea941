package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"tawla/collab"
	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// meetingFormValues returns a valid form of a new meeting, which a test
// changes to make it invalid.
func meetingFormValues(title string) url.Values {
	return url.Values{"title": {title}, "kind": {"plenary"}, "language": {"fr"},
		"start_date": {"2099-03-01"}, "start_time": {"09:00"}, "end_date": {""}, "end_time": {"12:30"},
		"place": {"Salle du gouvernorat, Mahdia"}, "online_link": {"https://visio.example.tn/table"}, "quorum_rule": {"half_plus_one"}}
}

// newMeeting plans a meeting in the store for a test, starting in days
// days, everyone who may be invited being invited.
func newMeeting(t *testing.T, ts *testServer, title string, kind workspace.MeetingKind, days int) *workspace.Meeting {
	t.Helper()
	start := ts.clock.Now().Add(time.Duration(days) * 24 * time.Hour).Truncate(time.Minute)
	m := &workspace.Meeting{Title: title, Kind: kind, Language: "fr", QuorumRule: workspace.QuorumHalfPlusOne,
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), Place: "Mahdia"}
	if err := ts.db.CreateMeeting(context.Background(), workspace.SystemActor("test"), m, nil); err != nil {
		t.Fatalf("CreateMeeting: %v", err)
	}
	return m
}

func meetingCount(t *testing.T, ts *testServer) int {
	t.Helper()
	_, n, err := ts.db.FindMeetings(context.Background(), sqlite.MeetingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMeetingCreate(t *testing.T) {
	ts := newTestServer(t)
	c := ts.sessionClient(t, demo.SecretariatEmail)
	member := ts.account(t, demo.MemberEmail)
	secretariat := ts.account(t, demo.SecretariatEmail)

	t.Run("Form", func(t *testing.T) {
		resp := c.get(t, "/meetings/new")
		wantStatus(t, "new meeting form", resp, http.StatusOK)
		// Everyone who may be invited is ticked; stakeholders are not
		// offered.
		if !strings.Contains(resp.Body, `id="invitee-`+strconv.FormatInt(member.ID, 10)+`" name="invitee" type="checkbox" value="`+strconv.FormatInt(member.ID, 10)+`" checked`) {
			t.Errorf("the member is not offered ticked:\n%s", excerpt(resp.Body))
		}
		stakeholder := ts.account(t, demo.StakeholderEmail)
		if strings.Contains(resp.Body, `id="invitee-`+strconv.FormatInt(stakeholder.ID, 10)+`"`) {
			t.Errorf("a stakeholder is offered as an invitee")
		}
	})

	t.Run("OK", func(t *testing.T) {
		form := meetingFormValues("Plénière de mars")
		form["invitee"] = []string{strconv.FormatInt(member.ID, 10), strconv.FormatInt(secretariat.ID, 10)}
		resp := c.postForm(t, "/meetings", form)
		wantStatus(t, "create", resp, http.StatusSeeOther)
		loc := resp.location()
		if !strings.HasPrefix(loc, "/meetings/") || !strings.HasSuffix(loc, "?done=meeting_created") {
			t.Fatalf("Location %q", loc)
		}
		id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(loc, "/meetings/"), "?done=meeting_created"), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := ts.db.FindMeetingRecord(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		m := rec.Meeting
		// 09:00 and 12:30 in Mahdia (UTC+1) are 08:00 and 11:30 UTC.
		if got, want := m.StartsAt.UTC(), time.Date(2099, 3, 1, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("StartsAt = %v, want %v", got, want)
		}
		if got, want := m.EndsAt.UTC(), time.Date(2099, 3, 1, 11, 30, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("EndsAt = %v, want %v", got, want)
		}
		if m.Title != "Plénière de mars" || m.Status != workspace.MeetingPlanned || m.QuorumRule != workspace.QuorumHalfPlusOne || m.OnlineLink != "https://visio.example.tn/table" {
			t.Errorf("meeting = %+v", m)
		}
		if got := inviteeIDs(rec); len(got) != 2 || rec.Invitee(member.ID) == nil || rec.Invitee(secretariat.ID) == nil {
			t.Errorf("invitees = %v, want the member and the secretariat", got)
		}
		page := c.get(t, loc)
		wantStatus(t, "meeting page", page, http.StatusOK)
		for _, want := range []string{"Plénière de mars", "2099-03-01 09:00", "2099-03-01 12:30", `href="https://visio.example.tn/table" rel="noopener noreferrer"`,
			html.EscapeString(ts.srv.localizer("fr").T("notice.meeting_created"))} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the meeting page lacks %q", want)
			}
		}
	})

	for _, tt := range []struct {
		name   string
		change func(url.Values)
		key    string
	}{
		{"MissingTitle", func(f url.Values) { f.Set("title", "  ") }, "error.meeting.title_required"},
		{"EndBeforeStart", func(f url.Values) { f.Set("end_time", "08:00") }, "error.meeting.end_before_start"},
		{"EndDayBeforeStart", func(f url.Values) { f.Set("end_date", "2099-02-28") }, "error.meeting.end_before_start"},
		{"BadLink", func(f url.Values) { f.Set("online_link", "javascript:alert(1)") }, "error.meeting.link_invalid"},
		{"BadDate", func(f url.Values) { f.Set("start_date", "01/03/2099") }, "error.meeting.start_required"},
		{"BadKind", func(f url.Values) { f.Set("kind", "party") }, "error.meeting.kind_invalid"},
		{"BadQuorumRule", func(f url.Values) { f.Set("quorum_rule", "all") }, "error.meeting.quorum_rule_invalid"},
		{"BadInvitee", func(f url.Values) { f.Set("invitee", "someone") }, "error.meeting.invitee_invalid"},
		{"StakeholderInvited", func(f url.Values) {
			f.Set("invitee", strconv.FormatInt(ts.account(t, demo.StakeholderEmail).ID, 10))
		}, "error.meeting.invitee_invalid"},
		{"InvalidUTF8", func(f url.Values) { f.Set("title", "R\xe9union") }, "error.text.utf8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before, audits := meetingCount(t, ts), ts.auditCount(t)
			form := meetingFormValues("Réunion refusée")
			tt.change(form)
			resp := c.postForm(t, "/meetings", form)
			wantStatus(t, "create", resp, http.StatusBadRequest)
			if want := html.EscapeString(ts.srv.localizer("fr").T(tt.key)); !strings.Contains(resp.Body, want) {
				t.Errorf("the form does not say %q:\n%s", want, excerpt(resp.Body))
			}
			if tt.name != "InvalidUTF8" && tt.name != "MissingTitle" && !strings.Contains(resp.Body, `value="Réunion refusée"`) {
				t.Errorf("the form does not come back filled")
			}
			if after := meetingCount(t, ts); after != before {
				t.Errorf("%d meetings after a refused form, want %d", after, before)
			}
			if after := ts.auditCount(t); after != audits {
				t.Errorf("a refused form wrote %d audit entries", after-audits)
			}
		})
	}
}

func TestMeetingEdit(t *testing.T) {
	ts := newTestServer(t)
	c := ts.sessionClient(t, demo.SecretariatEmail)
	m := newMeeting(t, ts, "Groupe de travail protection", workspace.MeetingWorkingGroup, 5)
	path := meetingPath(m.ID)

	resp := c.get(t, path+"/edit")
	wantStatus(t, "edit form", resp, http.StatusOK)
	start := m.StartsAt.In(ts.srv.location)
	for _, want := range []string{`value="Groupe de travail protection"`, `value="` + start.Format("2006-01-02") + `"`, `value="` + start.Format("15:04") + `"`,
		`action="` + path + `/invitees"`} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("the edit form lacks %q", want)
		}
	}

	form := meetingFormValues("Groupe de travail protection de l'enfance")
	form.Set("kind", "working_group")
	form.Set("language", "ar")
	form.Set("start_date", "2099-05-02")
	form.Set("end_date", "2099-05-03")
	form.Set("end_time", "10:00")
	form.Set("online_link", "")
	resp = c.postForm(t, path, form)
	wantRedirect(t, "update", resp, path+"?done=meeting_saved")
	got, err := ts.db.FindMeetingByID(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Groupe de travail protection de l'enfance" || got.Language != "ar" || got.OnlineLink != "" ||
		!got.EndsAt.Equal(time.Date(2099, 5, 3, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("meeting after update = %+v", got)
	}

	t.Run("Invalid", func(t *testing.T) {
		bad := meetingFormValues("")
		resp := c.postForm(t, path, bad)
		wantStatus(t, "update without a title", resp, http.StatusBadRequest)
		after, err := ts.db.FindMeetingByID(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Title != got.Title {
			t.Errorf("a refused form changed the title to %q", after.Title)
		}
	})

	t.Run("Invitees", func(t *testing.T) {
		member := ts.account(t, demo.MemberEmail)
		resp := c.postForm(t, path+"/invitees", url.Values{"invitee": {strconv.FormatInt(member.ID, 10)}})
		wantRedirect(t, "invitees", resp, path+"?done=meeting_invitees_saved")
		rec, err := ts.db.FindMeetingRecord(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ids := inviteeIDs(rec); len(ids) != 1 || ids[0] != member.ID {
			t.Errorf("invitees = %v, want only the member (%d)", ids, member.ID)
		}
		edit := c.get(t, path+"/edit")
		if strings.Count(edit.Body, `name="invitee" type="checkbox" value="`) < 2 || strings.Count(edit.Body, `" checked>`) < 1 {
			t.Errorf("the edit form does not list the invitees")
		}
		id := strconv.FormatInt(member.ID, 10)
		if !strings.Contains(edit.Body, `value="`+id+`" checked`) {
			t.Errorf("the member is not ticked in the edit form")
		}
		resp = c.postForm(t, path+"/invitees", url.Values{"invitee": {"0"}})
		wantStatus(t, "invitees with a bad id", resp, http.StatusBadRequest)
	})
}

func TestMeetingStartAndClose(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	c := ts.sessionClient(t, demo.SecretariatEmail)
	memberClient := ts.sessionClient(t, demo.MemberEmail)
	m := newMeeting(t, ts, "Plénière de décembre", workspace.MeetingPlenary, 1)
	path := meetingPath(m.ID)
	system := workspace.SystemActor("test")
	item := &workspace.AgendaItem{MeetingID: m.ID, Title: "Circuit de référencement", DurationMinutes: 30}
	if err := ts.db.AddAgendaItem(ctx, system, item, nil); err != nil {
		t.Fatal(err)
	}
	member := ts.account(t, demo.MemberEmail)
	if err := ts.db.SetAttendance(ctx, system, m.ID, member.ID, workspace.AttendancePresent); err != nil {
		t.Fatal(err)
	}

	// Before the start, the minutes page says when they come.
	resp := memberClient.get(t, path+"/minutes")
	wantStatus(t, "minutes before the start", resp, http.StatusOK)
	if want := html.EscapeString(ts.srv.localizer("fr").T("meeting.minutes_not_yet")); !strings.Contains(resp.Body, want) {
		t.Errorf("the minutes page does not say they are made at the start")
	}
	page := c.get(t, path)
	if !strings.Contains(page.Body, `action="`+path+`/start"`) || strings.Contains(page.Body, `action="`+path+`/close"`) {
		t.Errorf("a planned meeting's page does not offer Start (only)")
	}
	if strings.Contains(memberClient.get(t, path).Body, `action="`+path+`/start"`) {
		t.Errorf("a member is offered Start")
	}

	resp = c.postForm(t, path+"/start", nil)
	wantRedirect(t, "start", resp, path+"?done=meeting_started")
	got, err := ts.db.FindMeetingByID(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != workspace.MeetingLive || got.MinutesDocumentID == nil {
		t.Fatalf("after start: status %s, minutes %v", got.Status, got.MinutesDocumentID)
	}
	text, _, err := ts.srv.collab.Text(ctx, *got.MinutesDocumentID)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Procès-verbal\u00a0: Plénière de décembre", "## 1. Circuit de référencement", member.Name} {
		if !strings.Contains(text, want) {
			t.Errorf("the minutes lack %q:\n%s", want, text)
		}
	}
	resp = memberClient.get(t, path+"/minutes")
	wantStatus(t, "minutes", resp, http.StatusOK)
	for _, want := range []string{`data-document="` + strconv.FormatInt(*got.MinutesDocumentID, 10) + `"`, `data-can-edit="true"`,
		html.EscapeString("## 1. Circuit de référencement"), assetURL("dist/editor.js")} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("the minutes page lacks %q", want)
		}
	}
	page = c.get(t, path)
	for _, want := range []string{`action="` + path + `/close"`, `href="` + path + `/room"`, `href="` + path + `/minutes"`, `href="` + path + `/minutes/print"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("a live meeting's page lacks %q", want)
		}
	}

	resp = c.postForm(t, path+"/start", nil)
	wantStatus(t, "second start", resp, http.StatusConflict)

	resp = c.postForm(t, path+"/close", nil)
	wantRedirect(t, "close", resp, path+"?done=meeting_closed")
	if got, err = ts.db.FindMeetingByID(ctx, m.ID); err != nil || got.Status != workspace.MeetingClosed {
		t.Fatalf("after close: %+v, %v", got, err)
	}
	resp = c.postForm(t, path+"/close", nil)
	wantStatus(t, "second close", resp, http.StatusConflict)
	resp = c.get(t, path+"/edit")
	wantStatus(t, "edit a closed meeting", resp, http.StatusConflict)
	page = c.get(t, path)
	if strings.Contains(page.Body, `href="`+path+`/edit"`) {
		t.Errorf("a closed meeting's page offers changes")
	}
	// Only the attendance stays correctable, until the minutes are
	// approved (TestAttendanceCorrectedAfterClose).
	if !strings.Contains(page.Body, `id="attendance-correct-hint"`) {
		t.Errorf("a closed meeting's page does not say its attendance may still be corrected")
	}
	// The archive lists it, with its minutes.
	past := memberClient.get(t, "/meetings?when=past")
	if !strings.Contains(past.Body, "Plénière de décembre") || !strings.Contains(past.Body, `href="`+path+`/minutes"`) {
		t.Errorf("the archive does not list the closed meeting with its minutes")
	}
}

func TestMeetingAttendance(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	c := ts.sessionClient(t, demo.SecretariatEmail)
	m := newMeeting(t, ts, "Plénière", workspace.MeetingPlenary, 2)
	path := meetingPath(m.ID)
	member := ts.account(t, demo.MemberEmail)
	id := strconv.FormatInt(member.ID, 10)

	page := c.get(t, path)
	if !strings.Contains(page.Body, `action="`+path+`/attendance"`) {
		t.Fatalf("the secretariat is not offered the attendance form")
	}
	rec, err := ts.db.FindMeetingRecord(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	before := rec.Quorum()

	resp := c.postForm(t, path+"/attendance", url.Values{"account": {id}, "attendance": {"present"}})
	wantRedirect(t, "attendance", resp, path+"?done=attendance_saved#attendance")
	if rec, err = ts.db.FindMeetingRecord(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if got := rec.Invitee(member.ID).Attendance; got != workspace.AttendancePresent {
		t.Errorf("attendance = %s, want present", got)
	}
	q := rec.Quorum()
	if member.CanVote && q.Present != before.Present+1 {
		t.Errorf("quorum present = %d, want %d", q.Present, before.Present+1)
	}
	page = c.get(t, path)
	key := "meeting.quorum_not_reached"
	if q.Reached {
		key = "meeting.quorum_reached"
	}
	want := html.EscapeString(ts.srv.localizer("fr").T(key, "Present", q.Present, "Electorate", q.Electorate, "Required", q.Required))
	if !strings.Contains(page.Body, want) {
		t.Errorf("the page does not show the quorum %q", want)
	}

	audits := ts.auditCount(t)
	for _, tt := range []struct {
		name string
		form url.Values
		want int
	}{
		{"UnknownAttendance", url.Values{"account": {id}, "attendance": {"late"}}, http.StatusBadRequest},
		{"NoAccount", url.Values{"attendance": {"absent"}}, http.StatusBadRequest},
		{"NotInvited", url.Values{"account": {strconv.FormatInt(ts.account(t, demo.StakeholderEmail).ID, 10)}, "attendance": {"absent"}}, http.StatusBadRequest},
		{"InvalidUTF8", url.Values{"account": {id}, "attendance": {"\xff"}}, http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := c.postForm(t, path+"/attendance", tt.form)
			wantStatus(t, tt.name, resp, tt.want)
		})
	}
	if got := ts.auditCount(t); got != audits {
		t.Errorf("refused attendance forms wrote %d audit entries", got-audits)
	}
	memberClient := ts.sessionClient(t, demo.MemberEmail)
	resp = memberClient.postForm(t, path+"/attendance", url.Values{"account": {id}, "attendance": {"absent"}})
	wantStatus(t, "a member marks attendance", resp, http.StatusForbidden)
}

func TestMeetingList(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	c := ts.sessionClient(t, demo.MemberEmail)
	plenary := newMeeting(t, ts, "Plénière à venir", workspace.MeetingPlenary, 10)
	group := newMeeting(t, ts, "Groupe de travail à venir", workspace.MeetingWorkingGroup, 3)
	old := newMeeting(t, ts, "Plénière passée", workspace.MeetingPlenary, 1)
	system := workspace.SystemActor("test")
	if _, err := ts.db.StartMeeting(ctx, system, old.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.CloseMeeting(ctx, system, old.ID); err != nil {
		t.Fatal(err)
	}

	resp := c.get(t, "/meetings")
	wantStatus(t, "list", resp, http.StatusOK)
	body := resp.Body
	g, p := strings.Index(body, group.Title), strings.Index(body, plenary.Title)
	if g < 0 || p < 0 || g > p {
		t.Errorf("upcoming meetings are not listed soonest first (group at %d, plenary at %d)", g, p)
	}
	if strings.Contains(body, old.Title) {
		t.Errorf("a closed meeting is listed as upcoming")
	}
	if !strings.Contains(body, `href="/calendar"`) {
		t.Errorf("the list does not link to the calendar feed")
	}
	if strings.Contains(body, `href="/meetings/new"`) {
		t.Errorf("a member is offered New meeting")
	}
	if !strings.Contains(ts.sessionClient(t, demo.SecretariatEmail).get(t, "/meetings").Body, `href="/meetings/new"`) {
		t.Errorf("the secretariat is not offered New meeting")
	}

	resp = c.get(t, "/meetings?kind=working_group")
	if !strings.Contains(resp.Body, group.Title) || strings.Contains(resp.Body, plenary.Title) {
		t.Errorf("?kind=working_group does not keep working groups only")
	}
	resp = c.get(t, "/meetings?when=past")
	if !strings.Contains(resp.Body, old.Title) || strings.Contains(resp.Body, plenary.Title) {
		t.Errorf("?when=past does not list the archive only")
	}
	resp = c.get(t, "/meetings?when=past&kind=working_group")
	if strings.Contains(resp.Body, old.Title) {
		t.Errorf("the archive's kind filter lets a plenary through")
	}
	resp = c.get(t, "/meetings?kind=party&page=999999999")
	wantStatus(t, "list with nonsense filters", resp, http.StatusOK)

	// The home page shows the member's next meetings.
	home := c.get(t, "/")
	if !strings.Contains(home.Body, group.Title) || !strings.Contains(home.Body, `href="/meetings"`) {
		t.Errorf("the home page does not show the next meetings")
	}
	stakeholderHome := ts.sessionClient(t, demo.StakeholderEmail).get(t, "/")
	if strings.Contains(stakeholderHome.Body, group.Title) || strings.Contains(stakeholderHome.Body, `href="/meetings"`) {
		t.Errorf("a stakeholder's home page shows meetings")
	}
}

func TestMeetingAgendaPrint(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	c := ts.sessionClient(t, demo.MemberEmail)
	m := newMeeting(t, ts, "Plénière imprimée", workspace.MeetingPlenary, 4)
	system := workspace.SystemActor("test")
	member := ts.account(t, demo.MemberEmail)
	for _, it := range []*workspace.AgendaItem{
		{MeetingID: m.ID, Title: "Ouverture", DurationMinutes: 15},
		{MeetingID: m.ID, Title: "Protocole d'accueil", DurationMinutes: 45, PresenterAccountID: &member.ID},
	} {
		if err := ts.db.AddAgendaItem(ctx, system, it, nil); err != nil {
			t.Fatal(err)
		}
	}
	resp := c.get(t, meetingPath(m.ID)+"/agenda/print")
	wantStatus(t, "printable agenda", resp, http.StatusOK)
	l := ts.srv.localizer("fr")
	for _, want := range []string{"Plénière imprimée", "Ouverture", html.EscapeString("Protocole d'accueil"), member.Name,
		l.T("meeting.duration", "Count", 45), l.T("meeting.duration", "Count", 60), "print-view"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("the printable agenda lacks %q", want)
		}
	}
	// Its labels are in the reader's language: only the table's own words
	// carry the meeting's language.
	wantBody(t, "printable agenda", resp.Body, `<article class="panel print-view agenda-print">`, `<h1 lang="fr" dir="auto">Plénière imprimée</h1>`)
}

// TestMeetingMinutesApproved follows a meeting's minutes to the next
// meeting: its agenda names the approval and the matters arising in the
// reader's language, and once the approval is adopted the first meeting's
// pages say when.
func TestMeetingMinutesApproved(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	c := ts.sessionClient(t, demo.MemberEmail)
	first := newMeeting(t, ts, "Plénière d'octobre", workspace.MeetingPlenary, 1)
	item := &workspace.AgendaItem{MeetingID: first.ID, Title: "Plan d'action", DurationMinutes: 20}
	if err := ts.db.AddAgendaItem(ctx, system, item, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.StartMeeting(ctx, system, first.ID, ts.srv.minutesPrefill); err != nil {
		t.Fatal(err)
	}
	decision := &workspace.Decision{AgendaItemID: item.ID, Text: "Le plan est adopté.", Outcome: workspace.OutcomeAdopted}
	if err := ts.db.RecordDecision(ctx, system, decision); err != nil {
		t.Fatal(err)
	}
	action := &workspace.Action{DecisionID: decision.ID, Title: "Diffuser le plan", OwnerOrganisationID: ts.account(t, demo.MemberEmail).OrganisationID, DueDate: "2099-01-31"}
	if err := ts.db.AddAction(ctx, system, action); err != nil {
		t.Fatal(err)
	}
	// The next plenary is planned before the demo's own next plenary, so
	// that closing the first one carries over to it.
	next := newMeeting(t, ts, "Plénière de novembre", workspace.MeetingPlenary, 10)
	if _, err := ts.db.CloseMeeting(ctx, system, first.ID); err != nil {
		t.Fatal(err)
	}

	page := c.get(t, meetingPath(next.ID))
	wantStatus(t, "next meeting", page, http.StatusOK)
	fr := ts.srv.localizer("fr")
	for _, want := range []string{
		html.EscapeString(fr.T("meeting.item.minutes_approval", "Name", first.Title)),
		html.EscapeString(fr.T("meeting.item.matters_arising", "Name", first.Title)),
		"Diffuser le plan",
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the next meeting's agenda lacks %q", want)
		}
	}
	arabic := c.get(t, meetingPath(next.ID)+"?lang=ar")
	if want := html.EscapeString(ts.srv.localizer("ar").T("meeting.item.minutes_approval", "Name", first.Title)); !strings.Contains(arabic.Body, want) {
		t.Errorf("the Arabic page does not name the approval %q", want)
	}

	rec, err := ts.db.FindMeetingRecord(ctx, next.ID)
	if err != nil {
		t.Fatal(err)
	}
	var approval *workspace.AgendaItem
	for _, it := range rec.Items {
		if it.Kind == workspace.ItemMinutesApproval {
			approval = it
		}
	}
	if approval == nil {
		t.Fatal("the next meeting has no approval item")
	}
	if _, err := ts.db.StartMeeting(ctx, system, next.ID, ts.srv.minutesPrefill); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.RecordDecision(ctx, system, &workspace.Decision{AgendaItemID: approval.ID, Text: "Approuvé.", Outcome: workspace.OutcomeAdopted}); err != nil {
		t.Fatal(err)
	}
	minutes := c.get(t, meetingPath(first.ID)+"/minutes?lang=fr")
	wantStatus(t, "approved minutes", minutes, http.StatusOK)
	if want := html.EscapeString(fr.T("meeting.minutes_approved")); !strings.Contains(minutes.Body, want) {
		t.Errorf("the minutes page does not say they were approved")
	}
	// The next meeting's minutes name the approval in their own language.
	got, err := ts.db.FindMeetingByID(ctx, next.ID)
	if err != nil {
		t.Fatal(err)
	}
	text, _, err := ts.srv.collab.Text(ctx, *got.MinutesDocumentID)
	if err != nil {
		t.Fatal(err)
	}
	if want := ts.srv.minutesItemHeading("fr", approval); !strings.Contains(text, want) {
		t.Errorf("the next minutes lack %q:\n%s", want, text)
	}
	testApprovedMinutesSealed(t, ts, first)
}

// testApprovedMinutesSealed checks that minutes a later meeting approved
// are the table's record and no longer change: their page says so and
// mounts the editor read-only, a push over the websocket is refused even
// for the administrator, and so is an update the server makes itself;
// the text stays as it was.
func testApprovedMinutesSealed(t *testing.T, ts *testServer, m *workspace.Meeting) {
	t.Helper()
	ctx := context.Background()
	got, err := ts.db.FindMeetingByID(ctx, m.ID)
	if err != nil || got.MinutesApprovedAt == nil {
		t.Fatalf("minutes of %q not approved: %v", m.Title, err)
	}
	docID := *got.MinutesDocumentID
	before, version, err := ts.srv.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	page := ts.sessionClient(t, demo.SecretariatEmail).get(t, meetingPath(m.ID)+"/minutes?lang=fr")
	wantBody(t, "sealed minutes", page.Body, html.EscapeString(ts.srv.localizer("fr").T("meeting.minutes_sealed")), `data-can-edit="false"`)
	for _, email := range []string{demo.MemberEmail, demo.AdminEmail} {
		ws := mustDialWS(t, ts.loginAs(t, email))
		testsupport.SendText(t, ws, fmt.Sprintf(`{"type":"doc.join","doc":%d}`, docID))
		state := wsReadUntil(t, ws, "doc.state")
		if state.CanEdit {
			t.Errorf("%s may edit approved minutes", email)
		}
		testsupport.SendText(t, ws, fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"late","seq":1,"changes":[[0,"Ajout. "],%d]}]}`,
			docID, state.Version, len(utf16.Encode([]rune(state.Text)))))
		if answer := wsAnswer(t, ws); answer != "error:forbidden" {
			t.Errorf("a push by %s on approved minutes: %s, want error:forbidden", email, answer)
		}
		ws.Close()
	}
	set, err := change.Of(utf16Units(before), change.Spec{From: 0, Insert: "Ajout. "})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.srv.collab.Apply(ctx, docID, collab.Edit{Account: ts.account(t, demo.SecretariatEmail), Base: version, Changes: set})
	if workspace.ErrorCode(err) != workspace.EFORBIDDEN {
		t.Errorf("a server-made update of approved minutes: %v, want forbidden", err)
	}
	if after, _, _ := ts.srv.collab.Text(ctx, docID); after != before {
		t.Errorf("approved minutes changed:\n%s", after)
	}
}
