package server

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/meeting"
	"tawla/workspace"
)

// cancelReason is the reason the tests give, with an apostrophe and a line
// break that the page must show as written.
const cancelReason = "Alerte météo : la salle du gouvernorat est fermée.\nLa plénière sera replanifiée."

// mustCancel cancels m through its page as the secretariat.
func mustCancel(t *testing.T, c *client, m *workspace.Meeting) {
	t.Helper()
	resp := c.postForm(t, meetingPath(m.ID)+"/cancel", url.Values{"reason": {cancelReason}})
	wantStatus(t, "cancel", resp, http.StatusSeeOther)
	if got, want := resp.location(), meetingPath(m.ID)+"?done=meeting_cancelled"; got != want {
		t.Fatalf("cancel went to %q, want %q", got, want)
	}
}

// TestCancelMeeting: the secretariat cancels a planned meeting from its
// page; the page stays, read-only, saying in each language that it was
// cancelled, when, by whom and why; the list marks it with a badge and the
// home page no longer counts it among the meetings to attend. A reason is
// required: without one the form comes back open with why.
func TestCancelMeeting(t *testing.T) {
	ts := newTestServer(t)
	secretariat := ts.sessionClient(t, demo.SecretariatEmail)
	member := ts.sessionClient(t, demo.MemberEmail)
	m := newMeeting(t, ts, "Plénière annulée du test", workspace.MeetingPlenary, 3)
	kept := newMeeting(t, ts, "Plénière maintenue du test", workspace.MeetingPlenary, 4)

	page := secretariat.get(t, meetingPath(m.ID))
	wantStatus(t, "planned meeting page", page, http.StatusOK)
	for _, want := range []string{`action="/meetings/` + strconv.FormatInt(m.ID, 10) + `/cancel"`, `<details class="confirm" id="meeting-cancel"`, `name="reason"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the planned meeting's page lacks %q", want)
		}
	}
	if strings.Contains(member.get(t, meetingPath(m.ID)).Body, "/cancel") {
		t.Errorf("a member is offered to cancel the meeting")
	}

	resp := secretariat.postForm(t, meetingPath(m.ID)+"/cancel", url.Values{"reason": {"   "}})
	wantStatus(t, "cancel without a reason", resp, http.StatusBadRequest)
	for _, want := range []string{`id="meeting-cancel" open`, html.EscapeString(ts.srv.localizer("fr").T("error.meeting.cancel_reason_required")), `aria-invalid="true"`} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if got, _ := ts.db.FindMeetingByID(context.Background(), m.ID); got.Status != workspace.MeetingPlanned {
		t.Fatalf("a refused cancellation left the meeting %s", got.Status)
	}

	mustCancel(t, secretariat, m)
	name := ts.account(t, demo.SecretariatEmail).Name
	for _, lang := range []string{"fr", "ar", "en"} {
		l := ts.srv.localizer(lang)
		page := member.get(t, meetingPath(m.ID)+"?lang="+lang)
		wantStatus(t, "cancelled meeting page", page, http.StatusOK)
		for _, want := range []string{
			html.EscapeString(l.T("meeting.cancelled_heading")),
			html.EscapeString(l.T("meeting.status.cancelled")),
			html.EscapeString(cancelReason),
			html.EscapeString(name),
			`class="status status-cancelled"`,
		} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("%s: the cancelled meeting's page lacks %q", lang, want)
			}
		}
		if lang == "ar" && !strings.Contains(page.Body, `dir="rtl"`) {
			t.Errorf("the Arabic page is not right to left")
		}
	}
	page = secretariat.get(t, meetingPath(m.ID)+"?done=meeting_cancelled")
	for _, gone := range []string{"/cancel\"", "/start\"", "/edit\"", "/items\"", "/attendance\"", "/room\""} {
		if strings.Contains(page.Body, gone) {
			t.Errorf("the cancelled meeting's page still offers %s", gone)
		}
	}
	if !strings.Contains(page.Body, html.EscapeString(ts.srv.localizer("fr").T("notice.meeting_cancelled"))) {
		t.Errorf("no notice after cancelling")
	}

	list := member.get(t, "/meetings")
	row := list.Body[strings.Index(list.Body, "Plénière annulée du test")-200:]
	if !strings.Contains(list.Body, `<tr class="meeting-cancelled">`) || !strings.Contains(row[:800], "status-cancelled") {
		t.Errorf("the list does not mark the cancelled meeting")
	}
	home := member.get(t, "/")
	if strings.Contains(home.Body, "Plénière annulée du test") || !strings.Contains(home.Body, kept.Title) {
		t.Errorf("the home page's next meetings count the cancelled one, or miss the one kept")
	}
}

// TestCancelLiveMeetingRefused: a live meeting took place; cancelling it
// is 409 with its reason, and nothing changes.
func TestCancelLiveMeetingRefused(t *testing.T) {
	ts := newTestServer(t)
	c := ts.sessionClient(t, demo.SecretariatEmail)
	f := newRoomMeeting(t, ts, nil, true)
	resp := c.postForm(t, meetingPath(f.meeting.ID)+"/cancel", url.Values{"reason": {cancelReason}})
	wantStatus(t, "cancel a live meeting", resp, http.StatusConflict)
	if !strings.Contains(resp.Body, html.EscapeString(ts.srv.localizer("fr").T("error.meeting.cancel_not_planned"))) {
		t.Errorf("the refusal does not say why:\n%s", excerpt(resp.Body))
	}
	if got, _ := ts.db.FindMeetingByID(context.Background(), f.meeting.ID); got.Status != workspace.MeetingLive {
		t.Errorf("the live meeting is now %s", got.Status)
	}
}

// TestCancelledMeetingRefusesWrites: every page that writes to a meeting —
// its details, invitees, attendance, start, close, agenda, decisions,
// actions, check-in, floor, polls — answers 409 for a cancelled one, with
// the reason in words, and the room's messages get a conflict error.
func TestCancelledMeetingRefusesWrites(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	c := ts.sessionClient(t, demo.SecretariatEmail)
	f := newRoomMeeting(t, ts, nil, false)
	m, item := f.meeting, f.items[0]
	member := ts.account(t, demo.MemberEmail)
	poll := &workspace.Poll{Question: "Adopter le parcours ?", Kind: workspace.PollYesNo, Mode: workspace.BallotNamed,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone, MeetingID: &m.ID, AgendaItemID: &item.ID}
	if err := ts.db.CreatePoll(ctx, workspace.SystemActor("test"), poll); err != nil {
		t.Fatal(err)
	}
	mustCancel(t, c, m)

	base := meetingPath(m.ID)
	itemPath := base + "/items/" + strconv.FormatInt(item.ID, 10)
	meetingForm := meetingFormValues("Plénière changée")
	org := strconv.FormatInt(member.OrganisationID, 10)
	writes := []struct {
		path string
		form url.Values
	}{
		{base, meetingForm},
		{base + "/invitees", url.Values{"invitee": {strconv.FormatInt(member.ID, 10)}}},
		{base + "/attendance", url.Values{"account": {strconv.FormatInt(member.ID, 10)}, "attendance": {"excused"}}},
		{base + "/start", nil},
		{base + "/close", nil},
		{base + "/cancel", url.Values{"reason": {"Encore"}}},
		{base + "/items", url.Values{"title": {"Nouveau point"}, "duration_minutes": {"10"}}},
		{itemPath, url.Values{"title": {"Point changé"}, "duration_minutes": {"10"}}},
		{itemPath + "/delete", nil},
		{itemPath + "/move", url.Values{"direction": {"down"}, "position": {"1"}}},
		{itemPath + "/decision", url.Values{"text": {"Adopté"}, "outcome": {"adopted"}}},
		{itemPath + "/actions", url.Values{"title": {"Relancer"}, "owner_organisation_id": {org}, "due_date": {"2099-01-01"}}},
		{base + "/checkin", nil},
		{base + "/floor", url.Values{"action": {"ask"}}},
		{"/polls/" + strconv.FormatInt(poll.ID, 10) + "/open", nil},
	}
	for _, w := range writes {
		t.Run(strings.ReplaceAll(strings.TrimPrefix(w.path, "/"), "/", "_"), func(t *testing.T) {
			resp := c.postForm(t, w.path, w.form)
			wantStatus(t, "POST "+w.path, resp, http.StatusConflict)
			if !strings.Contains(resp.Body, html.EscapeString(ts.srv.localizer("fr").T("error.meeting.cancelled"))) {
				t.Errorf("POST %s: the refusal does not say the meeting was cancelled:\n%s", w.path, excerpt(resp.Body))
			}
		})
	}
	rec, err := ts.db.FindMeetingRecord(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Meeting.Title != m.Title || len(rec.Items) != 2 || rec.Items[0].ID != item.ID || rec.Items[0].Title != item.Title || rec.Items[0].Decision != nil {
		t.Errorf("a refused write changed the cancelled meeting: %+v", rec.Meeting)
	}

	// The room's messages.
	ws := mustDialWS(t, c)
	meetingField := `"meeting":` + strconv.FormatInt(m.ID, 10)
	for _, msg := range []string{
		`{"type":"meeting.item",` + meetingField + `,"item":` + strconv.FormatInt(item.ID, 10) + `}`,
		`{"type":"meeting.floor.ask",` + meetingField + `}`,
		`{"type":"meeting.floor.withdraw",` + meetingField + `}`,
		`{"type":"meeting.floor.next",` + meetingField + `}`,
		`{"type":"meeting.floor.end",` + meetingField + `}`,
		`{"type":"meeting.checkin",` + meetingField + `}`,
		`{"type":"meeting.attendance",` + meetingField + `,"account":` + strconv.FormatInt(member.ID, 10) + `,"attendance":"present"}`,
	} {
		if got := roomAnswer(t, ws, msg, nil); got != "error:"+workspace.ECONFLICT {
			t.Errorf("%s on a cancelled meeting: %s, want a conflict", msg, got)
		}
	}
}

// TestCancelMeetingLive: whoever follows the meeting live gets the room's
// snapshot showing it cancelled, then a meeting.cancelled event with the
// reason and who cancelled it.
func TestCancelMeetingLive(t *testing.T) {
	ts := newTestServer(t)
	secretariat := ts.sessionClient(t, demo.SecretariatEmail)
	f := newRoomMeeting(t, ts, nil, false)
	ws := mustDialWS(t, ts.sessionClient(t, demo.MemberEmail))
	testsupport.SendText(t, ws, `{"type":"subscribe","topic":"`+f.topic()+`"}`)
	if st := roomState(t, ws); st.Status != workspace.MeetingPlanned {
		t.Fatalf("first snapshot: %s", st.Status)
	}
	mustCancel(t, secretariat, f.meeting)
	if st := roomState(t, ws); st.Status != workspace.MeetingCancelled {
		t.Errorf("snapshot after cancelling: %s, want cancelled", st.Status)
	}
	for {
		msg := roomRead(t, ws)
		if msg.Type != "event" || msg.Topic != f.topic() {
			continue
		}
		var ev meeting.Cancelled
		if err := json.Unmarshal(msg.Data, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Kind != meeting.CancelledKind {
			continue
		}
		if ev.Meeting != f.meeting.ID || ev.Reason != cancelReason || ev.By != ts.account(t, demo.SecretariatEmail).Name || ev.CancelledAt == "" || ev.Title != f.meeting.Title {
			t.Errorf("meeting.cancelled = %+v", ev)
		}
		break
	}
}

// TestCancelMeetingAudited: the audit log says in each language that the
// meeting was cancelled, its status before and after in words, and why.
func TestCancelMeetingAudited(t *testing.T) {
	ts := newTestServer(t)
	m := newMeeting(t, ts, "Plénière annulée du test", workspace.MeetingPlenary, 3)
	mustCancel(t, ts.sessionClient(t, demo.SecretariatEmail), m)
	admin := ts.sessionClient(t, demo.AdminEmail)
	for _, lang := range []string{"fr", "ar", "en"} {
		l := ts.srv.localizer(lang)
		resp := admin.get(t, "/admin/audit?action="+workspace.AuditMeetingCancel+"&lang="+lang)
		wantStatus(t, "audit", resp, http.StatusOK)
		for _, want := range []string{
			html.EscapeString(l.T("audit.action.meeting.cancel")),
			html.EscapeString(l.T("audit.field.cancel_reason")),
			html.EscapeString(l.T("meeting.status.planned")),
			html.EscapeString(l.T("meeting.status.cancelled")),
			html.EscapeString(cancelReason),
		} {
			if !strings.Contains(resp.Body, want) {
				t.Errorf("%s: the audit log lacks %q", lang, want)
			}
		}
		if strings.Contains(resp.Body, ">cancelled<") || strings.Contains(resp.Body, "cancel_reason") {
			t.Errorf("%s: the audit log shows a raw name", lang)
		}
	}
}
